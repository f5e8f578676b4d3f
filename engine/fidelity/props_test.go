package fidelity

import (
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/armspec"
	"github.com/atg-go/atg/engine/graph"
)

// TestComparesWhatSpecsDoNotMarkReadOnly: every value the source returned is compared except
// what the REST specs mark readOnly for the type — so a writable property the copy lacks is a
// miss, whatever an emitter thinks is writable; the GET model's readOnly marks that the PUT body
// overrides (a storage account's kind) do not hide a property.
func TestComparesWhatSpecsDoNotMarkReadOnly(t *testing.T) {
	if _, known := armspec.Lookup("Microsoft.Storage/storageAccounts"); !known {
		t.Fatal("armspec does not know storage accounts")
	}
	src := node("s", "rg", "Microsoft.Storage/storageAccounts", "st1", map[string]any{
		"minimumTlsVersion": "TLS1_2", "provisioningState": "Succeeded", "creationTime": "2026-01-01T00:00:00Z",
		"primaryEndpoints": map[string]any{"blob": "https://st1.blob.core.windows.net/"},
		"networkAcls":      map[string]any{"defaultAction": "Deny", "ipRules": []any{map[string]any{"value": "1.2.3.4"}}},
		"someNewSetting":   true, // unknown to the specs: compared
	})
	src.Props[graph.PropKind] = "StorageV2"
	src.Props[graph.PropSKU] = map[string]any{"name": "Standard_LRS", "tier": "Standard"}
	dst := node("t", "rg", "Microsoft.Storage/storageAccounts", "st1", map[string]any{
		"minimumTlsVersion": "TLS1_2", "networkAcls": map[string]any{"defaultAction": "Allow"}})
	dst.Props[graph.PropKind] = "StorageV2"
	dst.Props[graph.PropSKU] = map[string]any{"name": "Standard_LRS"}
	total, equal, diffs := compareProps(src, dst, nil)
	// location, kind, sku.name, minimumTlsVersion equal; networkAcls.defaultAction,
	// networkAcls.ipRules[0].value and someNewSetting differ; provisioningState, creationTime,
	// primaryEndpoints and sku.tier are readOnly
	want := []string{"properties.networkAcls.defaultAction", "properties.networkAcls.ipRules[0].value", "properties.someNewSetting"}
	if total != 7 || equal != 4 || !slices.Equal(diffs, want) {
		t.Errorf("total %d equal %d diffs %v; want 7, 4, %v", total, equal, diffs, want)
	}
}

// TestUnknownTypesAndMintedValues: a type the specs do not know has everything compared but the
// values every copy gets anew (tenant and principal ids, a public IP's address).
func TestUnknownTypesAndMintedValues(t *testing.T) {
	const typ = "Microsoft.Nothing/widgets"
	if _, known := armspec.Lookup(typ); known {
		t.Fatalf("%s is known", typ)
	}
	src := node("s", "rg", typ, "w1", map[string]any{"provisioningState": "Succeeded", "tenantId": "aaaa", "size": 3.0,
		"owner": map[string]any{"principalId": "p1", "objectId": "o1", "role": "admin"}})
	dst := node("t", "rg", typ, "w1", map[string]any{"provisioningState": "Succeeded", "tenantId": "bbbb", "size": 3.0,
		"owner": map[string]any{"principalId": "p2", "role": "admin"}})
	if total, equal, diffs := compareProps(src, dst, nil); total != 4 || equal != 4 {
		t.Errorf("unknown type: total %d equal %d diffs %v; want location, provisioningState, size, owner.role", total, equal, diffs)
	}
	pip := func(sub, ip string) graph.Node {
		return node(sub, "rg", "Microsoft.Network/publicIPAddresses", "pip1", map[string]any{"ipAddress": ip, "publicIPAllocationMethod": "Static"})
	}
	if total, equal, diffs := compareProps(pip("s", "20.1.2.3"), pip("t", "52.9.8.7"), nil); total != 2 || equal != 2 {
		t.Errorf("public IP: total %d equal %d diffs %v", total, equal, diffs)
	}
}

