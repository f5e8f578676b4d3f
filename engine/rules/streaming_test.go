package rules

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// Streaming over chunks of any size gives exactly ApplyAll's result: every example payload
// plus nodes that reference each other across chunk boundaries.
func TestStreamingEqualsApplyAll(t *testing.T) {
	var nodes []graph.Node
	for _, f := range armFiles(t) {
		nodes = append(nodes, loadNode(t, f))
	}
	want := ApplyAll(nodes, nil)
	if len(want.Edges) == 0 || len(want.Nodes) == 0 {
		t.Fatalf("ApplyAll derived %d edges and %d shared nodes: nothing to compare", len(want.Edges), len(want.Nodes))
	}
	for _, size := range []int{1, 7, 64, len(nodes)} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			st := NewStreaming(NewIndex(nodes...))
			for lo := 0; lo < len(nodes); lo += size {
				st.Add(nodes[lo:min(lo+size, len(nodes))])
			}
			got := st.Result()
			if !reflect.DeepEqual(got.Edges, want.Edges) {
				t.Errorf("edges: %d streamed vs %d at once", len(got.Edges), len(want.Edges))
			}
			if !reflect.DeepEqual(got.Nodes, want.Nodes) {
				t.Errorf("shared nodes: %d streamed vs %d at once", len(got.Nodes), len(want.Nodes))
			}
		})
	}
}

// SharedNodes derives exactly ApplyAll's shared nodes, and the rules it runs are never
// limited to types (it applies them by label only).
func TestSharedNodesEqualApplyAll(t *testing.T) {
	for _, r := range Named {
		if (r.ToLabel == graph.LabelTag || r.ToLabel == graph.LabelRegion) && len(r.Types) > 0 {
			t.Errorf("rule %s derives shared nodes but is limited to types %v", r.Name, r.Types)
		}
	}
	var nodes []graph.Node
	for _, f := range armFiles(t) {
		nodes = append(nodes, loadNode(t, f))
	}
	want := ApplyAll(nodes, nil).Nodes
	got := SharedNodes(nodes)
	if len(want) == 0 || !reflect.DeepEqual(got, want) {
		t.Fatalf("SharedNodes: %d nodes, ApplyAll: %d", len(got), len(want))
	}
}

// Streaming keeps edges packed in blocks: a stream deriving more edges than a block holds
// (large groups, in several tenants) still gives exactly ApplyAll's result.
func TestStreamingManyEdgesEqualsApplyAll(t *testing.T) {
	var nodes []graph.Node
	for _, tenant := range []string{"t1", "t2"} {
		for g := range 3 {
			var members []any
			for u := range streamBlock/2 + 17 {
				members = append(members, map[string]any{"id": fmt.Sprintf("user-%06d", u*3+g), "type": "user"})
			}
			nodes = append(nodes, graph.Node{Label: graph.LabelGroup, ID: fmt.Sprintf("group-%d", g), TenantID: tenant,
				Props: map[string]any{"members": members}})
		}
	}
	want := ApplyAll(nodes, nil)
	if len(want.Edges) <= 2*streamBlock {
		t.Fatalf("only %d edges: the test needs several blocks", len(want.Edges))
	}
	st := NewStreaming(NewIndex(nodes...))
	for _, n := range nodes {
		st.Add([]graph.Node{n})
	}
	got := st.Result()
	if !reflect.DeepEqual(got.Edges, want.Edges) {
		t.Fatalf("edges: %d streamed vs %d at once", len(got.Edges), len(want.Edges))
	}
}
