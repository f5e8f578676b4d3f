package terraform

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Autoscale settings (azurerm_monitor_autoscale_setting): ARM gives capacities and scale steps as
// strings, a recurrence under schedule, notifications as a list; the profiles are brought into
// azurerm's shape first, then written and judged by the declarative arguments below.

func init() { registerSimpleRows(autoscaleRows) }

var (
	autoscaleProfileArgs = []arg{{TF: "name", ARM: "name", Required: true},
		{TF: "capacity", ARM: "capacity", Required: true, Max: 1, Block: []arg{{TF: "default", ARM: "default", C: cNum, Required: true},
			{TF: "minimum", ARM: "minimum", C: cNum, Required: true}, {TF: "maximum", ARM: "maximum", C: cNum, Required: true}}},
		{TF: "rule", ARM: "rules", Max: 10, Block: []arg{
			{TF: "metric_trigger", ARM: "metricTrigger", Required: true, Max: 1, Block: []arg{{TF: "metric_name", ARM: "metricName", Required: true},
				{TF: "metric_resource_id", ARM: "metricResourceUri", C: cID, Required: true}, {TF: "metric_namespace", ARM: "metricNamespace"},
				{TF: "time_grain", ARM: "timeGrain", Required: true}, {TF: "statistic", ARM: "statistic", Required: true},
				{TF: "time_window", ARM: "timeWindow", Required: true}, {TF: "time_aggregation", ARM: "timeAggregation", Required: true},
				{TF: "operator", ARM: "operator", Required: true}, {TF: "threshold", ARM: "threshold", C: cNum, Required: true},
				{TF: "divide_by_instance_count", ARM: "dividePerInstance", C: cBool}, {ARM: "metricResourceLocation"},
				{TF: "dimensions", ARM: "dimensions", Block: []arg{{TF: "name", ARM: "DimensionName", Required: true}, {TF: "operator", ARM: "Operator", Required: true},
					{TF: "values", ARM: "Values", C: cStrList, Required: true}}}}},
			{TF: "scale_action", ARM: "scaleAction", Required: true, Max: 1, Block: []arg{{TF: "direction", ARM: "direction", Required: true},
				{TF: "type", ARM: "type", Required: true}, {TF: "value", ARM: "value", C: cNum, Required: true}, {TF: "cooldown", ARM: "cooldown", Required: true}}}}},
		{TF: "fixed_date", ARM: "fixedDate", Max: 1, Block: []arg{{TF: "timezone", ARM: "timeZone"}, {TF: "start", ARM: "start", Required: true},
			{TF: "end", ARM: "end", Required: true}}},
		// hours and minutes are number lists: written by autoscaleExtra
		{TF: "", ARM: "recurrence"}}
	autoscaleNotificationArgs = []arg{{ARM: "operation"},
		{TF: "email", ARM: "email", Max: 1, Block: []arg{{TF: "send_to_subscription_administrator", ARM: "sendToSubscriptionAdministrator", C: cBool},
			{TF: "send_to_subscription_co_administrator", ARM: "sendToSubscriptionCoAdministrators", C: cBool},
			{TF: "custom_emails", ARM: "customEmails", C: cStrList}}},
		{TF: "webhook", ARM: "webhooks", Block: []arg{{TF: "service_uri", ARM: "serviceUri", Required: true}, {TF: "properties", ARM: "properties", C: cMap}}}}
	weekDays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
)

// autoscaleProfiles returns the profiles in azurerm's shape (numbers for capacities and scale
// steps), or why they cannot be.
func autoscaleProfiles(r *model.Resource) ([]map[string]any, string) {
	var out []map[string]any
	for _, x := range arr(jsonpath.GetFold(r.Body, "profiles")) {
		p := map[string]any{}
		for k, v := range m(x) {
			p[k] = v
		}
		capacity := map[string]any{}
		for k, v := range m(p["capacity"]) {
			n, ok := numberOf(v)
			if !ok {
				return nil, "capacity." + k + " " + s(v) + " is not a number"
			}
			capacity[k] = n
		}
		if len(capacity) > 0 {
			p["capacity"] = capacity
		}
		var rules []any
		for _, rx := range arr(p["rules"]) {
			rule := map[string]any{}
			for k, v := range m(rx) {
				rule[k] = v
			}
			if sa := m(rule["scaleAction"]); sa != nil {
				step := map[string]any{}
				for k, v := range sa {
					step[k] = v
				}
				if v, ok := step["value"]; ok {
					n, ok := numberOf(v)
					if !ok {
						return nil, "scaleAction.value " + s(v) + " is not a number"
					}
					step["value"] = n
				}
				rule["scaleAction"] = step
			}
			rules = append(rules, rule)
		}
		if rules != nil {
			p["rules"] = rules
		}
		if rc := m(p["recurrence"]); rc != nil {
			if f := s(rc["frequency"]); f != "Week" {
				return nil, "recurrence frequency " + f + " is not expressed"
			}
			for k, v := range rc {
				if k != "frequency" && k != "schedule" && !emptyValue(v) {
					return nil, "recurrence." + k + " is not expressed"
				}
			}
			for k, v := range m(rc["schedule"]) {
				if !listHas([]string{"timeZone", "days", "hours", "minutes"}, k) && !emptyValue(v) {
					return nil, "recurrence.schedule." + k + " is not expressed"
				}
			}
			for _, d := range arr(jsonpath.GetFold(rc, "schedule.days")) {
				if !listHasExact(weekDays, s(d)) {
					return nil, "recurrence day " + s(d) + " is not a week day"
				}
			}
			for _, f := range []string{"days", "hours", "minutes"} {
				if len(arr(jsonpath.GetFold(rc, "schedule."+f))) == 0 {
					return nil, "recurrence without " + f
				}
			}
		}
		out = append(out, p)
	}
	return out, ""
}

