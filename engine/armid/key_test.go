package armid

import (
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

func TestParseKey(t *testing.T) {
	tests := []struct {
		in     string
		ok     bool
		label  graph.Label
		typ    string
		parent string
		root   string
	}{
		{"/subscriptions/S1", true, graph.LabelSubscription, "", "", "/subscriptions/s1"},
		{"/subscriptions/s1/resourceGroups/RG/", true, graph.LabelResourceGroup, "", "/subscriptions/s1", "/subscriptions/s1/resourcegroups/rg"},
		{" /subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s ", true, graph.LabelResource,
			"microsoft.network/virtualnetworks/subnets", "/subscriptions/s1/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v",
			"/subscriptions/s1/resourcegroups/rg/providers/microsoft.network/virtualnetworks/v"},
		{"/subscriptions/s1/resourcegroups/rg/providers/microsoft.logic/workflows/w/providers/microsoft.insights/diagnosticSettings/d", true, graph.LabelResource,
			"microsoft.insights/diagnosticsettings", "/subscriptions/s1/resourcegroups/rg/providers/microsoft.logic/workflows/w",
			"/subscriptions/s1/resourcegroups/rg/providers/microsoft.logic/workflows/w/providers/microsoft.insights/diagnosticsettings/d"},
		{"/subscriptions/s/resourceGroups/g/providers/providers/microsoft.insights/metricalerts/a", true, graph.LabelResource,
			"microsoft.insights/metricalerts", "/subscriptions/s/resourcegroups/g", "/subscriptions/s/resourcegroups/g/providers/providers/microsoft.insights/metricalerts/a"},
		{"/providers/Microsoft.Authorization/roleDefinitions/abc", true, graph.LabelRoleDefinition, "microsoft.authorization/roledefinitions", "", "/providers/microsoft.authorization/roledefinitions/abc"},
		{"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/x", true, graph.LabelRoleAssignment, "microsoft.authorization/roleassignments", "/subscriptions/s", "/subscriptions/s/providers/microsoft.authorization/roleassignments/x"},
		{"/subscriptions/s/resourceGroups/g/provders/Microsoft.Network/networkInterfaces/n", false, "", "", "", ""},
		{"/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/networkInterfaces", false, "", "", "", ""},
		{"/subscriptions/s//resourceGroups/g", false, "", "", "", ""},
		{"/subscriptions", false, "", "", "", ""},
		{"/subscriptions/s/resourceGroups", false, "", "", "", ""},
		{"/subscriptions/s/providers/Microsoft.Compute", false, "", "", "", ""},
		{"https://example.com/x", false, "", "", "", ""},
		{"", false, "", "", "", ""},
		{"/", false, "", "", "", ""},
	}
	for _, tc := range tests {
		a, ok := ParseKey(tc.in)
		if ok != tc.ok {
			t.Errorf("ParseKey(%q) ok=%v, want %v", tc.in, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		p, _, _ := a.Parent()
		root, _ := a.Root()
		if a.Label() != tc.label || a.Type() != tc.typ || p != tc.parent || root != tc.root {
			t.Errorf("ParseKey(%q) = label %s type %q parent %q root %q; want %s %q %q %q", tc.in, a.Label(), a.Type(), p, root, tc.label, tc.typ, tc.parent, tc.root)
		}
	}
	a, _ := ParseKey("/subscriptions/ABC/resourceGroups/My-RG/providers/x.y/t/n")
	if a.Subscription() != "abc" || a.ResourceGroup() != "my-rg" {
		t.Errorf("subscription %q rg %q", a.Subscription(), a.ResourceGroup())
	}
}
