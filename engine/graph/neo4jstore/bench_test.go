package neo4jstore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
)

// benchGraph returns n Resource nodes with the usual envelope (~1 kB) and 2 edges per node.
func benchGraph(n int) ([]graph.Node, []graph.Edge) {
	nodes := make([]graph.Node, n)
	for i := range nodes {
		sub, rg := fmt.Sprintf("%08d-0000-0000-0000-000000000000", i%10), fmt.Sprintf("rg-%02d", i%20)
		nd := graphtest.Resource(sub, rg, "Microsoft.Network/networkInterfaces", fmt.Sprintf("nic-%06d", i))
		nd.Props["properties"] = map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig1",
			"properties": map[string]any{"privateIPAddress": fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
				"subnet": map[string]any{"id": "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"}}}},
			"provisioningState": "Succeeded", "macAddress": "00-0D-3A-00-00-00"}
		nd.Props["tags"] = map[string]any{"env": "prod", "owner": "team-" + rg}
		nodes[i] = nd
	}
	edges := make([]graph.Edge, 0, 2*n)
	for i := range nodes {
		edges = append(edges, graphtest.E(graph.EdgeReferences, nodes[i], nodes[(i+1)%n]), graphtest.E(graph.EdgeUses, nodes[i], nodes[(i*7+3)%n]))
	}
	return nodes, edges
}

// BenchmarkIngest compares, in one run, the store's ingest (UNWIND … MERGE with constraints,
// first/last seen, JSON props) of 20k nodes + 40k edges with a bare UNWIND … CREATE loader
// writing the same property maps (and MATCH-by-index + CREATE for the relationships).
// Run: make neo4j-up; go test -run XXX -bench Ingest -benchtime 1x ./engine/graph/neo4jstore
func BenchmarkIngest(b *testing.B) {
	const n, batch = 20_000, 1000
	s := openTest(b, Options{})
	ctx := context.Background()
	nodes, edges := benchGraph(n)
	b.Run("Store", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			tenant := fmt.Sprintf("bench-%d-%d", time.Now().UnixNano(), i)
			start := time.Now()
			for j := 0; j < n; j += batch {
				if err := s.UpsertNodes(ctx, tenant, "scan-1", nodes[j:j+batch]); err != nil {
					b.Fatal(err)
				}
			}
			nodesDone := time.Since(start)
			for j := 0; j < len(edges); j += batch {
				if sk, err := s.UpsertEdges(ctx, tenant, "scan-1", edges[j:j+batch]); err != nil || sk != 0 {
					b.Fatal(sk, err)
				}
			}
			d := time.Since(start)
			b.ReportMetric(float64(n+len(edges))/d.Seconds(), "nodes+edges/s")
			b.ReportMetric(float64(n)/nodesDone.Seconds(), "nodes/s")
			b.ReportMetric(float64(len(edges))/(d-nodesDone).Seconds(), "edges/s")
			b.StopTimer()
			if err := s.DeleteTenant(ctx, tenant); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("BareUNWIND", func(b *testing.B) {
		if _, err := s.writeCount(ctx, "CREATE INDEX bench_uid IF NOT EXISTS FOR (n:Bench) ON (n.uid)", nil, ""); err != nil {
			b.Fatal(err)
		}
		if _, err := s.writeCount(ctx, "CALL db.awaitIndexes(300)", nil, ""); err != nil {
			b.Fatal(err)
		}
		defer func() {
			for {
				c, err := s.writeCount(ctx, "MATCH (n:Bench) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS c", nil, "c")
				if err != nil || c == 0 {
					break
				}
			}
			_, _ = s.writeCount(ctx, "DROP INDEX bench_uid IF EXISTS", nil, "")
		}()
		for i := 0; i < b.N; i++ {
			start := time.Now()
			// The loader too turns nested props into JSON strings (Neo4j stores no maps).
			nodeRows := make([]map[string]any, n)
			for i, nd := range nodes {
				p, err := graph.EncodeStoredProps(nd.Props)
				if err != nil {
					b.Fatal(err)
				}
				p["uid"] = nd.ID
				nodeRows[i] = map[string]any{"props": p}
			}
			edgeRows := make([]map[string]any, len(edges))
			for i, e := range edges {
				edgeRows[i] = map[string]any{"from": e.From, "to": e.To}
			}
			for j := 0; j < n; j += batch {
				if _, err := s.writeCount(ctx, "UNWIND $rows AS r CREATE (n:Bench) SET n = r.props", map[string]any{"rows": nodeRows[j : j+batch]}, ""); err != nil {
					b.Fatal(err)
				}
			}
			nodesDone := time.Since(start)
			for j := 0; j < len(edgeRows); j += batch {
				if _, err := s.writeCount(ctx, "UNWIND $rows AS r MATCH (a:Bench {uid: r.from}) MATCH (b:Bench {uid: r.to}) CREATE (a)-[:BENCH_REL]->(b)",
					map[string]any{"rows": edgeRows[j : j+batch]}, ""); err != nil {
					b.Fatal(err)
				}
			}
			d := time.Since(start)
			b.ReportMetric(float64(n+len(edges))/d.Seconds(), "nodes+edges/s")
			b.ReportMetric(float64(n)/nodesDone.Seconds(), "nodes/s")
			b.ReportMetric(float64(len(edges))/(d-nodesDone).Seconds(), "edges/s")
			b.StopTimer()
			for {
				c, err := s.writeCount(ctx, "MATCH (n:Bench) WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS c", nil, "c")
				if err != nil {
					b.Fatal(err)
				}
				if c == 0 {
					break
				}
			}
			b.StartTimer()
		}
	})
}
