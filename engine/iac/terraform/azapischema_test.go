package terraform

import (
	"reflect"
	"strings"
	"testing"
)

// The api-version table: a version azapi knows is kept, an unknown one becomes the newest it
// knows (said in the note), and a type it does not know at all is emitted unchecked.
func TestAzapiVersion(t *testing.T) {
	known := AzapiKnownVersions("Microsoft.Network/virtualNetworks")
	if len(known) < 10 {
		t.Fatalf("virtualNetworks versions %v", known)
	}
	if v, schema, note := AzapiVersion("Microsoft.Network/virtualNetworks", known[0]); v != known[0] || !schema || note != "" {
		t.Errorf("known version: %s %v %q", v, schema, note)
	}
	v, schema, note := AzapiVersion("Microsoft.Network/virtualNetworks", "2099-01-01")
	if v != known[len(known)-1] || !schema || !strings.Contains(note, "2099-01-01") {
		t.Errorf("unknown version: %s %v %q", v, schema, note)
	}
	if v, schema, note := AzapiVersion("Contoso.Nothing/widgets", "2024-01-01"); v != "2024-01-01" || schema || note == "" {
		t.Errorf("unknown type: %s %v %q", v, schema, note)
	}
	if s := azapiSchemaFor("Microsoft.Network/virtualNetworks"); s == nil || s.version != known[len(known)-1] {
		t.Fatalf("schema of virtualNetworks: %+v", s)
	}
}

// fitBody leaves out read-only properties always and unknown ones only when strict, fixes
// the casing of known keys, and keeps whatever an open object holds.
func TestFitBody(t *testing.T) {
	root := &schemaNode{}
	parseTree("properties{addressSpace{addressPrefixes},provisioningState!,tags*,subnets{name,properties{addressPrefix,ipConfigurations!}}},sku{name}", 0, root)
	body := map[string]any{
		"properties": map[string]any{
			"AddressSpace":      map[string]any{"addressPrefixes": []any{"10.0.0.0/16"}},
			"provisioningState": "Succeeded",
			"tags":              map[string]any{"anything": "goes"},
			"newThing":          true,
			"subnets": []any{map[string]any{"name": "a", "properties": map[string]any{
				"addressPrefix": "10.0.0.0/24", "ipConfigurations": []any{}}}},
		},
		"sku": map[string]any{"name": "Basic"},
	}
	var ro, unknown []string
	got := fitBody(root, body, "", true, &ro, &unknown)
	want := map[string]any{
		"properties": map[string]any{
			"addressSpace": map[string]any{"addressPrefixes": []any{"10.0.0.0/16"}},
			"tags":         map[string]any{"anything": "goes"},
			"subnets":      []any{map[string]any{"name": "a", "properties": map[string]any{"addressPrefix": "10.0.0.0/24"}}},
		},
		"sku": map[string]any{"name": "Basic"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("strict fit:\n got %v\nwant %v", got, want)
	}
	if strings.Join(ro, ",") != "properties.provisioningState,properties.subnets[].properties.ipConfigurations" || strings.Join(unknown, ",") != "properties.newThing" {
		t.Errorf("read-only %v unknown %v", ro, unknown)
	}
	ro, unknown = nil, nil
	got = fitBody(root, body, "", false, &ro, &unknown)
	if p := got.(map[string]any)["properties"].(map[string]any); p["newThing"] != true || p["provisioningState"] != nil || len(unknown) != 0 {
		t.Errorf("lenient fit kept %v, unknown %v", p, unknown)
	}
	if _, ok := body["properties"].(map[string]any)["provisioningState"]; !ok {
		t.Error("fitBody changed its input")
	}
}
