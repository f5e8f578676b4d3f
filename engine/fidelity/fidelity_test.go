package fidelity

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/translate"
)

func node(sub, rg, typ, name string, props map[string]any) graph.Node {
	id := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/" + typ + "/" + name
	return graph.Node{Label: graph.LabelResource, ID: graph.NormalizeID(id), Props: map[string]any{
		graph.PropID: id, graph.PropName: name, graph.PropType: strings.ToLower(typ), graph.PropResourceGroup: rg,
		graph.PropLocation: "eastus", graph.PropProperties: props,
	}}
}

func TestCompareCountsAndProperties(t *testing.T) {
	subnetRef := func(sub string) map[string]any {
		return map[string]any{"ipConfigurations": []any{map[string]any{"properties": map[string]any{
			"subnet":                    map[string]any{"id": "/subscriptions/" + sub + "/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/v/subnets/a"},
			"privateIPAllocationMethod": "Dynamic", "provisioningState": "Succeeded"}}}}
	}
	src := []graph.Node{
		node("s1", "rg1", "Microsoft.Network/networkInterfaces", "nic1", subnetRef("s1")),
		node("s1", "rg1", "Microsoft.Network/networkInterfaces", "nic2", map[string]any{"enableIPForwarding": true}),
		node("s1", "rg1", "Microsoft.Storage/storageAccounts", "st1", map[string]any{"minimumTlsVersion": "TLS1_2"}),
	}
	dst := []graph.Node{
		// Same NIC in another subscription: the subnet id differs only by subscription -> equal.
		node("t1", "rg1", "Microsoft.Network/networkInterfaces", "nic1", subnetRef("t1")),
		// nic2 has a different value.
		node("t1", "rg1", "Microsoft.Network/networkInterfaces", "nic2", map[string]any{"enableIPForwarding": false}),
		// st1 missing.
	}
	r := CompareNodes(src, dst, Options{SourceTenantID: "a", TargetTenantID: "b"})
	if r.Matched != 2 || r.SourceResources != 3 {
		t.Fatalf("matched %d of %d", r.Matched, r.SourceResources)
	}
	if got := r.ByType["microsoft.storage/storageaccounts"].CountFidelity; got != 0 {
		t.Fatalf("storage count fidelity %v", got)
	}
	// nic1: location, subnet id, allocation method (provisioningState is readOnly in the specs) = 3 equal;
	// nic2: location equal, enableIPForwarding differs.
	if r.PropertiesTotal != 5 || r.PropertiesEqual != 4 {
		t.Fatalf("properties %d/%d", r.PropertiesEqual, r.PropertiesTotal)
	}
	if len(r.Misses) != 2 {
		t.Fatalf("misses %+v", r.Misses)
	}
	md := r.Markdown()
	for _, want := range []string{"st1", "enableIPForwarding", "66.67%"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestNameSuffixAndMapName(t *testing.T) {
	src := []graph.Node{node("s", "rg", "Microsoft.Storage/storageAccounts", "st1", nil)}
	dst := []graph.Node{node("t", "rg", "Microsoft.Storage/storageAccounts", "st1x9", nil)}
	if r := CompareNodes(src, dst, Options{NameSuffix: "x9"}); r.Matched != 1 {
		t.Fatalf("suffix: matched %d", r.Matched)
	}
	if r := CompareNodes(src, dst, Options{MapName: func(_, n string) string { return n + "x9" }}); r.Matched != 1 {
		t.Fatalf("map: matched %d", r.Matched)
	}
	if r := CompareNodes(src, dst, Options{}); r.Matched != 0 || r.CountFidelity != 0 {
		t.Fatalf("no mapping must not match: %+v", r)
	}
}

func withID(n graph.Node, id string) graph.Node {
	n.ID = graph.NormalizeID(id)
	n.Props[graph.PropID] = id
	n.Props[graph.PropName] = id[strings.LastIndexByte(id, '/')+1:]
	return n
}

// TestRenamedParentsAndTranslatedNames: a storage account renamed by translation (no MapName)
// still matches, and so do its child and an extension resource on it; a reference to it in
// another resource compares equal through the match.
func TestRenamedParentsAndTranslatedNames(t *testing.T) {
	const st = "Microsoft.Storage/storageAccounts"
	srcSt := node("s", "rg", st, "stdata01", map[string]any{"minimumTlsVersion": "TLS1_2"})
	newName := translate.UniqueName("stdata01", "a1b2c3", translate.GlobalNames["microsoft.storage/storageaccounts"])
	dstSt := node("t", "rg", st, newName, map[string]any{"minimumTlsVersion": "TLS1_2"})
	child := func(base graph.Node) graph.Node {
		id := str(base, graph.PropID) + "/blobServices/default"
		n := node("x", "rg", "Microsoft.Storage/storageAccounts/blobServices", "default", map[string]any{"isVersioningEnabled": true})
		return withID(n, id)
	}
	diag := func(base graph.Node) graph.Node {
		id := str(base, graph.PropID) + "/providers/Microsoft.Insights/diagnosticSettings/diag"
		n := node("x", "rg", "Microsoft.Insights/diagnosticSettings", "diag", map[string]any{"logs": []any{}})
		n.Props[graph.PropLocation] = nil
		return withID(n, id)
	}
	pe := func(sub string, target graph.Node) graph.Node {
		return node(sub, "rg", "Microsoft.Network/privateEndpoints", "pe1", map[string]any{
			"privateLinkServiceConnections": []any{map[string]any{"properties": map[string]any{"privateLinkServiceId": str(target, graph.PropID)}}}})
	}
	src := []graph.Node{srcSt, child(srcSt), diag(srcSt), pe("s", srcSt)}
	dst := []graph.Node{dstSt, child(dstSt), diag(dstSt), pe("t", dstSt)}
	r := CompareNodes(src, dst, Options{})
	if r.Matched != 4 || len(r.Misses) != 0 {
		t.Fatalf("matched %d of 4, misses %+v", r.Matched, r.Misses)
	}
	// a reference to another storage account is not equal
	other := node("t", "rg", st, "stother", nil)
	dst[3] = pe("t", other)
	r = CompareNodes(src, append(dst, other), Options{})
	if r.PropertiesEqual == r.PropertiesTotal {
		t.Fatal("a reference to a different resource compared equal")
	}
	// a plain (non globally unique) type is never matched by a similar name
	srcNSG := node("s", "rg", "Microsoft.Network/networkSecurityGroups", "nsg-web", nil)
	dstNSG := node("t", "rg", "Microsoft.Network/networkSecurityGroups", "nsg-web-a1b2c3", nil)
	if r := CompareNodes([]graph.Node{srcNSG}, []graph.Node{dstNSG}, Options{}); r.Matched != 0 {
		t.Fatal("matched a renamed non-global resource")
	}
}

// TestReadOnlyAndImplicitDisks: source properties the specs mark readOnly are not compared; a
// missing OS disk a VM creates itself is explained.
func TestReadOnlyAndImplicitDisks(t *testing.T) {
	srcSt := node("s", "rg", "Microsoft.Storage/storageAccounts", "st1", map[string]any{
		"minimumTlsVersion": "TLS1_2", "primaryLocation": "eastus", "creationTime": "2026-01-01T00:00:00Z", "provisioningState": "Succeeded"})
	dstSt := node("t", "rg", "Microsoft.Storage/storageAccounts", "st1", map[string]any{"minimumTlsVersion": "TLS1_2"})
	disk := node("s", "rg", "Microsoft.Compute/disks", "vm1_OsDisk_1", map[string]any{"diskSizeGB": 30.0})
	vm := node("s", "rg", "Microsoft.Compute/virtualMachines", "vm1", map[string]any{"storageProfile": map[string]any{
		"osDisk": map[string]any{"createOption": "FromImage", "name": "vm1_OsDisk_1", "managedDisk": map[string]any{"id": str(disk, graph.PropID)}}}})
	dstVM := node("t", "rg", "Microsoft.Compute/virtualMachines", "vm1", map[string]any{"storageProfile": map[string]any{
		"osDisk": map[string]any{"createOption": "FromImage", "name": "vm1_OsDisk_1"}}})
	r := CompareNodes([]graph.Node{srcSt, disk, vm}, []graph.Node{dstSt, dstVM}, Options{})
	st := r.ByType["microsoft.storage/storageaccounts"]
	if st.PropertiesTotal != 2 || st.PropertiesEqual != 2 { // location + minimumTlsVersion
		t.Errorf("storage: %d/%d properties (read-only ones must not count)", st.PropertiesEqual, st.PropertiesTotal)
	}
	found := false
	for _, m := range r.Misses {
		if strings.Contains(m.ID, "vm1_OsDisk_1") {
			found = strings.Contains(m.Reason, "created by virtual machine vm1")
		}
	}
	if !found {
		t.Errorf("OS disk miss not explained: %+v", r.Misses)
	}
}

// TestSeparatedResourceGroups: create-tenant renames the second of two same-named groups landing
// in one target subscription to "<rg>-<first 8 of its source subscription>"; matching follows.
func TestSeparatedResourceGroups(t *testing.T) {
	const nsg = "Microsoft.Network/networkSecurityGroups"
	sa, sb := "aaaaaaaa-1111", "bbbbbbbb-2222"
	src := []graph.Node{node(sa, "rg-shared", nsg, "nsg1", nil), node(sb, "rg-shared", nsg, "nsg1", map[string]any{"x": "b"})}
	for i := range src {
		src[i].Props[graph.PropSubscription] = []string{sa, sb}[i]
	}
	dst := []graph.Node{node("t", "rg-shared", nsg, "nsg1", nil), node("t", "rg-shared-bbbbbbbb", nsg, "nsg1", map[string]any{"x": "b"})}
	r := CompareNodes(src, dst, Options{})
	if r.Matched != 2 || r.PropertiesEqual != r.PropertiesTotal {
		t.Fatalf("matched %d, properties %d/%d, misses %+v", r.Matched, r.PropertiesEqual, r.PropertiesTotal, r.Misses)
	}
}
