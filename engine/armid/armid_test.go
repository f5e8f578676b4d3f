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
