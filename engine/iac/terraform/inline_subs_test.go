package terraform

import (
	"testing"

	"github.com/atg-go/atg/engine/iac/model"
)

// subRowsForSchema returns the inline sub-resource kinds as simple rows (placed by the owner's
// id), so that the schema test checks their arguments like any row's.
func subRowsForSchema() map[string]simpleRow {
	out := map[string]simpleRow{}
	for owner, ss := range allSubs() {
		for _, sub := range ss {
			for _, k := range sub.Kinds {
				out[owner+"#"+k.TF] = simpleRow{TF: k.TF, Place: parentID, ParentAttr: sub.ParentAttr, RGName: sub.RGName, Args: k.Args}
			}
		}
	}
	return out
}

// Every kind of inline sub-resource is also the type of the row of its own ARM child type, so
// the table's reverse index stays one ARM type per azurerm type.
func TestInlineSubKindsHaveRows(t *testing.T) {
	for owner, ss := range allSubs() {
		for _, sub := range ss {
			for _, k := range sub.Kinds {
				if arm, ok := TerraformTypes()[k.TF]; !ok || arm == owner {
					t.Errorf("%s: sub-resource type %s has no row of its own (reverse index: %q)", owner, k.TF, arm)
				}
			}
		}
	}
}

// allSubs is every row's inline sub-resources.
func allSubs() map[string][]inlineSub {
	out := map[string][]inlineSub{}
	for _, subs := range []map[string][]inlineSub{netSubs2, vwanSubs} {
		for k, v := range subs {
			out[k] = v
		}
	}
	return out
}

// The nested blocks rows write from their Extra through declarative arguments (firewall rule
// collections, autoscale profiles and notifications) match the provider's schema too.
func TestExtraBlocksMatchSchema(t *testing.T) {
	schema := azurermSchema()
	var rcg []arg
	for _, k := range rcgKinds {
		rcg = append(rcg, arg{TF: k.tf, ARM: "ruleCollections", Block: rcgCollectionArgs(k.rule)})
	}
	checkBlocks(t, schema, "rule collection groups", "azurerm_firewall_policy_rule_collection_group", rcg)
	checkBlocks(t, schema, "autoscale settings", "azurerm_monitor_autoscale_setting", []arg{
		{TF: "profile", ARM: "profiles", Block: autoscaleProfileArgs}, {TF: "notification", ARM: "notifications", Block: autoscaleNotificationArgs}})
	var hosts []arg
	for _, kind := range apimHostKinds {
		hosts = append(hosts, arg{TF: kind, ARM: "hostnameConfigurations", Block: apimHostArgs})
	}
	checkBlocks(t, schema, "api management", "azurerm_api_management", []arg{{TF: "hostname_configuration", ARM: "-", Block: hosts},
		{TF: "additional_location", ARM: "additionalLocations", Block: apimLocationArgs}})
	checkBlocks(t, schema, "image versions", "azurerm_shared_image_version", []arg{{TF: "target_region", ARM: "targetRegions", Block: imageRegionArgs}})
}

// The rows added for the common types never panic, whatever shape a payload has: every
// property replaced by values of the wrong shape (strings, numbers, lists of scalars, objects of
// junk) emits typed or falls back, without a crash.
func TestCommonRowsTakeAnyShape(t *testing.T) {
	types := []string{"microsoft.network/azurefirewalls", "microsoft.network/applicationgatewaywebapplicationfirewallpolicies",
		"microsoft.network/virtualnetworkgateways", "microsoft.network/trafficmanagerprofiles", "microsoft.network/firewallpolicies/rulecollectiongroups",
		"microsoft.compute/virtualmachines/extensions", "microsoft.alertsmanagement/smartdetectoralertrules", "microsoft.sql/servers/elasticpools",
		"microsoft.compute/images", "microsoft.cdn/profiles/afdendpoints/routes", "microsoft.cdn/profiles/securitypolicies",
		"microsoft.network/frontdoorwebapplicationfirewallpolicies", "microsoft.compute/virtualmachinescalesets",
		"microsoft.storage/storageaccounts/managementpolicies", "microsoft.alertsmanagement/actionrules", "microsoft.network/vpngateways",
		"microsoft.network/vpngateways/vpnconnections", "microsoft.network/vpnserverconfigurations", "microsoft.network/p2svpngateways",
		"microsoft.insights/autoscalesettings", "microsoft.containerinstance/containergroups", "microsoft.eventgrid/systemtopics/eventsubscriptions",
		"microsoft.compute/galleries/images/versions", "microsoft.sql/managedinstances", "microsoft.apimanagement/service",
		"microsoft.operationalinsights/workspaces/datasources", "microsoft.network/networkwatchers/connectionmonitors",
		"microsoft.cdn/profiles/customdomains", "microsoft.insights/webtests", "microsoft.eventgrid/eventsubscriptions",
		"microsoft.network/trafficmanagerprofiles/azureendpoints", "microsoft.network/vpngateways/natrules",
		"microsoft.network/virtualhubs/hubvirtualnetworkconnections"}
	junk := []any{"x", 1.0, true, []any{"a", 2.0}, map[string]any{"a": "b", "c": []any{1.0}}, []any{map[string]any{"name": "n", "properties": "p"}}}
	for _, typ := range types {
		mp, ok := Table[typ]
		if !ok {
			t.Errorf("%s: no row", typ)
			continue
		}
		// the keys the row reads, from a typed example's shape: every top-level key the row's
		// arguments, reads and ignores name
		keys := []string{"properties", "ipConfigurations", "endpoints", "natRules", "connections", "ruleCollections", "profiles",
			"virtualMachineProfile", "policy", "actions", "conditions", "schedule", "containers", "volumes", "destination", "filter",
			"publishingProfile", "storageProfile", "hostnameConfigurations", "customProperties", "additionalLocations", "eventTypes",
			"testConfigurations", "testGroups", "outputs", "bgpSettings", "additionalProperties", "policySettings", "customRules",
			"managedRules", "parameters", "actionGroups", "scope", "detector", "ipAddress", "upgradePolicy", "scaleInPolicy",
			"tlsSettings", "Request", "Locations", "ValidationRules", "p2SConnectionConfigurations", "vpnLinkConnections", "routingConfiguration"}
		for i, j := range junk {
			body := map[string]any{}
			for _, k := range keys {
				body[k] = j
			}
			r := &model.Resource{Key: "r", ID: "/subscriptions/s/resourceGroups/rg/providers/" + typ + "/r", Type: typ, Name: "r",
				Location: "westus", ResourceGroup: "rg", Subscription: "s", Kind: "WindowsEvent",
				SKU: map[string]any{"name": j, "capacity": j}, Body: body}
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Errorf("%s with junk %d: panic %v", typ, i, p)
					}
				}()
				if mp.Resolve != nil {
					mp.Resolve(r)
				}
				if mp.Explain != nil {
					mp.Explain(r)
				}
				if _, err := Emit(&model.Model{Resources: []*model.Resource{r}}, Options{}); err != nil {
					t.Errorf("%s with junk %d: %v", typ, i, err)
				}
			}()
		}
	}
}
