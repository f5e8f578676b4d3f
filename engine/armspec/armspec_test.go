package armspec

import (
	"slices"
	"strings"
	"testing"
)

// TestWellKnownFacts: facts of the specs every consumer relies on.
func TestWellKnownFacts(t *testing.T) {
	const vnet = "Microsoft.Network/virtualNetworks"
	for _, c := range []struct {
		typ  string
		path []string
		want bool
	}{
		{vnet, []string{"properties", "provisioningState"}, true},
		{vnet, []string{"properties", "resourceGuid"}, true},
		{"microsoft.network/VIRTUALNETWORKS", []string{"Properties", "ProvisioningState"}, true}, // case-insensitive
		{vnet, []string{"properties", "addressSpace"}, false},
		{vnet, []string{"properties", "addressSpace", "addressPrefixes", "[]"}, false},
		{vnet, []string{"properties", "subnets", "[]", "properties", "addressPrefix"}, false},
		{vnet, []string{"properties", "subnets", "[]", "properties", "ipConfigurations"}, true},
		{vnet, []string{"properties", "subnets", "[]", "properties", "ipConfigurations", "[]", "id"}, true}, // below a readOnly property
		{vnet, []string{"etag"}, true},
		{vnet, []string{"location"}, false},
		{vnet, []string{"tags", "env"}, false},
		{"Microsoft.Network/virtualNetworks/subnets", []string{"properties", "ipConfigurations"}, true},
		{"Microsoft.Network/virtualNetworks/subnets", []string{"properties", "addressPrefix"}, false},
		{"Microsoft.Storage/storageAccounts", []string{"properties", "primaryEndpoints"}, true},
		{"Microsoft.Storage/storageAccounts", []string{"properties", "primaryEndpoints", "blob"}, true},
		{"Microsoft.Storage/storageAccounts", []string{"properties", "creationTime"}, true},
		// the GET model marks these readOnly, the PUT body takes them: writable
		{"Microsoft.Storage/storageAccounts", []string{"kind"}, false},
		{"Microsoft.Storage/storageAccounts", []string{"sku", "name"}, false},
		{"Microsoft.Storage/storageAccounts", []string{"properties", "networkAcls", "defaultAction"}, false},
		{"Microsoft.Storage/storageAccounts", []string{"sku", "tier"}, true},
		// map values: any key
		{"Microsoft.Storage/storageAccounts", []string{"identity", "userAssignedIdentities", "/subscriptions/x/resourceGroups/r/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u", "principalId"}, true},
		{"Microsoft.Storage/storageAccounts", []string{"identity", "principalId"}, true},
		{"Microsoft.Storage/storageAccounts", []string{"identity", "type"}, false},
		{"Microsoft.Compute/virtualMachines", []string{"properties", "vmId"}, true},
		{"Microsoft.Compute/virtualMachines", []string{"properties", "hardwareProfile", "vmSize"}, false},
		{"Microsoft.ManagedIdentity/userAssignedIdentities", []string{"properties", "principalId"}, true},
	} {
		got, known := ReadOnly(c.typ, c.path...)
		if !known || got != c.want {
			t.Errorf("ReadOnly(%s, %s) = %v, known %v; want %v", c.typ, strings.Join(c.path, "."), got, known, c.want)
		}
	}
	if ro, known := ReadOnly("Microsoft.Nothing/widgets", "properties", "x"); ro || known {
		t.Errorf("unknown type: readOnly %v known %v", ro, known)
	}
	for typ, want := range map[string][]int{
		"Microsoft.Storage/storageAccounts":         {200, 202},
		"Microsoft.Resources/resourceGroups":        {200, 201},
		"Microsoft.Network/virtualNetworks":         {200, 201},
		"Microsoft.Network/virtualNetworks/subnets": {200, 201},
		"microsoft.compute/disks":                   {200, 202},
	} {
		got, known := CreateStatus(typ)
		if !known || !slices.Equal(got, want) {
			t.Errorf("CreateStatus(%s) = %v, %v; want %v", typ, got, known, want)
		}
	}
	if _, known := CreateStatus("Microsoft.Nothing/widgets"); known {
		t.Error("CreateStatus of an unknown type is known")
	}
}

// TestEveryEntryParses: every line of the data is well formed, every path decodes, and the
// data covers the whole spec tree (every namespace, child and extension types).
func TestEveryEntryParses(t *testing.T) {
	lines, types := 0, map[string]bool{}
	for _, line := range strings.Split(data, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		lines++
		e, err := parseLine(line)
		if err != nil {
			t.Fatal(err)
		}
		paths, err := e.Paths()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			for _, s := range p {
				if s == "" {
					t.Fatalf("%s: empty segment in %v", e.Type, p)
				}
			}
		}
		lt := strings.ToLower(e.Type)
		if types[lt] {
			t.Errorf("%s listed twice", e.Type)
		}
		types[lt] = true
	}
	if len(Types()) != lines {
		t.Errorf("index holds %d of %d types", len(Types()), lines)
	}
	namespaces := map[string]bool{}
	for lt := range types {
		namespaces[lt[:strings.IndexByte(lt, '/')]] = true
	}
	if len(types) < 1500 || len(namespaces) < 150 {
		t.Errorf("only %d types in %d namespaces", len(types), len(namespaces))
	}
	for _, want := range []string{"microsoft.network/virtualnetworks/subnets", "microsoft.insights/diagnosticsettings",
		"microsoft.authorization/roleassignments", "microsoft.storage/storageaccounts/blobservices", "microsoft.resources/resourcegroups",
		"microsoft.app/containerapps"} { // newer than the specs clone: from the Bicep index
		if !types[want] {
			t.Errorf("%s missing", want)
		}
	}
	if len(data) > 3<<20 || !strings.Contains(data[:min(len(data), 512)], "make arm-spec") {
		t.Errorf("data of %d bytes (limit 3 MB), or its header lacks the regenerate command", len(data))
	}
	if !strings.Contains(Source(), "azure-rest-api-specs@") {
		t.Errorf("no source manifest line: %q", Source())
	}
}

func TestDecodePath(t *testing.T) {
	got, err := decodePath("properties.a%2Eb.list[][].*.x")
	if err != nil || strings.Join(got, "|") != "properties|a.b|list|[]|[]|*|x" {
		t.Errorf("decodePath = %q, %v", got, err)
	}
	for _, bad := range []string{"", "a..b", "a.%zz", "a.b]"} {
		if _, err := decodePath(bad); err == nil {
			t.Errorf("decodePath(%q) accepted", bad)
		}
	}
}
