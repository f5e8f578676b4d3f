package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/atg-go/atg/engine/azure"
)

// writer sends raw ARM requests as one tenant's principal (bodies as JSON maps: zones and
// every property go through unchanged).
type writer struct {
	t     *testing.T
	base  string
	token string
}

func newWriter(t *testing.T, f *fixture, tenant string) *writer {
	t.Helper()
	tok, err := azure.LocalCredential{TenantID: tenant, PrincipalID: "deployer"}.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{f.srv.ARMEndpoint + "/.default"}})
	if err != nil {
		t.Fatal(err)
	}
	return &writer{t: t, base: f.srv.ARMEndpoint, token: tok.Token}
}

// do sends method path?api-version=v with body and returns the status and decoded answer.
func (w *writer) do(method, path, v string, body any) (int, map[string]any) {
	w.t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			w.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	u := w.base + path
	if v != "" {
		u += "?api-version=" + v
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// must is do that fails the test unless the status is one of want.
func (w *writer) must(method, path, v string, body any, want ...int) map[string]any {
	w.t.Helper()
	st, out := w.do(method, path, v, body)
	for _, s := range want {
		if st == s {
			return out
		}
	}
	w.t.Fatalf("%s %s: %d %v, want %v", method, path, st, out, want)
	return nil
}

// wantErr fails unless method path answers status with ARM error code.
func (w *writer) wantErr(method, path, v string, body any, status int, code string) string {
	w.t.Helper()
	st, out := w.do(method, path, v, body)
	e, _ := out["error"].(map[string]any)
	if st != status || e["code"] != code {
		w.t.Fatalf("%s %s: %d %v, want %d %s", method, path, st, out, status, code)
	}
	msg, _ := e["message"].(string)
	return msg
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

// targetFixture is a simulator with a generated tenant A and an empty tenant B (two
// subscriptions, resource group rg in each), and a writer for B.
func targetFixture(t *testing.T) (*fixture, *writer, []string) {
	t.Helper()
	f := startSim(t, Options{Resources: 60, Subscriptions: 2, Tenants: 2, Seed: 9, Throttle: "off"})
	w := newWriter(t, f, f.srv.TenantIDs[1])
	subs := f.sim.SubscriptionIDs(f.srv.TenantIDs[1])
	for _, s := range subs {
		w.must("PUT", "/subscriptions/"+s+"/resourceGroups/rg", vRG[len(vRG)-1], map[string]any{"location": "westeurope"}, 201)
	}
	return f, w, subs
}

const vmAPI = "2024-07-01"

// network creates vnet1 (subnet default) and nic1 in rg of sub; it returns the NIC id.
func network(w *writer, sub string) string {
	rg := "/subscriptions/" + sub + "/resourceGroups/rg"
	w.must("PUT", rg+"/providers/Microsoft.Network/virtualNetworks/vnet1", vmAPI, map[string]any{"location": "westeurope",
		"properties": map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"10.1.0.0/16"}},
			"subnets": []any{map[string]any{"name": "default", "properties": map[string]any{"addressPrefix": "10.1.0.0/24"}}}}}, 201)
	nic := rg + "/providers/Microsoft.Network/networkInterfaces/nic1"
	w.must("PUT", nic, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"ipConfigurations": []any{
		map[string]any{"name": "ipconfig1", "properties": map[string]any{"subnet": map[string]any{"id": rg + "/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default"}}}}}}, 201)
	return nic
}

func vmBody(nic string, dataDisks ...any) map[string]any {
	return map[string]any{"location": "westeurope", "zones": []any{"2"}, "properties": map[string]any{
		"hardwareProfile": map[string]any{"vmSize": "Standard_D2s_v5"},
		"storageProfile": map[string]any{
			"imageReference": map[string]any{"publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"},
			"osDisk": map[string]any{"name": "vm1-os", "createOption": "FromImage", "caching": "ReadWrite", "deleteOption": "Delete",
				"managedDisk": map[string]any{"storageAccountType": "StandardSSD_LRS"}, "diskSizeGB": 64},
			"dataDisks": append([]any{}, dataDisks...)},
		"osProfile":      map[string]any{"computerName": "vm1", "adminUsername": "azureuser", "adminPassword": "Sup3r-secret-pw!", "customData": "I2Nsb3VkLWNvbmZpZw=="},
		"networkProfile": map[string]any{"networkInterfaces": []any{map[string]any{"id": nic}}}}}
}

