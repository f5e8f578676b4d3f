package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Alert processing rules (Microsoft.AlertsManagement/actionRules, 2021-08-08 shape): one ARM type,
// two azurerm types by the rule's action — add action groups, or remove them all (suppression).
// The conditions list ({field, operator, values}) becomes one condition block per field, the
// schedule's recurrences one block per kind.

// apConditionFields: ARM condition field -> azurerm condition block.
var apConditionFields = map[string]string{
	"AlertContext": "alert_context", "AlertRuleId": "alert_rule_id", "AlertRuleName": "alert_rule_name", "Description": "description",
	"MonitorCondition": "monitor_condition", "MonitorService": "monitor_service", "Severity": "severity", "SignalType": "signal_type",
	"TargetResource": "target_resource", "TargetResourceGroup": "target_resource_group", "TargetResourceType": "target_resource_type",
}

// apRecurrences: ARM recurrence type -> azurerm block and the day list it carries.
var apRecurrences = map[string]struct{ tf, days, daysTF string }{
	"Daily":   {"daily", "", ""},
	"Weekly":  {"weekly", "daysOfWeek", "days_of_week"},
	"Monthly": {"monthly", "daysOfMonth", "days_of_month"},
}

func apActionType(r *model.Resource) string {
	as := arr(jsonpath.GetFold(r.Body, "actions"))
	if len(as) != 1 {
		return ""
	}
	return s(jsonpath.GetFold(as[0], "actionType"))
}

func apCheck(r *model.Resource) string {
	if n := len(arr(jsonpath.GetFold(r.Body, "actions"))); n != 1 {
		return "alert processing rules with other than one action are not expressed"
	}
	if why := fieldsOnly("actions", "actionType", "actionGroupIds")(r); why != "" {
		return why
	}
	seen := map[string]bool{}
	for _, c := range arr(jsonpath.GetFold(r.Body, "conditions")) {
		f := s(jsonpath.GetFold(c, "field"))
		if _, ok := apConditionFields[f]; !ok || seen[f] {
			return "condition on " + f + " is not expressed"
		}
		seen[f] = true
		if op := s(jsonpath.GetFold(c, "operator")); !listHasExact([]string{"Equals", "NotEquals", "Contains", "DoesNotContain"}, op) {
			return "condition operator " + op + " is not expressed"
		}
		if len(strList(jsonpath.GetFold(c, "values"))) == 0 {
			return "condition on " + f + " without values"
		}
	}
	if why := fieldsOnly("conditions", "field", "operator", "values")(r); why != "" {
		return why
	}
	if why := fieldsOnly("schedule", "effectiveFrom", "effectiveUntil", "timeZone", "recurrences")(r); why != "" {
		return why
	}
	for _, rc := range arr(jsonpath.GetFold(r.Body, "schedule.recurrences")) {
		kind, ok := apRecurrences[s(jsonpath.GetFold(rc, "recurrenceType"))]
		if !ok {
			return "recurrence type " + s(jsonpath.GetFold(rc, "recurrenceType")) + " is not expressed"
		}
		fields := []string{"recurrenceType", "startTime", "endTime"}
		if kind.days != "" {
			fields = append(fields, kind.days)
			if len(arr(jsonpath.GetFold(rc, kind.days))) == 0 {
				return kind.tf + " recurrence without days"
			}
		} else if s(jsonpath.GetFold(rc, "startTime")) == "" || s(jsonpath.GetFold(rc, "endTime")) == "" {
			return "daily recurrence without start and end times"
		}
		for k, v := range m(rc) {
			if !listHas(fields, k) && !emptyValue(v) {
				return "schedule.recurrences." + k + " is not expressed"
			}
		}
	}
	return ""
}

func apExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	if cs := arr(jsonpath.GetFold(r.Body, "conditions")); len(cs) > 0 {
		cb := b.AppendNewBlock("condition", nil).Body()
		for _, c := range cs {
			fb := cb.AppendNewBlock(apConditionFields[s(jsonpath.GetFold(c, "field"))], nil).Body()
			e.set(fb, "operator", s(jsonpath.GetFold(c, "operator")))
			e.set(fb, "values", strList(jsonpath.GetFold(c, "values")))
		}
	}
	sc, _ := jsonpath.GetFold(r.Body, "schedule").(map[string]any)
	if emptyValue(sc) {
		return
	}
	sb := b.AppendNewBlock("schedule", nil).Body()
	e.set(sb, "effective_from", s(sc["effectiveFrom"]))
	e.set(sb, "effective_until", s(sc["effectiveUntil"]))
	e.set(sb, "time_zone", s(sc["timeZone"]))
	if rcs := arr(sc["recurrences"]); len(rcs) > 0 {
		rb := sb.AppendNewBlock("recurrence", nil).Body()
		for _, rc := range rcs {
			kind := apRecurrences[s(jsonpath.GetFold(rc, "recurrenceType"))]
			kb := rb.AppendNewBlock(kind.tf, nil).Body()
			if kind.days != "" {
				e.set(kb, kind.daysTF, arr(jsonpath.GetFold(rc, kind.days)))
			}
			e.set(kb, "start_time", s(jsonpath.GetFold(rc, "startTime")))
			e.set(kb, "end_time", s(jsonpath.GetFold(rc, "endTime")))
		}
	}
}

// apGroups are the action group ids the rule's action adds.
func apGroups(r *model.Resource) []any {
	as := arr(jsonpath.GetFold(r.Body, "actions"))
	if len(as) != 1 {
		return nil
	}
	return strList(jsonpath.GetFold(as[0], "actionGroupIds"))
}

func apRow(tf string, sets ...string) simpleRow {
	return simpleRow{TF: tf, Place: inRG, Tags: true,
		Args: []arg{{TF: "scopes", ARM: "scopes", C: cStrList, Required: true}, {TF: "description", ARM: "description"}, {TF: "enabled", ARM: "enabled", C: cBool}},
		Check: checks(apCheck, func(r *model.Resource) string {
			if len(sets) > 0 && len(apGroups(r)) == 0 {
				return tf + " requires action group ids but the rule adds none"
			}
			return ""
		}),
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			if len(sets) > 0 {
				e.set(b, "add_action_group_ids", apGroups(r))
			}
			apExtra(e, b, r)
		},
		Sets: append([]string{"condition", "schedule"}, sets...), Reads: []string{"actions", "conditions", "schedule"}}
}

var apRows = map[string]simpleRow{
	"AddActionGroups":       apRow("azurerm_monitor_alert_processing_rule_action_group", "add_action_group_ids"),
	"RemoveAllActionGroups": apRow("azurerm_monitor_alert_processing_rule_suppression"),
}

// apPick chooses the row by the rule's action; an action of another kind (or none) stays azapi.
func apPick(r *model.Resource) (simpleRow, string) {
	t := apActionType(r)
	for k, row := range apRows {
		if strings.EqualFold(k, t) {
			return row, ""
		}
	}
	if t == "" {
		return simpleRow{}, "an alert processing rule without exactly one action (or of the older API shape) is not expressed"
	}
	return simpleRow{}, "action type " + t + " is not expressed"
}

func init() {
	Table["microsoft.alertsmanagement/actionrules"] = Mapping{
		Types: []string{apRows["AddActionGroups"].TF, apRows["RemoveAllActionGroups"].TF},
		Resolve: func(r *model.Resource) string {
			row, why := apPick(r)
			if why != "" || row.why(r) != "" {
				return ""
			}
			return row.TF
		},
		Explain: func(r *model.Resource) string {
			row, why := apPick(r)
			if why != "" {
				return why
			}
			return row.why(r)
		},
		Emit: func(e *emitter, r *model.Resource, t string) error {
			row, _ := apPick(r)
			return emitSimple(row)(e, r, t)
		},
	}
}
