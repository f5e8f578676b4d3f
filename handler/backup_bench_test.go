package handler

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/handler/executors"
)

// BenchmarkBackupRestore100k backs up a 100k-node / 200k-edge tenant of the embedded store
// (export -> gzip -> backup store in memory) and restores it into an empty tenant:
//
//	go test -run '^$' -bench BackupRestore -benchtime 1x ./handler/
func BenchmarkBackupRestore100k(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	s := openBoltTB(b)
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
	for j := 0; j < n; j += 5000 {
		if err := s.UpsertNodes(ctx, "bench", "scan-1", nodes[j:j+5000]); err != nil {
			b.Fatal(err)
		}
	}
	for j := 0; j < len(edges); j += 5000 {
		if _, err := s.UpsertEdges(ctx, "bench", "scan-1", edges[j:j+5000]); err != nil {
			b.Fatal(err)
		}
	}
	st := newMemBackups()
	bk := &executors.Backuper{Graph: s, Store: st}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		out, err := bk.Backup(ctx, "bench", time.Now(), "")
		if err != nil {
			b.Fatal(err)
		}
		backup := time.Since(start)
		target := fmt.Sprintf("restored-%d", i)
		start = time.Now()
		res, err := executors.Restore(ctx, s, st, out.Name, target, true)
		if err != nil || res.Nodes != n || res.Edges != 2*n {
			b.Fatal(res, err)
		}
		restore := time.Since(start)
		b.ReportMetric(float64(3*n)/backup.Seconds(), "backup-nodes+edges/s")
		b.ReportMetric(float64(3*n)/restore.Seconds(), "restore-nodes+edges/s")
		b.ReportMetric(float64(out.Size)/(1<<20), "MiB-gz")
		b.StopTimer()
		_ = st.Delete(ctx, out.Name)
		if err := s.DeleteTenant(ctx, target); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