// TestVMCreatesDisks: a VM PUT creates its OS disk (FromImage) and empty data disks with the
// VM's location, zones and the osDisk's sku/size/osType, managedBy the VM; managedDisk.id is
// filled; Attach needs an existing, unattached disk; an update that drops a data disk detaches
// it; a VM DELETE deletes the disks with deleteOption Delete and detaches the rest.
func TestVMCreatesDisks(t *testing.T) {
	_, w, subs := targetFixture(t)
	rg := "/subscriptions/" + subs[0] + "/resourceGroups/rg"
	nic := network(w, subs[0])
	disks := rg + "/providers/Microsoft.Compute/disks/"
	vm := rg + "/providers/Microsoft.Compute/virtualMachines/vm1"
	// Attach of a disk that does not exist, and Attach without an id
	w.wantErr("PUT", vm, vmAPI, vmBody(nic, map[string]any{"lun": 0, "createOption": "Attach", "managedDisk": map[string]any{"id": disks + "nope"}}), 400, "LinkedInvalidPropertyId")
	w.wantErr("PUT", vm, vmAPI, vmBody(nic, map[string]any{"lun": 0, "createOption": "Attach"}), 400, "InvalidParameter")
	w.wantErr("PUT", vm, vmAPI, vmBody(nic, map[string]any{"lun": 0, "createOption": "Empty", "name": "d0"}), 400, "InvalidParameter") // no size
	if st, _ := w.do("GET", disks+"vm1-os", vDisk[0], nil); st != 404 {
		t.Fatalf("a refused VM PUT left its OS disk behind (%d)", st)
	}
	// an existing unattached disk to attach, and one attached elsewhere
	w.must("PUT", disks+"shared", vDisk[0], map[string]any{"location": "westeurope", "sku": map[string]any{"name": "Premium_LRS"},
		"properties": map[string]any{"diskSizeGB": 16, "creationData": map[string]any{"createOption": "Empty"}}}, 200) // disks answer 200 or 202 on create (their PUT lists no 201)
	out := w.must("PUT", vm, vmAPI, vmBody(nic,
		map[string]any{"lun": 0, "name": "vm1-data0", "createOption": "Empty", "diskSizeGB": 128},
		map[string]any{"lun": 1, "createOption": "Attach", "managedDisk": map[string]any{"id": disks + "shared"}}), 201)
	if got := dig(out, "properties", "storageProfile", "osDisk", "managedDisk", "id"); !strings.EqualFold(got.(string), disks+"vm1-os") {
		t.Fatalf("osDisk.managedDisk.id = %v", got)
	}
	os := w.must("GET", disks+"vm1-os", vDisk[0], nil, 200)
	checks := map[string]any{"managedBy": vm, "location": "westeurope", "sku.name": "StandardSSD_LRS", "sku.tier": "Standard",
		"properties.diskSizeGB": 64.0, "properties.osType": "Linux", "properties.diskState": "Attached",
		"properties.creationData.createOption": "FromImage", "zones": []any{"2"}, "tags": nil}
	for path, want := range checks {
		got := dig(os, strings.Split(path, ".")...)
		if b1, _ := json.Marshal(got); string(b1) != func() string { b2, _ := json.Marshal(want); return string(b2) }() {
			t.Errorf("OS disk %s = %v, want %v", path, got, want)
		}
	}
	if img, _ := dig(os, "properties", "creationData", "imageReference", "id").(string); !strings.HasSuffix(img, "/Versions/"+latestImages["canonical|ubuntu-24_04-lts|server"]) {
		t.Errorf("image reference %q: 'latest' not resolved", img)
	}
	data := w.must("GET", disks+"vm1-data0", vDisk[0], nil, 200)
	if dig(data, "managedBy") != vm || dig(data, "properties", "diskSizeGB") != 128.0 || dig(data, "properties", "creationData", "createOption") != "Empty" {
		t.Errorf("data disk %v", data)
	}
	if sh := w.must("GET", disks+"shared", vDisk[0], nil, 200); dig(sh, "managedBy") != vm || dig(sh, "properties", "diskState") != "Attached" {
		t.Errorf("attached disk: managedBy %v state %v", dig(sh, "managedBy"), dig(sh, "properties", "diskState"))
	}
	// GET of the VM: ids filled, secrets absent
	got := w.must("GET", vm, vmAPI, nil, 200)
	if op := dig(got, "properties", "osProfile").(map[string]any); op["adminPassword"] != nil || op["customData"] != nil {
		t.Fatalf("VM GET returns secrets: %v", op)
	}
	if dd := dig(got, "properties", "storageProfile", "dataDisks").([]any); !strings.EqualFold(dig(dd[0], "managedDisk", "id").(string), disks+"vm1-data0") {
		t.Errorf("data disk id not filled: %v", dd[0])
	}
	// a second VM cannot take the attached disk, nor create an OS disk over an existing one
	nic2 := strings.TrimSuffix(nic, "1") + "2"
	w.must("PUT", nic2, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"ipConfigurations": []any{
		map[string]any{"name": "ipconfig1", "properties": map[string]any{"subnet": map[string]any{"id": rg + "/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default"}}}}}}, 201)
	vm2 := rg + "/providers/Microsoft.Compute/virtualMachines/vm2"
	b2 := vmBody(nic2, map[string]any{"lun": 0, "createOption": "Attach", "managedDisk": map[string]any{"id": disks + "shared"}})
	dig(b2, "properties", "storageProfile", "osDisk").(map[string]any)["name"] = "vm2-os"
	w.wantErr("PUT", vm2, vmAPI, b2, 409, "OperationNotAllowed")
	b2 = vmBody(nic2) // osDisk named vm1-os: exists, owned by vm1
	w.wantErr("PUT", vm2, vmAPI, b2, 409, "ConflictingUserInput")
	// renaming the OS disk of an existing VM is refused
	b1 := vmBody(nic)
	dig(b1, "properties", "storageProfile", "osDisk").(map[string]any)["name"] = "other"
	w.wantErr("PUT", vm, vmAPI, b1, 409, "PropertyChangeNotAllowed")
	// an attached disk cannot be deleted
	w.wantErr("DELETE", disks+"vm1-data0", vDisk[0], nil, 409, "OperationNotAllowed")
	// the update drops both data disks: detached, still there; no new password needed
	b1 = vmBody(nic)
	delete(dig(b1, "properties", "osProfile").(map[string]any), "adminPassword")
	w.must("PUT", vm, vmAPI, b1, 200, 201)
	for _, n := range []string{"vm1-data0", "shared"} {
		if d := w.must("GET", disks+n, vDisk[0], nil, 200); d["managedBy"] != nil || dig(d, "properties", "diskState") != "Unattached" {
			t.Errorf("%s after the update: managedBy %v state %v", n, d["managedBy"], dig(d, "properties", "diskState"))
		}
	}
	if st, _ := w.do("GET", disks+"vm1-os", vDisk[0], nil); st != 200 {
		t.Fatalf("OS disk gone after the update (%d)", st)
	}
	// re-attach one, then delete the VM: OS disk (deleteOption Delete) goes, the data disk stays detached
	w.must("PUT", vm, vmAPI, vmBody(nic, map[string]any{"lun": 3, "createOption": "Attach", "managedDisk": map[string]any{"id": disks + "vm1-data0"}}), 200, 201)
	if d := w.must("GET", disks+"vm1-data0", vDisk[0], nil, 200); d["managedBy"] != vm {
		t.Fatalf("re-attached disk managedBy %v", d["managedBy"])
	}
	// absent osDisk and dataDisks mean unchanged (an empty list detaches, above)
	b1 = vmBody(nic)
	sp := dig(b1, "properties", "storageProfile").(map[string]any)
	delete(sp, "osDisk")
	delete(sp, "dataDisks")
	w.must("PUT", vm, vmAPI, b1, 200, 201)
	for _, n := range []string{"vm1-data0", "vm1-os"} {
		if d := w.must("GET", disks+n, vDisk[0], nil, 200); d["managedBy"] != vm {
			t.Errorf("%s detached by an update without its storageProfile entry (managedBy %v)", n, d["managedBy"])
		}
	}
	w.must("DELETE", vm, vmAPI, nil, 200)
	if st, _ := w.do("GET", disks+"vm1-os", vDisk[0], nil); st != 404 {
		t.Errorf("OS disk with deleteOption Delete survived its VM (%d)", st)
	}
	if d := w.must("GET", disks+"vm1-data0", vDisk[0], nil, 200); d["managedBy"] != nil {
		t.Errorf("data disk still managed by the deleted VM")
	}
	w.must("DELETE", disks+"vm1-data0", vDisk[0], nil, 200)
}

