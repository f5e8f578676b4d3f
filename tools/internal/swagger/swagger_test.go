package swagger

import "testing"

func TestPathType(t *testing.T) {
	for _, c := range []struct {
		path, typ string
		item      bool
	}{
		{"/{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}", "Microsoft.Insights/diagnosticSettings", true},
		{"/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}/start", "Microsoft.Compute/virtualMachines", false},
		{"/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks", "", false},
		{"/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{v}/subnets/{n}", "Microsoft.Network/virtualNetworks/subnets", true},
		{"/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{a}/blobServices/default", "Microsoft.Storage/storageAccounts/blobServices", true},
		{"/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}/providers/Microsoft.GuestConfiguration/guestConfigurationAssignments/{n}", "Microsoft.GuestConfiguration/guestConfigurationAssignments", true},
		{"/subscriptions/{s}/providers/{resourceProviderNamespace}/register", "", false},
		{"/{scope}/providers/Microsoft.Authorization/roleAssignments/{id}?api-version=x", "Microsoft.Authorization/roleAssignments", true},
	} {
		if typ, item := PathType(c.path, false); typ != c.typ || item != c.item {
			t.Errorf("PathType(%s) = %q, %v; want %q, %v", c.path, typ, item, c.typ, c.item)
		}
	}
	if typ, item := PathType("/subscriptions/{s}/resourcegroups/{rg}", true); typ != "Microsoft.Resources/resourceGroups" || !item {
		t.Errorf("resource group path: %q %v", typ, item)
	}
	if typ, _ := PathType("/subscriptions/{s}/resourcegroups/{rg}", false); typ != "" {
		t.Errorf("outside Microsoft.Resources' specs: %q", typ)
	}
}

func TestVersionNewer(t *testing.T) {
	stable := Version{Version: "2020-01-01"}
	if !stable.Newer(Version{Version: "2022-01-01-preview", Preview: true}) || !(Version{Version: "2021-01-01"}).Newer(stable) {
		t.Error("version order")
	}
}
