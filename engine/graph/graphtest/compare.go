package graphtest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// Snapshot is a tenant's graph keyed for comparison: every node by (label, id) and every edge
// by its key, each with its properties as canonical JSON. Scan ids (first/last seen) are left
// out: two scans of the same tenant differ there by design, and so is the ScanState node (when
// each scan started, its delta links).
type Snapshot struct {
	Nodes map[string]string
	Edges map[string]string
}

// TakeSnapshot reads every node and edge of tenant from s.
func TakeSnapshot(ctx context.Context, s graph.Store, tenant string) (Snapshot, error) {
	snap := Snapshot{Nodes: map[string]string{}, Edges: map[string]string{}}
	err := s.Nodes(ctx, tenant, graph.NodeQuery{}, func(n graph.Node) error {
		if n.Label == graph.LabelScanState {
			return nil
		}
		b, err := json.Marshal(n.Props) // map keys sorted: canonical
		if err != nil {
			return fmt.Errorf("node %s: %w", n.ID, err)
		}
		snap.Nodes[string(n.Label)+" "+n.ID] = string(b)
		return nil
	})
	if err != nil {
		return snap, fmt.Errorf("reading nodes: %w", err)
	}
	err = s.Edges(ctx, tenant, graph.EdgeQuery{}, func(e graph.Edge) error {
		b, err := json.Marshal(e.Props)
		if err != nil {
			return fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		snap.Edges[fmt.Sprintf("%s %s:%s -> %s:%s", e.Type, e.FromLabel, e.From, e.ToLabel, e.To)] = string(b)
		return nil
	})
	if err != nil {
		return snap, fmt.Errorf("reading edges: %w", err)
	}
	return snap, nil
}

// MustSnapshot is TakeSnapshot that fails the test on error.
func MustSnapshot(t testing.TB, s graph.Store, tenant string) Snapshot {
	t.Helper()
	snap, err := TakeSnapshot(context.Background(), s, tenant)
	if err != nil {
		t.Fatalf("snapshot of %s: %v", tenant, err)
	}
	return snap
}

// Diff lists the differences between two snapshots key by key (missing, extra, changed
// properties), sorted; empty when they are equal.
func (a Snapshot) Diff(b Snapshot) []string {
	var out []string
	diff := func(kind string, x, y map[string]string) {
		for k, v := range x {
			w, ok := y[k]
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("%s only in the first: %s", kind, k))
			case v != w:
				out = append(out, fmt.Sprintf("%s %s differs:\n  first:  %.300s\n  second: %.300s", kind, k, v, w))
			}
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				out = append(out, fmt.Sprintf("%s only in the second: %s", kind, k))
			}
		}
	}
	diff("node", a.Nodes, b.Nodes)
	diff("edge", a.Edges, b.Edges)
	slices.Sort(out)
	return out
}

// RequireEqual fails the test with the first differences when the snapshots differ, and when
// the first is empty (an empty graph equals an empty graph, which proves nothing).
func RequireEqual(t testing.TB, what string, a, b Snapshot) {
	t.Helper()
	if len(a.Nodes) == 0 {
		t.Fatalf("%s: the first graph is empty", what)
	}
	if d := a.Diff(b); len(d) > 0 {
		if len(d) > 20 {
			d = append(d[:20], fmt.Sprintf("… and %d more", len(d)-20))
		}
		t.Fatalf("%s: %d nodes/%d edges vs %d/%d; differences:\n%s", what, len(a.Nodes), len(a.Edges), len(b.Nodes), len(b.Edges), joinLines(d))
	}
}

func joinLines(lines []string) string {
	s := ""
	for _, l := range lines {
		s += l + "\n"
	}
	return s
}