// TestGeneratedVMDisksConsistent: in the generated tenant every VM's disks exist, managed by
// that VM, and the OS disk is the one a VM PUT would create (sku, size, os type from osDisk).
func TestGeneratedVMDisksConsistent(t *testing.T) {
	s, err := New(Options{Resources: 1500, Subscriptions: 2, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	vms, managed := 0, 0
	for _, r := range s.st.res {
		switch r.ltyp {
		case "microsoft.compute/virtualmachines":
			vms++
			od := dig(r.body, "properties", "storageProfile", "osDisk").(map[string]any)
			d := s.st.res[strings.ToLower(dig(od, "managedDisk", "id").(string))]
			if d == nil {
				t.Fatalf("VM %s: OS disk %v missing", r.id, dig(od, "managedDisk", "id"))
			}
			if d.body["managedBy"] != r.id || d.body["name"] != od["name"] || dig(d.body, "sku", "name") != dig(od, "managedDisk", "storageAccountType") ||
				dig(d.body, "properties", "diskSizeGB") != od["diskSizeGB"] || dig(d.body, "properties", "osType") != od["osType"] || d.body["tags"] != nil {
				t.Fatalf("VM %s and its OS disk disagree: %v vs %v", r.id, od, d.body)
			}
			for _, id := range vmDiskIDs(r.body) {
				if dd := s.st.res[id]; dd == nil || dd.body["managedBy"] != r.id {
					t.Fatalf("VM %s: disk %s missing or not managed by it", r.id, id)
				}
			}
		case "microsoft.compute/disks":
			if mb, _ := r.body["managedBy"].(string); mb != "" {
				managed++
				vm := s.st.res[strings.ToLower(mb)]
				if vm == nil || !strings.Contains(strings.Join(vmDiskIDs(vm.body), " "), r.key) {
					t.Fatalf("disk %s managed by %s, which does not use it", r.id, mb)
				}
			}
		}
	}
	if vms == 0 || managed < vms {
		t.Fatalf("%d VMs, %d managed disks", vms, managed)
	}
}

// TestWriteOnlySecrets: passwords and custom data are accepted, kept (WriteOnly), required on
// create, kept when an update omits them, and never returned by GET, lists or Resource Graph.
func TestWriteOnlySecrets(t *testing.T) {
	f, w, subs := targetFixture(t)
	rg := "/subscriptions/" + subs[0] + "/resourceGroups/rg"
	sql := rg + "/providers/Microsoft.Sql/servers/sql1"
	body := func(pw bool) map[string]any {
		p := map[string]any{"administratorLogin": "sqladmin", "version": "12.0"}
		if pw {
			p["administratorLoginPassword"] = "Pa55-word-xyz!"
		}
		return map[string]any{"location": "westeurope", "properties": p}
	}
	w.wantErr("PUT", sql, vSQL[0], body(false), 400, "InvalidParameterValue")
	out := w.must("PUT", sql, vSQL[0], body(true), 201)
	if dig(out, "properties", "administratorLoginPassword") != nil {
		t.Fatal("PUT response echoes the password")
	}
	w.must("PUT", sql, vSQL[0], body(false), 200) // an update may omit it
	if got := w.must("GET", sql, vSQL[0], nil, 200); dig(got, "properties", "administratorLoginPassword") != nil || dig(got, "properties", "administratorLogin") != "sqladmin" {
		t.Fatalf("GET: %v", got["properties"])
	}
	if pw := f.sim.WriteOnly(sql)["administratorLoginPassword"]; pw != "Pa55-word-xyz!" {
		t.Fatalf("WriteOnly: %v", pw)
	}
	pg := rg + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg1"
	w.wantErr("PUT", pg, "2024-08-01", map[string]any{"location": "westeurope", "properties": map[string]any{"administratorLogin": "pgadmin"}}, 400, "InvalidParameterValue")
	w.must("PATCH", sql, vSQL[0], map[string]any{"properties": map[string]any{"administratorLoginPassword": "N3w-password-abc!"}}, 200)
	if pw := f.sim.WriteOnly(sql)["administratorLoginPassword"]; pw != "N3w-password-abc!" {
		t.Fatalf("WriteOnly after PATCH: %v", pw)
	}
	// a Linux VM that allows password sign-in needs a password
	nic := network(w, subs[0])
	vm := rg + "/providers/Microsoft.Compute/virtualMachines/vm1"
	b := vmBody(nic)
	delete(dig(b, "properties", "osProfile").(map[string]any), "adminPassword")
	w.wantErr("PUT", vm, vmAPI, b, 400, "InvalidParameter")
	w.must("PUT", vm, vmAPI, vmBody(nic), 201)
	if wo := f.sim.WriteOnly(vm); wo["osProfile.adminPassword"] == nil || wo["osProfile.customData"] == nil {
		t.Fatalf("VM write-only values: %v", wo)
	}
	// nothing anywhere returns them: GET, type list, Resource Graph
	lists := []string{rg + "/providers/Microsoft.Sql/servers", rg + "/providers/Microsoft.Compute/virtualMachines"}
	for _, l := range lists {
		out := w.must("GET", l, map[bool]string{true: vSQL[0], false: vmAPI}[strings.Contains(l, "Sql")], nil, 200)
		b, _ := json.Marshal(out)
		if bytes.Contains(b, []byte("-word-")) || bytes.Contains(b, []byte("Sup3r")) || bytes.Contains(b, []byte("I2Nsb3VkLWNvbmZpZw")) {
			t.Fatalf("list %s returns a secret: %s", l, b)
		}
	}
	arg := w.must("POST", "/providers/Microsoft.ResourceGraph/resources", "2022-10-01", map[string]any{"subscriptions": subs,
		"query": "resources | where type in~ ('microsoft.sql/servers', 'microsoft.compute/virtualmachines') | project id, properties"}, 200)
	if b, _ := json.Marshal(arg); bytes.Contains(b, []byte("-word-")) || bytes.Contains(b, []byte("Sup3r")) || !bytes.Contains(b, []byte("sqladmin")) {
		t.Fatalf("Resource Graph rows: %s", b)
	}
}

// TestVNetPutReplacesSubnets: a VNet PUT that omits existing subnets (property absent, or an
// empty array) deletes them, as ARM does; a subnet in use is refused and nothing changes.
func TestVNetPutReplacesSubnets(t *testing.T) {
	_, w, subs := targetFixture(t)
	rg := "/subscriptions/" + subs[0] + "/resourceGroups/rg"
	vnet := rg + "/providers/Microsoft.Network/virtualNetworks/vnet2"
	space := map[string]any{"addressPrefixes": []any{"10.2.0.0/16"}}
	sn := func(names ...string) []any {
		var out []any
		for i, n := range names {
			out = append(out, map[string]any{"name": n, "properties": map[string]any{"addressPrefix": "10.2." + string(rune('0'+i)) + ".0/24"}})
		}
		return out
	}
	subnets := func() []string {
		out := w.must("GET", vnet+"/subnets", vmAPI, nil, 200)
		var names []string
		for _, v := range out["value"].([]any) {
			names = append(names, v.(map[string]any)["name"].(string))
		}
		return names
	}
	w.must("PUT", vnet, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"addressSpace": space, "subnets": sn("a", "b", "c")}}, 201)
	w.must("PUT", vnet, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"addressSpace": space, "subnets": sn("a", "b")}}, 200)
	if got := subnets(); strings.Join(got, ",") != "a,b" {
		t.Fatalf("omitted subnet kept: %v", got)
	}
	// a NIC in subnet b: omitting b is refused, and nothing changes
	w.must("PUT", rg+"/providers/Microsoft.Network/networkInterfaces/nic-b", vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"ipConfigurations": []any{
		map[string]any{"name": "ipconfig1", "properties": map[string]any{"subnet": map[string]any{"id": vnet + "/subnets/b"}}}}}}, 201)
	msg := w.wantErr("PUT", vnet, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"addressSpace": space}}, 400, "InUseSubnetCannotBeDeleted")
	if !strings.Contains(msg, "nic-b") {
		t.Errorf("message does not name the user: %s", msg)
	}
	if got := subnets(); strings.Join(got, ",") != "a,b" {
		t.Fatalf("refused PUT changed the subnets: %v", got)
	}
	w.wantErr("DELETE", vnet+"/subnets/b", vmAPI, nil, 400, "InUseSubnetCannotBeDeleted")
	w.wantErr("DELETE", vnet, vmAPI, nil, 400, "InUseSubnetCannotBeDeleted")
	// absent deletes the unused one
	w.must("DELETE", rg+"/providers/Microsoft.Network/networkInterfaces/nic-b", vmAPI, nil, 202)
	w.must("PUT", vnet, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"addressSpace": space, "subnets": sn("a", "b")}}, 200)
	w.must("PUT", vnet, vmAPI, map[string]any{"location": "westeurope", "tags": map[string]any{"x": "y"}, "properties": map[string]any{"addressSpace": space}}, 200)
	if got := subnets(); len(got) != 0 {
		t.Fatalf("subnets absent from the PUT survived: %v", got)
	}
	w.must("PUT", vnet, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"addressSpace": space, "subnets": sn("a")}}, 200)
	w.must("PUT", vnet, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"addressSpace": space, "subnets": []any{}}}, 200)
	if got := subnets(); len(got) != 0 {
		t.Fatalf("empty subnets array kept %v", got)
	}
	// a PUT that carries the subnets back (GET, change, PUT) keeps them
	w.must("PUT", vnet, vmAPI, map[string]any{"location": "westeurope", "properties": map[string]any{"addressSpace": space, "subnets": sn("a", "b")}}, 200)
	cur := w.must("GET", vnet, vmAPI, nil, 200)
	cur["tags"] = map[string]any{"drift": "fixed"}
	w.must("PUT", vnet, vmAPI, cur, 200)
	if got := subnets(); strings.Join(got, ",") != "a,b" {
		t.Fatalf("GET-modify-PUT lost subnets: %v", got)
	}
}

