package boltstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
)

// benchGraph returns n Resource nodes (~1 kB of props each, the usual envelope) spread over
// 10 subscriptions x 20 resource groups, and 2 edges per node.
func benchGraph(n int) ([]graph.Node, []graph.Edge) {
	nodes := make([]graph.Node, n)
	edges := make([]graph.Edge, 0, 2*n)
	for i := range nodes {
		sub, rg := fmt.Sprintf("%08d-0000-0000-0000-000000000000", i%10), fmt.Sprintf("rg-%02d", i%20)
		nd := graphtest.Resource(sub, rg, "Microsoft.Network/networkInterfaces", fmt.Sprintf("nic-%06d", i))
		nd.Props["properties"] = map[string]any{"ipConfigurations": []any{map[string]any{
			"name": "ipconfig1", "id": nd.Props["id"].(string) + "/ipConfigurations/ipconfig1",
			"properties": map[string]any{"privateIPAddress": fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
				"privateIPAllocationMethod": "Dynamic", "subnet": map[string]any{"id": "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"},
				"primary": true, "privateIPAddressVersion": "IPv4"}}},
			"enableAcceleratedNetworking": false, "enableIPForwarding": false, "provisioningState": "Succeeded",
			"macAddress": "00-0D-3A-00-00-00", "nicType": "Standard"}
		nd.Props["tags"] = map[string]any{"env": "prod", "owner": "team-" + rg}
		nodes[i] = nd
	}
	for i := range nodes {
		edges = append(edges, graphtest.E(graph.EdgeReferences, nodes[i], nodes[(i+1)%n]), graphtest.E(graph.EdgeUses, nodes[i], nodes[(i*7+3)%n]))
	}
	return nodes, edges
}

// BenchmarkIngest100k writes 100k nodes and 200k edges in batches of 1000 (one transaction each,
// fsync on), the way a scan's graph sink calls the store.
func BenchmarkIngest100k(b *testing.B) {
	const n, batch = 100_000, 1000
	nodes, edges := benchGraph(n)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(filepath.Join(b.TempDir(), "graph.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Init(ctx); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		for j := 0; j < n; j += batch {
			if err := s.UpsertNodes(ctx, "bench", "scan-1", nodes[j:j+batch]); err != nil {
				b.Fatal(err)
			}
		}
		nodeDur := time.Since(start)
		for j := 0; j < len(edges); j += batch {
			if sk, err := s.UpsertEdges(ctx, "bench", "scan-1", edges[j:j+batch]); err != nil || sk != 0 {
				b.Fatal(sk, err)
			}
		}
		total := time.Since(start)
		b.ReportMetric(float64(n)/nodeDur.Seconds(), "nodes/s")
		b.ReportMetric(float64(n+len(edges))/total.Seconds(), "nodes+edges/s")
		b.StopTimer()
		st, err := s.Stats(ctx, "bench")
		if err != nil || st.Nodes["Resource"] != n {
			b.Fatal(st.Nodes, err)
		}
		s.Close(ctx)
		b.StartTimer()
	}
}

// BenchmarkReadAndCleanup100k measures Stats, a full Nodes walk and a whole-tenant DeleteStale
// over 100k nodes / 200k edges.
func BenchmarkReadAndCleanup100k(b *testing.B) {
	const n = 100_000
	nodes, edges := benchGraph(n)
	ctx := context.Background()
	s, err := Open(filepath.Join(b.TempDir(), "graph.db"), Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close(ctx)
	if err := s.Init(ctx); err != nil {
		b.Fatal(err)
	}
	if err := s.UpsertNodes(ctx, "bench", "scan-1", nodes); err != nil {
		b.Fatal(err)
	}
	if _, err := s.UpsertEdges(ctx, "bench", "scan-1", edges); err != nil {
		b.Fatal(err)
	}
	b.Run("Stats", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := s.Stats(ctx, "bench"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NodesWalk", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			c := 0
			if err := s.Nodes(ctx, "bench", graph.NodeQuery{}, func(graph.Node) error { c++; return nil }); err != nil || c != n {
				b.Fatal(c, err)
			}
		}
	})
	b.Run("DeleteStaleNothingStale", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if res, err := s.DeleteStale(ctx, "bench", "scan-1", graph.Scope{}); err != nil || res.Nodes != 0 {
				b.Fatal(res, err)
			}
		}
	})
}
