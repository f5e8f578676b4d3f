package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
)

// synthetic builds about n Resource nodes shaped like real ARM envelopes: per unit of 10,
// a VNet (inline subnet), its subnet, an NSG, a route table, a public IP, a NIC, a VM, two
// disks and a diagnostic setting, spread over 10 subscriptions and 100 resource groups.
func synthetic(n int) []graph.Node {
	nodes := make([]graph.Node, 0, n)
	for u := 0; len(nodes) < n; u++ {
		rg := fmt.Sprintf("/subscriptions/00000000-0000-0000-0000-%012d/resourceGroups/RG-%d", u%10, u%100)
		p := func(t, name string) string { return fmt.Sprintf("%s/providers/%s/%s-%d", rg, t, name, u) }
		vnetID, nsgID, rtID := p("Microsoft.Network/virtualNetworks", "vnet"), p("Microsoft.Network/networkSecurityGroups", "nsg"), p("Microsoft.Network/routeTables", "rt")
		subnetID := vnetID + "/subnets/default"
		pipID, nicID, vmID := p("Microsoft.Network/publicIPAddresses", "pip"), p("Microsoft.Network/networkInterfaces", "nic"), p("Microsoft.Compute/virtualMachines", "vm")
		osID, dataID := p("Microsoft.Compute/disks", "os"), p("Microsoft.Compute/disks", "data")
		lawID := fmt.Sprintf("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mon/providers/Microsoft.OperationalInsights/workspaces/law-%d", u%10)
		ref := func(id string) map[string]any { return map[string]any{"id": id} }
		tags := map[string]any{"env": []string{"dev", "test", "prod"}[u%3], "owner": fmt.Sprintf("team-%d", u%7)}
		envs := []map[string]any{
			{"id": vnetID, "type": "Microsoft.Network/virtualNetworks", "location": "westeurope", "tags": tags, "properties": map[string]any{
				"addressSpace": map[string]any{"addressPrefixes": []any{"10.0.0.0/16"}},
				"subnets": []any{map[string]any{"id": subnetID, "properties": map[string]any{"networkSecurityGroup": ref(nsgID), "routeTable": ref(rtID),
					"ipConfigurations": []any{ref(nicID + "/ipConfigurations/ipconfig1")}}}}}},
			{"id": subnetID, "type": "Microsoft.Network/virtualNetworks/subnets", "properties": map[string]any{"networkSecurityGroup": ref(nsgID), "routeTable": ref(rtID)}},
			{"id": nsgID, "type": "Microsoft.Network/networkSecurityGroups", "location": "westeurope", "properties": map[string]any{
				"securityRules": []any{map[string]any{"id": nsgID + "/securityRules/r1", "properties": map[string]any{"access": "Allow", "priority": 100.0}}}}},
			{"id": rtID, "type": "Microsoft.Network/routeTables", "location": "westeurope", "properties": map[string]any{"routes": []any{}}},
			{"id": pipID, "type": "Microsoft.Network/publicIPAddresses", "location": "westeurope", "properties": map[string]any{"ipConfiguration": ref(nicID + "/ipConfigurations/ipconfig1")}},
			{"id": nicID, "type": "Microsoft.Network/networkInterfaces", "location": "westeurope", "tags": tags, "properties": map[string]any{
				"ipConfigurations": []any{map[string]any{"id": nicID + "/ipConfigurations/ipconfig1", "properties": map[string]any{
					"subnet": ref(subnetID), "publicIPAddress": ref(pipID), "privateIPAddress": "10.0.0.4"}}},
				"networkSecurityGroup": ref(nsgID), "virtualMachine": ref(vmID)}},
			{"id": vmID, "type": "Microsoft.Compute/virtualMachines", "location": "westeurope", "tags": tags,
				"identity": map[string]any{"type": "SystemAssigned", "principalId": fmt.Sprintf("00000000-0000-0000-0001-%012d", u)},
				"properties": map[string]any{"hardwareProfile": map[string]any{"vmSize": "Standard_D2s_v5"},
					"storageProfile": map[string]any{"osDisk": map[string]any{"managedDisk": ref(osID)}, "dataDisks": []any{map[string]any{"lun": 0.0, "managedDisk": ref(dataID)}}},
					"networkProfile": map[string]any{"networkInterfaces": []any{ref(nicID)}}}},
			{"id": osID, "type": "Microsoft.Compute/disks", "location": "westeurope", "managedBy": vmID, "properties": map[string]any{"diskSizeGB": 30.0}},
			{"id": dataID, "type": "Microsoft.Compute/disks", "location": "westeurope", "managedBy": vmID, "properties": map[string]any{"diskSizeGB": 128.0}},
			{"id": vmID + "/providers/microsoft.insights/diagnosticSettings/diag", "type": "Microsoft.Insights/diagnosticSettings", "properties": map[string]any{"workspaceId": lawID}},
		}
		for _, e := range envs {
			nodes = append(nodes, discover.NodeFromARM(testTenant, e))
		}
	}
	return nodes[:n]
}

func TestSyntheticEdges(t *testing.T) {
	r := ApplyAll(synthetic(1000), nil)
	count := map[graph.EdgeType]int{}
	for _, e := range r.Edges {
		count[e.Type]++
	}
	// per unit of 10: USES 3, CONNECTED_TO 1, SECURED_BY 2, ROUTES_VIA 1, HAS_PUBLIC_IP 1, SENDS_DIAGNOSTICS_TO 1,
	// USES_IDENTITY 1; REFERENCES 1: the VNet's subnet ipConfigurations -> NIC (the PIP's ipConfiguration -> NIC and
	// the disks' managed_by -> VM are dropped: HAS_PUBLIC_IP and USES join those pairs).
	want := map[graph.EdgeType]int{graph.EdgeUses: 300, graph.EdgeConnectedTo: 100, graph.EdgeSecuredBy: 200, graph.EdgeRoutesVia: 100,
		graph.EdgeHasPublicIP: 100, graph.EdgeSendsDiagnosticsTo: 100, graph.EdgeUsesIdentity: 100, graph.EdgeReferences: 100}
	for _, e := range ofType(r.Edges, graph.EdgeReferences) {
		if e.FromLabel != graph.LabelResource || e.Props[graph.PropPath] != "properties.subnets[0].properties.ipConfigurations[0].id" {
			t.Errorf("unexpected reference %v", es([]graph.Edge{e}))
			break
		}
	}
	for et, n := range want {
		if count[et] != n {
			t.Errorf("%s: %d edges, want %d", et, count[et], n)
		}
	}
}

func BenchmarkApplyAll100k(b *testing.B) {
	nodes := synthetic(100_000)
	idx := NewIndex(nodes...)
	b.ResetTimer()
	var edges int
	start := time.Now()
	for i := 0; i < b.N; i++ {
		edges = len(ApplyAll(nodes, idx).Edges)
	}
	el := time.Since(start)
	b.ReportMetric(float64(edges), "edges/op")
	b.ReportMetric(float64(edges)*float64(b.N)/el.Seconds(), "edges/s")
	b.ReportMetric(float64(len(nodes))*float64(b.N)/el.Seconds(), "nodes/s")
}
