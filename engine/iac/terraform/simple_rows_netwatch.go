package terraform

import (
	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Network Watcher connection monitors (v2): endpoints, test configurations and test groups as
// nested blocks; Log Analytics outputs as the list of workspace ids. An endpoint's scope (lists of
// {address}) and filters stay azapi.

func init() { registerSimpleRows(netWatchRows) }

func connectionMonitorOutputs(r *model.Resource) []any {
	var out []any
	for _, o := range arr(jsonpath.GetFold(r.Body, "outputs")) {
		if id := idAt(o, "workspaceSettings.workspaceResourceId"); id != nil {
			out = append(out, id)
		}
	}
	return out
}

var netWatchRows = map[string]simpleRow{
	"microsoft.network/networkwatchers/connectionmonitors": {TF: "azurerm_network_connection_monitor", Place: parentID, ParentAttr: "network_watcher_id",
		Location: true, NeedLocation: true, Tags: true,
		Args: []arg{{TF: "notes", ARM: "notes"},
			{TF: "endpoint", ARM: "endpoints", Required: true, Block: []arg{{TF: "name", ARM: "name", Required: true}, {TF: "address", ARM: "address"},
				{TF: "target_resource_id", ARM: "resourceId", C: cID}, {TF: "target_resource_type", ARM: "type"}, {TF: "coverage_level", ARM: "coverageLevel"}}},
			{TF: "test_configuration", ARM: "testConfigurations", Required: true, Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "protocol", ARM: "protocol", Required: true}, {TF: "test_frequency_in_seconds", ARM: "testFrequencySec", C: cNum},
				{TF: "preferred_ip_version", ARM: "preferredIPVersion"},
				{TF: "http_configuration", ARM: "httpConfiguration", Max: 1, Block: []arg{{TF: "method", ARM: "method"}, {TF: "path", ARM: "path"},
					{TF: "port", ARM: "port", C: cNum}, {TF: "prefer_https", ARM: "preferHTTPS", C: cBool},
					{TF: "valid_status_code_ranges", ARM: "validStatusCodeRanges", C: cStrList},
					{TF: "request_header", ARM: "requestHeaders", Block: []arg{{TF: "name", ARM: "name", Required: true}, {TF: "value", ARM: "value", Required: true}}}}},
				{TF: "icmp_configuration", ARM: "icmpConfiguration", Max: 1, Block: []arg{{TF: "trace_route_enabled", ARM: "disableTraceRoute", C: cNot}}},
				{TF: "tcp_configuration", ARM: "tcpConfiguration", Max: 1, Block: []arg{{TF: "port", ARM: "port", C: cNum, Required: true},
					{TF: "trace_route_enabled", ARM: "disableTraceRoute", C: cNot}, {TF: "destination_port_behavior", ARM: "destinationPortBehavior"}}},
				{TF: "success_threshold", ARM: "successThreshold", Max: 1, Block: []arg{{TF: "checks_failed_percent", ARM: "checksFailedPercent", C: cNum},
					{TF: "round_trip_time_ms", ARM: "roundTripTimeMs", C: cNum}}}}},
			{TF: "test_group", ARM: "testGroups", Required: true, Block: []arg{{TF: "name", ARM: "name", Required: true},
				{TF: "destination_endpoints", ARM: "destinations", C: cStrList, Required: true}, {TF: "source_endpoints", ARM: "sources", C: cStrList, Required: true},
				{TF: "test_configuration_names", ARM: "testConfigurations", C: cStrList, Required: true}, {TF: "enabled", ARM: "disable", C: cNot}}}},
		Check: func(r *model.Resource) string {
			for _, o := range arr(jsonpath.GetFold(r.Body, "outputs")) {
				if s(jsonpath.GetFold(o, "type")) != "Workspace" || idAt(o, "workspaceSettings.workspaceResourceId") == nil {
					return "connection monitor output " + s(jsonpath.GetFold(o, "type")) + " is not expressed"
				}
			}
			return fieldsOnly("outputs", "type", "workspaceSettings")(r)
		},
		Extra: func(e *emitter, b *hclwrite.Body, r *model.Resource) {
			e.set(b, "output_workspace_resource_ids", connectionMonitorOutputs(r))
		},
		Sets: []string{"output_workspace_resource_ids"}, Reads: []string{"outputs"},
		// the v1 fields a v2 monitor repeats read-only, and its state
		Ignore: []string{"connectionMonitorType", "monitoringStatus", "startTime", "autoStart", "monitoringIntervalInSeconds"}},
}
