package terraform

import (
	"testing"
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
