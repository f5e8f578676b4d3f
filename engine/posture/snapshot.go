package posture

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Graph is a read-only, in-memory snapshot of one tenant's graph, loaded through the
// graph.Store interface (so posture works the same on the embedded store and on Neo4j). Rules
// and the attack-path search read it; nothing writes back.
type Graph struct {
	TenantID string
	nodes    map[string]*graph.Node
	out      map[string][]graph.Edge // from key -> edges
	in       map[string][]graph.Edge // to key -> edges
	byType   map[string][]*graph.Node
	byLabel  map[graph.Label][]*graph.Node
}

// Load reads every node and edge of the tenant.
func Load(ctx context.Context, s graph.Store, tenantID string) (*Graph, error) {
	t, err := graph.CheckTenant(tenantID)
	if err != nil {
		return nil, err
	}
	g := newGraph(t)
	if err := s.Nodes(ctx, t, graph.NodeQuery{}, func(n graph.Node) error { g.addNode(n); return nil }); err != nil {
		return nil, fmt.Errorf("posture: reading nodes: %w", err)
	}
	if err := s.Edges(ctx, t, graph.EdgeQuery{}, func(e graph.Edge) error { g.addEdge(e); return nil }); err != nil {
		return nil, fmt.Errorf("posture: reading edges: %w", err)
	}
	g.sortIndexes()
	return g, nil
}

// FromParts builds a snapshot from nodes and edges already in memory (tests, exports).
func FromParts(tenantID string, nodes []graph.Node, edges []graph.Edge) *Graph {
	g := newGraph(graph.NormalizeTenantID(tenantID))
	for _, n := range nodes {
		n.ID = graph.NormalizeID(n.ID)
		g.addNode(n)
	}
	for _, e := range edges {
		e.From, e.To = graph.NormalizeID(e.From), graph.NormalizeID(e.To)
		if g.nodes[e.From] != nil && g.nodes[e.To] != nil {
			g.addEdge(e)
		}
	}
	g.sortIndexes()
	return g
}

func newGraph(t string) *Graph {
	return &Graph{TenantID: t, nodes: map[string]*graph.Node{}, out: map[string][]graph.Edge{}, in: map[string][]graph.Edge{},
		byType: map[string][]*graph.Node{}, byLabel: map[graph.Label][]*graph.Node{}}
}

func (g *Graph) addNode(n graph.Node) {
	nn := n
	if nn.Props == nil {
		nn.Props = map[string]any{}
	}
	g.nodes[n.ID] = &nn
	g.byLabel[n.Label] = append(g.byLabel[n.Label], &nn)
	if n.Label == graph.LabelResource {
		t := strings.ToLower(str(nn.Props[graph.PropType]))
		g.byType[t] = append(g.byType[t], &nn)
	}
}

func (g *Graph) addEdge(e graph.Edge) {
	g.out[e.From] = append(g.out[e.From], e)
	g.in[e.To] = append(g.in[e.To], e)
}

func (g *Graph) sortIndexes() {
	for _, l := range g.byLabel {
		sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID })
	}
	for _, l := range g.byType {
		sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID })
	}
}

// Node returns a node by key (lower-cased ARM id or object id).
func (g *Graph) Node(id string) *graph.Node { return g.nodes[graph.NormalizeID(id)] }

// NodeCount is the number of nodes in the snapshot.
func (g *Graph) NodeCount() int { return len(g.nodes) }

// OfType returns the Resource nodes of the given lower-cased ARM types, in id order.
func (g *Graph) OfType(types ...string) []*graph.Node {
	if len(types) == 1 {
		return g.byType[types[0]]
	}
	var out []*graph.Node
	for _, t := range types {
		out = append(out, g.byType[t]...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// OfLabel returns the nodes of a label, in id order.
func (g *Graph) OfLabel(l graph.Label) []*graph.Node { return g.byLabel[l] }

// Out returns the targets of id's outgoing edges of type t (all types when t is empty).
func (g *Graph) Out(id string, t graph.EdgeType) []*graph.Node {
	var out []*graph.Node
	for _, e := range g.out[id] {
		if t == "" || e.Type == t {
			if n := g.nodes[e.To]; n != nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// In returns the sources of id's incoming edges of type t.
func (g *Graph) In(id string, t graph.EdgeType) []*graph.Node {
	var out []*graph.Node
	for _, e := range g.in[id] {
		if t == "" || e.Type == t {
			if n := g.nodes[e.From]; n != nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// OutEdges and InEdges return the raw edges of a node.
func (g *Graph) OutEdges(id string) []graph.Edge { return g.out[id] }
func (g *Graph) InEdges(id string) []graph.Edge  { return g.in[id] }

// typeOf is a node's lower-cased ARM type ("" for non-resources).
func typeOf(n *graph.Node) string {
	if n == nil || n.Label != graph.LabelResource {
		return ""
	}
	return strings.ToLower(str(n.Props[graph.PropType]))
}

// displayID is the node's original-casing id when it has one, else its key.
func displayID(n *graph.Node) string {
	if n == nil {
		return ""
	}
	if s := str(n.Props[graph.PropID]); s != "" {
		return s
	}
	return n.ID
}

// displayName is a human name for a node.
func displayName(n *graph.Node) string {
	if n == nil {
		return ""
	}
	for _, k := range []string{"display_name", "user_principal_name", graph.PropName, "role_name"} {
		if s := str(n.Props[k]); s != "" {
			return s
		}
	}
	return n.ID
}

// get reads a path ("properties.networkAcls.defaultAction") in a node's props, keys matched
// case-insensitively (ARM property names are in practice).
func get(n *graph.Node, path string) any {
	if n == nil {
		return nil
	}
	return jsonpath.GetFold(n.Props, path)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func list(v any) []any {
	a, _ := v.([]any)
	return a
}

// boolOf reads a JSON bool, also accepting "true"/"false" strings; ok is false when absent.
func boolOf(v any) (b, ok bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(x) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}
