package terraform

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac/model"
)

// A settings singleton Azure creates with its parent (blobServices/default) is declared as an
// azapi_update_resource — azapi_resource would refuse it on apply ("Resource already exists") —
// with no location, tags or import block; an ordinary child of the same parent stays
// azapi_resource and is imported.
func TestImplicitSingletonIsAnUpdate(t *testing.T) {
	acct := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1"
	m := &model.Model{Resources: []*model.Resource{
		{Key: "st1", ID: acct, Type: "Microsoft.Storage/storageAccounts", APIVersion: "2023-05-01", Name: "st1", Location: "westus",
			ResourceGroup: "rg", Level: model.LevelResourceGroup, Kind: "StorageV2", SKU: map[string]any{"name": "Standard_LRS"}},
		{Key: "st1_default", ID: acct + "/blobServices/default", Type: "Microsoft.Storage/storageAccounts/blobServices", APIVersion: "2023-05-01",
			Name: "st1/default", ResourceGroup: "rg", Level: model.LevelResourceGroup, Parent: "st1", Location: "westus",
			Body: map[string]any{"deleteRetentionPolicy": map[string]any{"enabled": true, "days": 7.0}}},
		{Key: "st1_policy", ID: acct + "/managementPolicies/default", Type: "Microsoft.Storage/storageAccounts/managementPolicies", APIVersion: "2023-05-01",
			Name: "st1/default", ResourceGroup: "rg", Level: model.LevelResourceGroup, Parent: "st1",
			Body: map[string]any{"policy": map[string]any{"rules": []any{}}}},
	}}
	res, err := Emit(m, Options{Imports: true})
	if err != nil {
		t.Fatal(err)
	}
	main, imports := string(res.Files["main.tf"]), string(res.Files["imports.tf"])
	blk := main[strings.Index(main, `"st1_default"`):]
	blk = blk[:strings.Index(blk, "\n}")]
	if !strings.Contains(main, `resource "azapi_update_resource" "st1_default"`) || strings.Contains(blk, "location") {
		t.Errorf("blobServices/default is not a bare azapi_update_resource:\n%s", main)
	}
	if res.Types["st1_default"] != "azapi_update_resource" {
		t.Errorf("type %q", res.Types["st1_default"])
	}
	if strings.Contains(imports, "st1_default") {
		t.Errorf("an update resource cannot be imported:\n%s", imports)
	}
	if res.Types["st1_policy"] == "azapi_update_resource" || !strings.Contains(imports, "st1_policy") {
		t.Errorf("management policies are created by their owner: %q\n%s", res.Types["st1_policy"], imports)
	}
	for _, n := range []struct {
		typ, name string
		want      bool
	}{
		{"Microsoft.DBforPostgreSQL/flexibleServers/configurations", "srv/work_mem", true},
		{"Microsoft.OperationalInsights/workspaces/tables", "ws/Heartbeat", true},
		{"Microsoft.OperationalInsights/workspaces/tables", "ws/MyApp_CL", false},
		{"Microsoft.Sql/servers/databases/transparentDataEncryption", "s/db/current", true},
		{"Microsoft.Web/sites/config", "app/appsettings", false},
	} {
		if got := isImplicitSingleton(&model.Resource{Type: n.typ, Name: n.name}); got != n.want {
			t.Errorf("%s %s: singleton %v, want %v", n.typ, n.name, got, n.want)
		}
	}
}

// Import ids take the specs' spelling of namespaces and types: azurerm's id parsers compare them
// case-sensitively, and Azure's own answers are not always canonical.
func TestCanonicalImportIDSpelling(t *testing.T) {
	for in, want := range map[string]string{
		"/subscriptions/s/resourceGroups/rg/providers/microsoft.operationalinsights/workspaces/w1":                   "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w1",
		"/subscriptions/s/resourcegroups/rg/providers/Microsoft.Kusto/Clusters/c/Databases/d/PrincipalAssignments/p": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kusto/Clusters/c/Databases/d/PrincipalAssignments/p",
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan":                                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/serverFarms/plan",
		"/subscriptions/s/resourceGroups/rg/providers/microsoft.insights/metricalerts/a":                             "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/metricAlerts/a",
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/a/api-version-sets/v":          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ApiManagement/service/a/api-version-sets/v",
		"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm/azureEndpoints/e":  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/tm/azureEndpoints/e",
	} {
		if got := canonicalImportID(in); got != want {
			t.Errorf("%s:\n got %s\nwant %s", in, got, want)
		}
	}
}
