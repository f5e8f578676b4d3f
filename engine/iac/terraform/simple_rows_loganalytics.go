package terraform

import (
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Log Analytics workspace data sources: one ARM type, an azurerm type per kind (Windows event
// logs, Windows performance counters); the other kinds stay azapi.

var laDataSourceRows = map[string]simpleRow{
	"WindowsEvent": {TF: "azurerm_log_analytics_datasource_windows_event", Place: names, NameAttrs: []string{"workspace_name"},
		Args:  []arg{{TF: "event_log_name", ARM: "eventLogName", Required: true}},
		Check: checks(fieldsOnly("eventTypes", "eventType"), allOneOf("eventTypes.eventType", "Error", "Warning", "Information")),
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			var types []any
			for _, t := range arr(jsonpath.GetFold(r.Body, "eventTypes")) {
				types = append(types, s(jsonpath.GetFold(t, "eventType")))
			}
			e.set(b, "event_types", types)
		},
		Sets: []string{"event_types"}, Reads: []string{"eventTypes"}},
	"WindowsPerformanceCounter": {TF: "azurerm_log_analytics_datasource_windows_performance_counter", Place: names, NameAttrs: []string{"workspace_name"},
		Args: []arg{{TF: "object_name", ARM: "objectName", Required: true}, {TF: "instance_name", ARM: "instanceName", Required: true},
			{TF: "counter_name", ARM: "counterName", Required: true}, {TF: "interval_seconds", ARM: "intervalSeconds", C: cNum, Required: true}}},
}

func laDataSourcePick(r *model.Resource) (simpleRow, string) {
	row, ok := laDataSourceRows[r.Kind]
	if !ok {
		return simpleRow{}, "data source kind " + r.Kind + " is not expressed"
	}
	if r.Kind == "WindowsEvent" && len(arr(jsonpath.GetFold(r.Body, "eventTypes"))) == 0 {
		return simpleRow{}, "a Windows event data source without event types is not expressed"
	}
	return row, ""
}

func init() {
	Table["microsoft.operationalinsights/workspaces/datasources"] = Mapping{
		Types: []string{laDataSourceRows["WindowsEvent"].TF, laDataSourceRows["WindowsPerformanceCounter"].TF},
		Resolve: func(r *model.Resource) string {
			row, why := laDataSourcePick(r)
			if why != "" || row.why(r) != "" {
				return ""
			}
			return row.TF
		},
		Explain: func(r *model.Resource) string {
			row, why := laDataSourcePick(r)
			if why != "" {
				return why
			}
			return row.why(r)
		},
		Emit: func(e *emitter, r *model.Resource, t string) error {
			row, _ := laDataSourcePick(r)
			return emitSimple(row)(e, r, t)
		},
	}
}