// numberOf reads a number given as a number or a string.
func numberOf(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		return f, err == nil
	}
	return 0, false
}

func autoscaleCheck(r *model.Resource) string {
	ps, why := autoscaleProfiles(r)
	if why != "" {
		return why
	}
	if len(ps) == 0 || len(ps) > 20 {
		return "azurerm_monitor_autoscale_setting takes 1 to 20 profiles, the setting has " + strconv.Itoa(len(ps))
	}
	for _, p := range ps {
		in := "profiles." + s(p["name"]) + "."
		if why := argsWhy("azurerm_monitor_autoscale_setting", autoscaleProfileArgs, p, r, in); why != "" {
			return why
		}
		for _, k := range model.SortedKeys(p) {
			if !emptyValue(p[k]) && !argsCover(autoscaleProfileArgs, k) {
				return "azurerm_monitor_autoscale_setting cannot express " + in + k
			}
		}
	}
	ns := arr(jsonpath.GetFold(r.Body, "notifications"))
	if len(ns) > 1 {
		return "azurerm_monitor_autoscale_setting takes one notification"
	}
	for _, n := range ns {
		if op := s(jsonpath.GetFold(n, "operation")); op != "" && op != "Scale" {
			return "notification operation " + op + " is not expressed"
		}
		if why := argsWhy("azurerm_monitor_autoscale_setting", autoscaleNotificationArgs, m(n), r, "notifications."); why != "" {
			return why
		}
		for k, v := range m(n) {
			if !emptyValue(v) && !argsCover(autoscaleNotificationArgs, k) {
				return "azurerm_monitor_autoscale_setting cannot express notifications." + k
			}
		}
	}
	pa := m(jsonpath.GetFold(r.Body, "predictiveAutoscalePolicy"))
	for k, v := range pa {
		if !listHas([]string{"scaleMode", "scaleLookAheadTime"}, k) && !emptyValue(v) {
			return "predictiveAutoscalePolicy." + k + " is not expressed"
		}
	}
	if mode := s(pa["scaleMode"]); mode != "" && mode != "Disabled" && mode != "Enabled" && mode != "ForecastOnly" {
		return "predictive scale mode " + mode + " is not expressed"
	}
	return ""
}

func autoscaleExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	ps, _ := autoscaleProfiles(r)
	for _, p := range ps {
		pb := b.AppendNewBlock("profile", nil).Body()
		e.writeArgs(pb, autoscaleProfileArgs, p, r)
		if rc := m(p["recurrence"]); rc != nil {
			sc := m(rc["schedule"])
			rb := pb.AppendNewBlock("recurrence", nil).Body()
			e.set(rb, "timezone", s(sc["timeZone"]))
			e.set(rb, "days", arr(sc["days"]))
			e.set(rb, "hours", arr(sc["hours"]))
			e.set(rb, "minutes", arr(sc["minutes"]))
		}
	}
	for _, n := range arr(jsonpath.GetFold(r.Body, "notifications")) {
		e.writeArgs(b.AppendNewBlock("notification", nil).Body(), autoscaleNotificationArgs, m(n), r)
	}
	// "Disabled" is the service's default: nothing to write
	if pa := m(jsonpath.GetFold(r.Body, "predictiveAutoscalePolicy")); s(pa["scaleMode"]) == "Enabled" || s(pa["scaleMode"]) == "ForecastOnly" {
		pb := b.AppendNewBlock("predictive", nil).Body()
		e.set(pb, "scale_mode", s(pa["scaleMode"]))
		e.set(pb, "look_ahead_time", s(pa["scaleLookAheadTime"]))
	}
}

var autoscaleRows = map[string]simpleRow{
	"microsoft.insights/autoscalesettings": {TF: "azurerm_monitor_autoscale_setting", Place: inRG, Location: true, NeedLocation: true, Tags: true,
		Args:  []arg{{TF: "target_resource_id", ARM: "targetResourceUri", C: cID, Required: true}, {TF: "enabled", ARM: "enabled", C: cBool}},
		Check: autoscaleCheck, Extra: autoscaleExtra, Sets: []string{"profile", "notification", "predictive"},
		Reads: []string{"profiles", "notifications", "predictiveAutoscalePolicy"},
		// the setting's own name, repeated; the location of the target resource (derived)
		Ignore: []string{"name", "targetResourceLocation"}},
}