// TestIdentitiesAndRenamedValues: user-assigned identities (a map keyed by resource ids) compare
// through the match; a value holding the resource's own name compares with the copy's name.
func TestIdentitiesAndRenamedValues(t *testing.T) {
	uai := func(sub, name string) graph.Node {
		return node(sub, "rg", "Microsoft.ManagedIdentity/userAssignedIdentities", name, nil)
	}
	kv := func(sub, name string, id graph.Node) graph.Node {
		n := node(sub, "rg", "Microsoft.KeyVault/vaults", name, map[string]any{
			"vaultUri": "https://" + name + ".vault.azure.net/", "tenantId": sub + "-tenant", "enableRbacAuthorization": true})
		n.Props[graph.PropIdentity] = map[string]any{"type": "UserAssigned", "principalId": sub + "-p",
			"userAssignedIdentities": map[string]any{str(id, graph.PropID): map[string]any{"principalId": sub + "-p", "clientId": sub + "-c"}}}
		return n
	}
	su, tu := uai("s", "id-app"), uai("t", "id-app-x1")
	src := []graph.Node{su, kv("s", "kv-app", su)}
	dst := []graph.Node{tu, kv("t", "kv-app-x1", tu)}
	r := CompareNodes(src, dst, Options{NameSuffix: "-x1"})
	kvs := r.ByType["microsoft.keyvault/vaults"]
	// location, vaultUri (renamed), enableRbacAuthorization, identity.type, the identity entry
	if r.Matched != 2 || kvs.PropertiesTotal != 5 || kvs.PropertiesEqual != 5 {
		t.Fatalf("matched %d, key vault %d/%d, misses %+v", r.Matched, kvs.PropertiesEqual, kvs.PropertiesTotal, r.Misses)
	}
	// the copy assigned another identity: a miss
	other := uai("t", "id-other")
	dst[1] = kv("t", "kv-app-x1", other)
	r = CompareNodes(src, append(dst, other), Options{NameSuffix: "-x1"})
	if kvs := r.ByType["microsoft.keyvault/vaults"]; kvs.PropertiesEqual != 4 {
		t.Fatalf("another identity compared equal: %d/%d %+v", kvs.PropertiesEqual, kvs.PropertiesTotal, r.Misses)
	}
	found := false
	for _, m := range r.Misses {
		found = found || strings.Contains(m.Reason, "identity.userAssignedIdentities[")
	}
	if !found {
		t.Errorf("identity miss not listed: %+v", r.Misses)
	}
}

// TestOddShapes: whatever shapes the two sides hold (a string where the other has an object,
// nested arrays, nil maps, numbers of other kinds), the comparison counts without failing.
func TestOddShapes(t *testing.T) {
	src := node("s", "rg", "Microsoft.Network/virtualNetworks", "v", map[string]any{
		"addressSpace": "10.0.0.0/16", "subnets": []any{[]any{"a", 1.0}, nil, map[string]any{}},
		"dhcpOptions": map[string]any{"dnsServers": []any{"10.0.0.4"}}, "weird": []any{map[string]any{"x": []any{[]any{true}}}},
	})
	src.Props[graph.PropTags] = "not-a-map"
	src.Props[graph.PropZones] = []any{"1", 2}
	dst := node("t", "rg", "Microsoft.Network/virtualNetworks", "v", map[string]any{
		"addressSpace": map[string]any{"addressPrefixes": []any{"10.0.0.0/16"}}, "subnets": "none", "dhcpOptions": nil, "weird": 5})
	total, equal, diffs := compareProps(src, dst, nil)
	if total == 0 || equal > total || len(diffs) != total-equal {
		t.Errorf("total %d equal %d diffs %v", total, equal, diffs)
	}
	if total, _, _ := compareProps(graph.Node{Props: map[string]any{}}, graph.Node{}, nil); total != 0 {
		t.Errorf("an empty node has %d values", total)
	}
}
