package armid

import "testing"

func TestParse(t *testing.T) {
	for _, tc := range []struct{ id, sub, rg, typ, last, scope string }{
		{"/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v/subnets/s", "S", "RG", "Microsoft.Network/virtualNetworks/subnets", "s", ""},
		{"/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv/providers/Microsoft.Insights/diagnosticSettings/d", "S", "RG", "Microsoft.Insights/diagnosticSettings", "d",
			"/subscriptions/S/resourceGroups/RG/providers/Microsoft.KeyVault/vaults/kv"},
		{"/subscriptions/S/resourceGroups/RG", "S", "RG", "Microsoft.Resources/resourceGroups", "RG", ""},
		{"/subscriptions/S", "S", "", "Microsoft.Resources/subscriptions", "S", ""},
	} {
		a, ok := Parse(tc.id)
		if !ok || a.Subscription != tc.sub || a.ResourceGroup != tc.rg || a.Type() != tc.typ || a.LastName() != tc.last || a.Scope != tc.scope {
			t.Errorf("Parse(%s) = %+v %v", tc.id, a, ok)
		}
	}
	if a, _ := Parse("/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v/subnets/s"); a.ParentID() != "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/v" || a.Name() != "v/s" {
		t.Errorf("parent %q name %q", a.ParentID(), a.Name())
	}
	for _, bad := range []string{"", "/tenants/x", "/subscriptions/S/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks", "/subscriptions//resourceGroups/x"} {
		if _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) ok", bad)
		}
	}
}

func TestParseCases(t *testing.T) {
	cases := []struct{ in, typ, name, rg, scope, parent string }{
		{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
			"Microsoft.Network/virtualNetworks/subnets", "v/a", "rg", "", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"},
		{"/subscriptions/s/resourcegroups/rg/providers/microsoft.logic/workflows/w/providers/microsoft.insights/diagnosticSettings/d",
			"microsoft.insights/diagnosticSettings", "d", "rg", "/subscriptions/s/resourcegroups/rg/providers/microsoft.logic/workflows/w", ""},
		{"/subscriptions/s/resourceGroups/rg", "Microsoft.Resources/resourceGroups", "rg", "rg", "", ""},
		{"/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/g", "Microsoft.Authorization/roleAssignments", "g", "", "", ""},
	}
	for _, c := range cases {
		p, ok := Parse(c.in)
		if !ok {
			t.Fatalf("Parse(%q) failed", c.in)
		}
		if p.Type() != c.typ || p.Name() != c.name || p.ResourceGroup != c.rg || p.Scope != c.scope || p.ParentID() != c.parent {
			t.Errorf("Parse(%q) = type %q name %q rg %q scope %q parent %q", c.in, p.Type(), p.Name(), p.ResourceGroup, p.Scope, p.ParentID())
		}
	}
	for _, bad := range []string{"", "/subscriptions/", "subscriptions/x", "/subscriptions/s/resourceGroups/rg/providers/X/y", "https://x"} {
		if _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}
