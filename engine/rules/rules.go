package rules

import (
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Result of applying rules to nodes: extra shared nodes (Tag, Region) and edges.
type Result struct {
	Nodes []graph.Node
	Edges []graph.Edge
}

// Rule is one named relationship rule: which nodes it reads (label and, for ARM objects,
// lower-cased types; none = every type), the edge it derives and where the evidence sits.
type Rule struct {
	Name      string
	Edge      graph.EdgeType
	FromLabel graph.Label // label of the node whose JSON carries the evidence
	Types     []string    // lower-cased ARM types of that node; empty = any
	ToLabel   graph.Label // label of the target; "" when it depends on the evidence
	Evidence  string
	apply     func(*ctx)
}

// ctx is the state of applying rules to one node.
type ctx struct {
	n        graph.Node
	self     string
	typ      string
	idx      Index
	edges    []graph.Edge
	nodes    []graph.Node
	seen     map[string]struct{} // edge keys already recorded
	named    map[string]struct{} // unordered pairs with a named edge
	consumed map[string]struct{} // targets named rules took from this node's JSON
	hits     []hit
	walked   bool
}

func pairKey(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "\x00" + b
}

// edge records a named edge; self-loops and empty endpoints are dropped.
func (c *ctx) edge(t graph.EdgeType, fl graph.Label, from string, tl graph.Label, to string) {
	if from == "" || to == "" || from == to || fl == "" || tl == "" {
		return
	}
	e := graph.Edge{Type: t, FromLabel: fl, From: from, ToLabel: tl, To: to, TenantID: c.n.TenantID}
	if _, dup := c.seen[e.Key()]; dup {
		return
	}
	c.seen[e.Key()] = struct{}{}
	c.edges = append(c.edges, e)
	c.named[pairKey(from, to)] = struct{}{}
	c.consumed[to] = struct{}{}
	c.consumed[from] = struct{}{}
}

// out records a named edge from this node.
func (c *ctx) out(t graph.EdgeType, tl graph.Label, to string) {
	c.edge(t, c.n.Label, c.self, tl, to)
}

// target resolves an ARM id string for a named rule: its key and label (the index's label
// when the node is known, else the label certain from the id). wantType, when set, must be
// the lower-cased ARM type of the id.
func (c *ctx) target(raw, wantType string) (string, graph.Label, bool) {
	if strings.TrimSpace(raw) == "" {
		return "", "", false
	}
	a, ok := ParseID(raw)
	if !ok {
		return "", "", false
	}
	if wantType != "" && a.Type() != wantType {
		return "", "", false
	}
	if c.idx != nil {
		if l, ok := c.idx.Lookup(a.ID); ok {
			return a.ID, l, true
		}
	}
	return a.ID, a.Label(), true
}

// outID records a named edge from this node to the ARM id raw (see target).
func (c *ctx) outID(t graph.EdgeType, raw, wantType string) {
	if id, l, ok := c.target(raw, wantType); ok {
		c.out(t, l, id)
	}
}

// props returns the node's ARM properties object.
func (c *ctx) props() any { return c.n.Props[graph.PropProperties] }

// walk returns the ARM-id and vault hits of the node's JSON (computed once).
func (c *ctx) walk() []hit {
	if c.walked {
		return c.hits
	}
	c.walked = true
	switch c.n.Label {
	case graph.LabelUser, graph.LabelGroup, graph.LabelServicePrincipal, graph.LabelApplication,
		graph.LabelTag, graph.LabelRegion, graph.LabelTenant:
		return nil
	}
	for k, v := range c.n.Props {
		if skipWalk[k] {
			continue
		}
		c.hits = walkHits(k, v, c.hits)
	}
	return c.hits
}

// props a walk never reads: identity, naming and bookkeeping fields.
var skipWalk = map[string]bool{
	graph.PropID: true, graph.PropName: true, graph.PropType: true, graph.PropTypeDisplay: true,
	graph.PropLocation: true, graph.PropResourceGroup: true, graph.PropSubscription: true,
	graph.PropTags: true, graph.PropSystemData: true, graph.PropAPIVersion: true, "tenant_id": true,
	"first_seen": true, "last_seen": true, graph.PropOutOfScope: true,
}

// rule dispatch, built from Named
var (
	rulesByType  map[string][]*Rule      // lower-cased ARM type -> rules
	rulesByLabel map[graph.Label][]*Rule // label -> rules for any type
)

func init() {
	rulesByType = map[string][]*Rule{}
	rulesByLabel = map[graph.Label][]*Rule{}
	for i := range Named {
		r := &Named[i]
		if len(r.Types) == 0 {
			rulesByLabel[r.FromLabel] = append(rulesByLabel[r.FromLabel], r)
			continue
		}
		for _, t := range r.Types {
			rulesByType[t] = append(rulesByType[t], r)
		}
	}
}

// Apply derives all edges evidenced by one node's JSON. Named rules emit edges even when the
// target is not in idx only if the target label is certain from the id (an ARM id, an object
// id whose principal type is stated); the REFERENCES fallback only emits edges to ids present
// in idx. Named rules take precedence: no REFERENCES edge duplicates a named edge between the
// same pair (in either direction), and no REFERENCES edge goes to the node's own ancestors or
// descendants (CONTAINS covers them). Edges are sorted by (Type, From, To); Result.Nodes holds
// the Tag and Region nodes the edges point to. idx may be nil. If idx implements
// VaultResolver, vault URIs and @Microsoft.KeyVault references resolve to vaults; if it
// implements RoleDefinitionResolver, role definitions resolve by GUID.
func Apply(n graph.Node, idx Index) Result {
	r := apply(n, idx)
	sortEdges(r.Edges)
	sortNodes(r.Nodes)
	return r
}

func apply(n graph.Node, idx Index) Result {
	c := &ctx{n: n, idx: idx, seen: map[string]struct{}{}, named: map[string]struct{}{}, consumed: map[string]struct{}{}}
	c.self = n.ID
	switch n.Label {
	case graph.LabelTag, graph.LabelRegion:
		return Result{}
	case graph.LabelUser, graph.LabelGroup, graph.LabelServicePrincipal, graph.LabelApplication, graph.LabelTenant:
		c.self = strings.ToLower(strings.TrimSpace(n.ID))
	default:
		c.self = cleanID(n.ID)
	}
	if c.self == "" {
		return Result{}
	}
	c.typ = strings.ToLower(str(n.Props[graph.PropType]))
	if c.typ == "" && (n.Label == graph.LabelResource) {
		if a, ok := ParseID(c.self); ok {
			c.typ = a.Type()
		}
	}
	if n.Label == graph.LabelResource {
		for _, r := range rulesByType[c.typ] {
			r.apply(c)
		}
	}
	for _, r := range rulesByLabel[n.Label] {
		r.apply(c)
	}
	references(c)
	return Result{Nodes: c.nodes, Edges: c.edges}
}

// references is the REFERENCES fallback: every ARM id in the node's JSON that resolves
// (exactly, or by its closest enclosing resource, never as far up as a resource group) to a
// node in idx that is not this node, its ancestor or descendant, nor the target of a named
// rule from this node. The edge keeps the JSON path (the smallest, if several).
func references(c *ctx) {
	if c.idx == nil {
		return
	}
	best := map[string]int{} // target -> index in c.edges
	for _, h := range c.walk() {
		for _, a := range h.ids {
			to, l, ok := resolveKnown(a, c.idx)
			if !ok || related(to, c.self) {
				continue
			}
			if _, ok := c.consumed[to]; ok {
				continue
			}
			if _, ok := c.named[pairKey(c.self, to)]; ok {
				continue
			}
			if i, ok := best[to]; ok {
				if h.path < c.edges[i].Props[graph.PropPath].(string) {
					c.edges[i].Props[graph.PropPath] = h.path
				}
				continue
			}
			best[to] = len(c.edges)
			c.edges = append(c.edges, graph.Edge{Type: graph.EdgeReferences, FromLabel: c.n.Label, From: c.self,
				ToLabel: l, To: to, TenantID: c.n.TenantID, Props: map[string]any{graph.PropPath: h.path}})
		}
	}
}

// resolveKnown finds the longest prefix of a (at a named level, not above the first provider
// level unless the id itself is a subscription or resource group) that idx knows.
func resolveKnown(a ARMID, idx Index) (string, graph.Label, bool) {
	for i := len(a.Levels) - 1; i >= 0; i-- {
		lv := a.Levels[i]
		if lv.Block < 0 && i != len(a.Levels)-1 {
			break
		}
		id := a.ID[:lv.End]
		if l, ok := idx.Lookup(id); ok {
			return id, l, true
		}
	}
	return "", "", false
}

// ApplyAll runs Apply over nodes, deduplicates, and returns edges sorted by (Type, From, To)
// and shared nodes sorted by (Label, ID). The index used is idx overlaid with nodes, so
// references between the given nodes resolve even when idx is nil or lacks them. Across
// nodes, a REFERENCES edge is dropped when any named edge joins the same pair.
func ApplyAll(nodes []graph.Node, idx Index) Result {
	ov := overlay{base: idx, own: NewIndex(nodes...)}
	edges := make(map[string]graph.Edge, len(nodes)*4)
	shared := map[string]graph.Node{}
	named := map[string]struct{}{}
	for _, n := range nodes {
		r := apply(n, ov)
		for _, e := range r.Edges {
			k := e.TenantID + "|" + e.Key()
			if old, ok := edges[k]; ok && e.Type == graph.EdgeReferences {
				if str(e.Props[graph.PropPath]) >= str(old.Props[graph.PropPath]) {
					continue
				}
			} else if ok {
				continue
			}
			edges[k] = e
			if e.Type != graph.EdgeReferences {
				named[e.TenantID+"|"+pairKey(e.From, e.To)] = struct{}{}
			}
		}
		for _, sn := range r.Nodes {
			shared[sn.TenantID+"|"+string(sn.Label)+"|"+sn.ID] = sn
		}
	}
	out := Result{Edges: make([]graph.Edge, 0, len(edges)), Nodes: make([]graph.Node, 0, len(shared))}
	for _, e := range edges {
		if e.Type == graph.EdgeReferences {
			if _, ok := named[e.TenantID+"|"+pairKey(e.From, e.To)]; ok {
				continue
			}
		}
		out.Edges = append(out.Edges, e)
	}
	for _, n := range shared {
		out.Nodes = append(out.Nodes, n)
	}
	sortEdges(out.Edges)
	sortNodes(out.Nodes)
	return out
}

func sortEdges(es []graph.Edge) {
	sort.Slice(es, func(i, j int) bool {
		a, b := es[i], es[j]
		if a.TenantID != b.TenantID {
			return a.TenantID < b.TenantID
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return str(a.Props[graph.PropPath]) < str(b.Props[graph.PropPath])
	})
}

func sortNodes(ns []graph.Node) {
	sort.Slice(ns, func(i, j int) bool {
		a, b := ns[i], ns[j]
		if a.TenantID != b.TenantID {
			return a.TenantID < b.TenantID
		}
		if a.Label != b.Label {
			return a.Label < b.Label
		}
		return a.ID < b.ID
	})
}
