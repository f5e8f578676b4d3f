package terraform

import "github.com/atg-go/atg/engine/iac/model"

// Storage account lifecycle management policies (azurerm_storage_management_policy): ARM nests
// each action's condition ({tierToCool: {daysAfterModificationGreaterThan: 30}}), azurerm
// flattens them into one argument per action and condition. The table below is the one source
// of both the arguments and the check that no condition is left unmapped.

func init() { registerSimpleRows(storageRows2) }

// lifecycleActions: per ARM action group, ARM action -> condition -> azurerm argument.
var lifecycleActions = []struct {
	group, tf string
	actions   map[string]map[string]string
}{
	{"baseBlob", "base_blob", map[string]map[string]string{
		"tierToCool": {"daysAfterModificationGreaterThan": "tier_to_cool_after_days_since_modification_greater_than",
			"daysAfterCreationGreaterThan":       "tier_to_cool_after_days_since_creation_greater_than",
			"daysAfterLastAccessTimeGreaterThan": "tier_to_cool_after_days_since_last_access_time_greater_than"},
		"tierToCold": {"daysAfterModificationGreaterThan": "tier_to_cold_after_days_since_modification_greater_than",
			"daysAfterCreationGreaterThan":       "tier_to_cold_after_days_since_creation_greater_than",
			"daysAfterLastAccessTimeGreaterThan": "tier_to_cold_after_days_since_last_access_time_greater_than"},
		"tierToArchive": {"daysAfterModificationGreaterThan": "tier_to_archive_after_days_since_modification_greater_than",
			"daysAfterCreationGreaterThan":       "tier_to_archive_after_days_since_creation_greater_than",
			"daysAfterLastAccessTimeGreaterThan": "tier_to_archive_after_days_since_last_access_time_greater_than",
			"daysAfterLastTierChangeGreaterThan": "tier_to_archive_after_days_since_last_tier_change_greater_than"},
		"delete": {"daysAfterModificationGreaterThan": "delete_after_days_since_modification_greater_than",
			"daysAfterCreationGreaterThan":       "delete_after_days_since_creation_greater_than",
			"daysAfterLastAccessTimeGreaterThan": "delete_after_days_since_last_access_time_greater_than"},
	}},
	{"snapshot", "snapshot", map[string]map[string]string{
		"tierToCool": {"daysAfterCreationGreaterThan": "change_tier_to_cool_after_days_since_creation"},
		"tierToCold": {"daysAfterCreationGreaterThan": "tier_to_cold_after_days_since_creation_greater_than"},
		"tierToArchive": {"daysAfterCreationGreaterThan": "change_tier_to_archive_after_days_since_creation",
			"daysAfterLastTierChangeGreaterThan": "tier_to_archive_after_days_since_last_tier_change_greater_than"},
		"delete": {"daysAfterCreationGreaterThan": "delete_after_days_since_creation_greater_than"},
	}},
	{"version", "version", map[string]map[string]string{
		"tierToCool": {"daysAfterCreationGreaterThan": "change_tier_to_cool_after_days_since_creation"},
		"tierToCold": {"daysAfterCreationGreaterThan": "tier_to_cold_after_days_since_creation_greater_than"},
		"tierToArchive": {"daysAfterCreationGreaterThan": "change_tier_to_archive_after_days_since_creation",
			"daysAfterLastTierChangeGreaterThan": "tier_to_archive_after_days_since_last_tier_change_greater_than"},
		"delete": {"daysAfterCreationGreaterThan": "delete_after_days_since_creation"},
	}},
}

const lifecycleRules = "policy.rules"

// lifecycleArgs derives the actions block's arguments from lifecycleActions.
func lifecycleArgs() []arg {
	var groups []arg
	for _, g := range lifecycleActions {
		var args []arg
		for _, action := range model.SortedKeys(g.actions) {
			conds := g.actions[action]
			for _, cond := range model.SortedKeys(conds) {
				args = append(args, arg{TF: conds[cond], ARM: action + "." + cond, C: cNum})
			}
		}
		if g.group == "baseBlob" {
			args = append(args, arg{TF: "auto_tier_to_hot_from_cool_enabled", ARM: "enableAutoTierToHotFromCool", C: cBool})
		}
		groups = append(groups, arg{TF: g.tf, ARM: g.group, Max: 1, Block: args})
	}
	return groups
}

// lifecycleCheck: every condition of every action is one the table maps.
func lifecycleCheck(r *model.Resource) string {
	for _, g := range lifecycleActions {
		for action, conds := range g.actions {
			allowed := model.SortedKeys(conds)
			if why := fieldsOnly(lifecycleRules+".definition.actions."+g.group+"."+action, allowed...)(r); why != "" {
				return why
			}
		}
	}
	return fieldsOnly(lifecycleRules+".definition", "filters", "actions")(r)
}

var storageRows2 = map[string]simpleRow{
	"microsoft.storage/storageaccounts/managementpolicies": {TF: "azurerm_storage_management_policy", Place: parentID, NameAttr: "-", ParentAttr: "storage_account_id",
		Args: []arg{{TF: "rule", ARM: lifecycleRules, Block: []arg{{TF: "name", ARM: "name", Required: true},
			{TF: "enabled", ARM: "enabled", C: cBool, Required: true}, {ARM: "type"},
			{TF: "filters", ARM: "definition.filters", Required: true, Max: 1, Block: []arg{{TF: "blob_types", ARM: "blobTypes", C: cStrList, Required: true},
				{TF: "prefix_match", ARM: "prefixMatch", C: cStrList},
				{TF: "match_blob_index_tag", ARM: "blobIndexMatch", Block: []arg{{TF: "name", ARM: "name", Required: true},
					{TF: "operation", ARM: "op"}, {TF: "value", ARM: "value", Required: true}}}}},
			{TF: "actions", ARM: "definition.actions", Required: true, Max: 1, Block: lifecycleArgs()}}}},
		Check: checks(lifecycleCheck, fieldsOnly("policy", "rules")), Ignore: []string{"lastModifiedTime"}},
}
