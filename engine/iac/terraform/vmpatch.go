package terraform

import (
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// vmDeleteOptions writes what azurerm's virtual machine resources cannot express — what Azure
// deletes with the VM (osDisk.deleteOption, each NIC's deleteOption) — as an
// azapi_update_resource on the VM, applied after the VM and its data disk attachments (each of
// them rewrites the VM: they run one after another). Only values other than Azure's default
// (Detach) are written; the mapping report names the patch.
func (e *emitter) vmDeleteOptions(r *model.Resource, attachments []string) {
	props := map[string]any{}
	if strings.EqualFold(s(jsonpath.Get(r.Body, "storageProfile.osDisk.deleteOption")), "Delete") {
		props["storageProfile"] = map[string]any{"osDisk": map[string]any{"deleteOption": "Delete"}}
	}
	nics := arr(jsonpath.Get(r.Body, "networkProfile.networkInterfaces"))
	anyNIC := false
	var refs []any
	for _, n := range nics {
		id := idAt(n, "id")
		if id == nil {
			return // a NIC the patch cannot name: leave the VM as azurerm made it
		}
		np := map[string]any{}
		if p, ok := jsonpath.Get(n, "properties.primary").(bool); ok {
			np["primary"] = p
		}
		if d := s(jsonpath.Get(n, "properties.deleteOption")); d != "" {
			np["deleteOption"] = d
			anyNIC = anyNIC || strings.EqualFold(d, "Delete")
		}
		refs = append(refs, map[string]any{"id": id, "properties": np})
	}
	if anyNIC {
		props["networkProfile"] = map[string]any{"networkInterfaces": refs}
	}
	if len(props) == 0 {
		return
	}
	addr := r.Key + "_delete_options"
	version, _ := e.azapiVersion(r)
	e.body.AppendNewline()
	b := e.body.AppendNewBlock("resource", []string{"azapi_update_resource", addr}).Body()
	e.set(b, "type", r.Type+"@"+version)
	e.setExpr(b, "resource_id", e.address(r)+".id")
	e.setExpr(b, "body", e.value(map[string]any{"properties": props}, ""))
	deps := append([]string{e.address(r)}, attachments...)
	e.setExpr(b, "depends_on", "["+strings.Join(deps, ", ")+"]")
	e.notes[r.Key] = appendNote(e.notes[r.Key], "deleteOption (what Azure deletes with the VM) is set by azapi_update_resource."+addr+": azurerm cannot express it")
}
