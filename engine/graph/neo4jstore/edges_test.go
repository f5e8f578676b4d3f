package neo4jstore

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
)

// TestUpsertEdgesConstraintFallback: the CREATE fast path meets the uid constraint when a batch
// holds an edge twice and when two writers create the same edges at once; either way the batch
// is merged instead, and the graph holds each edge once, with no error.
func TestUpsertEdgesConstraintFallback(t *testing.T) {
	s := openTest(t, Options{EdgeConcurrency: 2})
	ctx := context.Background()
	tenant := fmt.Sprintf("fallback-%d", time.Now().UnixNano())
	t.Cleanup(func() { _ = s.DeleteTenant(context.Background(), tenant) })
	nodes, edges := benchGraph(600)
	if err := s.UpsertNodes(ctx, tenant, "scan-1", nodes); err != nil {
		t.Fatal(err)
	}
	count := func() map[string]int {
		got := map[string]int{}
		if err := s.Edges(ctx, tenant, graph.EdgeQuery{}, func(e graph.Edge) error { got[e.Key()]++; return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	// One edge twice in one call.
	dup := []graph.Edge{edges[0], edges[1], edges[0]}
	if sk, err := s.UpsertEdges(ctx, tenant, "scan-1", dup); err != nil || sk != 0 {
		t.Fatalf("UpsertEdges(duplicate): skipped %d, %v", sk, err)
	}
	if got := count(); len(got) != 2 || got[edges[0].Key()] != 1 {
		t.Fatalf("after a duplicate in one call: %v", got)
	}
	// Two writers, the same edges, at once.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[w] = s.UpsertEdges(ctx, tenant, fmt.Sprintf("scan-%d", w+2), edges)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("concurrent UpsertEdges: %v", err)
		}
	}
	got := count()
	want := map[string]bool{}
	for _, e := range edges {
		want[graphtest.E(e.Type, graph.Node{Label: e.FromLabel, ID: e.From}, graph.Node{Label: e.ToLabel, ID: e.To}).Key()] = true
	}
	if len(got) != len(want) {
		t.Fatalf("%d distinct edges, want %d", len(got), len(want))
	}
	for k, n := range got {
		if n != 1 {
			t.Errorf("edge %s stored %d times", k, n)
		}
	}
}