// TestReferencesAcrossSubscriptions: a reference into another subscription of the same tenant
// must exist (400), one into another tenant's (or an unknown) subscription fails linked
// authorization (403).
func TestReferencesAcrossSubscriptions(t *testing.T) {
	f, w, subs := targetFixture(t)
	rg0 := "/subscriptions/" + subs[0] + "/resourceGroups/rg"
	rg1 := "/subscriptions/" + subs[1] + "/resourceGroups/rg"
	network(w, subs[1])
	nicBody := func(subnet string) map[string]any {
		return map[string]any{"location": "westeurope", "properties": map[string]any{"ipConfigurations": []any{
			map[string]any{"name": "ipconfig1", "properties": map[string]any{"subnet": map[string]any{"id": subnet}}}}}}
	}
	nic := rg0 + "/providers/Microsoft.Network/networkInterfaces/nic-x"
	w.wantErr("PUT", nic, vmAPI, nicBody(rg1+"/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/missing"), 400, "InvalidResourceReference")
	w.wantErr("PUT", nic, vmAPI, nicBody("/subscriptions/"+subs[1]+"/resourceGroups/nope/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default"), 400, "InvalidResourceReference")
	w.must("PUT", nic, vmAPI, nicBody(rg1+"/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default"), 201)
	// not Microsoft.Network: LinkedInvalidPropertyId, naming the subscription referenced
	msg := w.wantErr("PUT", rg0+"/providers/Microsoft.Web/sites/app1", vWeb[0], map[string]any{"location": "westeurope",
		"properties": map[string]any{"serverFarmId": rg1 + "/providers/Microsoft.Web/serverfarms/none"}}, 400, "LinkedInvalidPropertyId")
	if !strings.Contains(msg, subs[1]) {
		t.Errorf("message %q does not name subscription %s", msg, subs[1])
	}
	// tenant A's subscription, and a subscription nobody has
	a := f.sim.SubscriptionIDs(f.srv.TenantIDs[0])[0]
	var aSubnet string
	for k, r := range f.sim.st.res {
		if r.sub == a && r.ltyp == "microsoft.network/virtualnetworks/subnets" {
			aSubnet = f.sim.st.res[k].id
			break
		}
	}
	if aSubnet == "" {
		t.Fatal("tenant A has no subnet")
	}
	msg = w.wantErr("PUT", nic, vmAPI, nicBody(aSubnet), 403, "LinkedAuthorizationFailed")
	if !strings.Contains(msg, "subnets/join/action") || !strings.Contains(msg, aSubnet) {
		t.Errorf("LinkedAuthorizationFailed message: %s", msg)
	}
	w.wantErr("PUT", nic, vmAPI, nicBody("/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s"), 403, "LinkedAuthorizationFailed")
	// the same through identity keys and PATCH
	w.wantErr("PUT", rg0+"/providers/Microsoft.Web/sites/app2", vWeb[0], map[string]any{"location": "westeurope",
		"identity":   map[string]any{"type": "UserAssigned", "userAssignedIdentities": map[string]any{rg1 + "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/none": map[string]any{}}},
		"properties": map[string]any{}}, 400, "LinkedInvalidPropertyId")
	w.wantErr("PATCH", nic, vmAPI, nicBody(aSubnet), 403, "LinkedAuthorizationFailed")
	// the NIC was not changed by the refused writes
	if got := w.must("GET", nic, vmAPI, nil, 200); !strings.Contains(strings.ToLower(mustJSON(t, got)), strings.ToLower(rg1+"/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/default")) {
		t.Fatalf("NIC changed: %v", got)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestGlobalNamesTaken: names that are global DNS names (storage accounts, key vaults, …) are
// unique across subscriptions and tenants: a create with a taken name fails with the provider's
// code; the holder may update it; once deleted the name is free.
func TestGlobalNamesTaken(t *testing.T) {
	f, w, subs := targetFixture(t)
	var taken string
	for _, r := range f.sim.st.res {
		if r.ltyp == "microsoft.storage/storageaccounts" {
			taken = r.body["name"].(string)
			break
		}
	}
	if taken == "" {
		t.Fatal("tenant A has no storage account")
	}
	st := func(sub, name string) string {
		return "/subscriptions/" + sub + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/" + name
	}
	body := map[string]any{"location": "westeurope", "kind": "StorageV2", "sku": map[string]any{"name": "Standard_LRS"}, "properties": map[string]any{}}
	msg := w.wantErr("PUT", st(subs[0], strings.ToUpper(taken)), vStorage[0], body, 409, "StorageAccountAlreadyTaken")
	if !strings.Contains(msg, strings.ToUpper(taken)) {
		t.Errorf("message %q", msg)
	}
	w.must("PUT", st(subs[0], "stmine1"), vStorage[0], body, 200)
	w.must("PUT", st(subs[0], "stmine1"), vStorage[0], body, 200) // the holder updates it
	w.wantErr("PUT", st(subs[1], "stmine1"), vStorage[0], body, 409, "StorageAccountAlreadyTaken")
	kv := "/subscriptions/" + subs[1] + "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/stmine1" // another type: free
	w.must("PUT", kv, vKV[0], map[string]any{"location": "westeurope", "properties": map[string]any{"tenantId": f.srv.TenantIDs[1], "sku": map[string]any{"family": "A", "name": "standard"}}}, 201)
	w.must("DELETE", st(subs[0], "stmine1"), vStorage[0], nil, 200)
	w.must("PUT", st(subs[1], "stmine1"), vStorage[0], body, 200)
}
