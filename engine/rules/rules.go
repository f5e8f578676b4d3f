package rules

import (
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/atg-go/atg/engine/armid"
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
	selfID   armid.Key // parsed self (selfOK false for non-ARM keys)
	selfOK   bool
	typ      string
	idx      Index
	edges    []graph.Edge
	nodes    []graph.Node
	consumed []string // endpoints of named edges from this node's JSON
	// sets over edges/consumed, built once a node has many edges (a VNet with thousands of subnets)
	edgeSet     map[edgeKey]struct{}
	consumedSet map[string]struct{}
	// nodesOnly: derive shared nodes only (SharedNodes); edges are not built at all.
	nodesOnly bool
	hits      []hit
	walked    bool
}

// pair is an unordered pair of node keys.
type pair struct{ a, b string }

func pairOf(a, b string) pair {
	if a > b {
		a, b = b, a
	}
	return pair{a, b}
}

// edge records a named edge; self-loops and empty endpoints are dropped.
func (c *ctx) edge(t graph.EdgeType, fl graph.Label, from string, tl graph.Label, to string) {
	if c.nodesOnly || from == "" || to == "" || from == to || fl == "" || tl == "" {
		return
	}
	k := edgeKey{t, from, to}
	if c.edgeSet != nil {
		if _, dup := c.edgeSet[k]; dup {
			return
		}
	} else {
		for _, e := range c.edges {
			if e.Type == t && e.From == from && e.To == to {
				return
			}
		}
	}
	c.edges = append(c.edges, graph.Edge{Type: t, FromLabel: fl, From: from, ToLabel: tl, To: to, TenantID: c.n.TenantID})
	c.consumed = append(c.consumed, from, to)
	switch {
	case c.edgeSet != nil:
		c.edgeSet[k] = struct{}{}
	case len(c.edges) > smallSet:
		c.edgeSet = make(map[edgeKey]struct{}, 2*len(c.edges))
		for _, e := range c.edges {
			c.edgeSet[edgeKey{e.Type, e.From, e.To}] = struct{}{}
		}
	}
}

const smallSet = 32

type edgeKey struct {
	t        graph.EdgeType
	from, to string
}

// isConsumed reports whether a named edge from this node's JSON has id as an endpoint.
// It is called only after every named rule ran (the set is built once).
func (c *ctx) isConsumed(id string) bool {
	if len(c.consumed) <= 2*smallSet {
		return slices.Contains(c.consumed, id)
	}
	if c.consumedSet == nil {
		c.consumedSet = make(map[string]struct{}, len(c.consumed))
		for _, s := range c.consumed {
			c.consumedSet[s] = struct{}{}
		}
	}
	_, ok := c.consumedSet[id]
	return ok
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
	a, ok := armid.ParseKey(raw)
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
		graph.LabelDevice, graph.LabelDirectoryRole, graph.LabelAdministrativeUnit, graph.LabelTag, graph.LabelRegion, graph.LabelTenant:
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
	sharedByLabel = map[graph.Label][]*Rule{}
	for i := range Named {
		r := &Named[i]
		if r.ToLabel == graph.LabelTag || r.ToLabel == graph.LabelRegion { // never type-limited (TestSharedNodesEqualApplyAll)
			sharedByLabel[r.FromLabel] = append(sharedByLabel[r.FromLabel], r)
		}
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
	c := newCtx(n, idx)
	if c == nil {
		return Result{}
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

// sharedByLabel holds the rules that derive shared nodes (Tag, Region), by source label.
var sharedByLabel map[graph.Label][]*Rule

// SharedNodes returns the shared nodes (Tag, Region) the given nodes use, deduplicated and
// sorted — what a shard writes beside its own nodes — without deriving any edge.
func SharedNodes(nodes []graph.Node) []graph.Node {
	var out []graph.Node
	for _, n := range nodes {
		c := newCtx(n, nil)
		if c == nil {
			continue
		}
		c.nodesOnly = true
		for _, r := range sharedByLabel[n.Label] {
			r.apply(c)
		}
		out = append(out, c.nodes...)
	}
	return Merge(nil, out).Nodes
}

// newCtx prepares the state of applying rules to n; nil when n derives nothing.
func newCtx(n graph.Node, idx Index) *ctx {
	c := &ctx{n: n, idx: idx}
	c.self = n.ID
	switch n.Label {
	case graph.LabelTag, graph.LabelRegion:
		return nil
	case graph.LabelUser, graph.LabelGroup, graph.LabelServicePrincipal, graph.LabelApplication, graph.LabelTenant,
		graph.LabelDevice, graph.LabelDirectoryRole, graph.LabelAdministrativeUnit:
		c.self = strings.ToLower(strings.TrimSpace(n.ID))
	default:
		c.self = armid.CleanKey(n.ID)
	}
	if c.self == "" {
		return nil
	}
	switch n.Label {
	case graph.LabelResource, graph.LabelResourceGroup, graph.LabelSubscription, graph.LabelRoleAssignment, graph.LabelRoleDefinition:
		c.selfID, c.selfOK = armid.ParseKey(c.self)
	}
	c.typ = strings.ToLower(str(n.Props[graph.PropType]))
	if c.typ == "" && c.selfOK {
		c.typ = c.selfID.Type()
	}
	return c
}

// references is the REFERENCES fallback: every ARM id in the node's JSON that resolves
// (exactly, or by its closest enclosing resource, never as far up as a resource group) to a
// node in idx that is not this node, its ancestor or descendant, nor the target of a named
// rule from this node. The edge keeps the JSON path (the smallest, if several).
func references(c *ctx) {
	if c.idx == nil {
		return
	}
	named := len(c.edges)
	var byTarget map[string]int // target -> index in c.edges, for many references
	for _, h := range c.walk() {
	ids:
		for _, a := range h.ids {
			to, l, ok := resolveKnown(a, c.idx)
			if !ok || related(to, c.self) || c.isConsumed(to) {
				continue
			}
			// named edges join c.self only with consumed endpoints, so the pair check is done
			at := -1
			if byTarget != nil {
				if i, ok := byTarget[to]; ok {
					at = i
				}
			} else {
				for i := named; i < len(c.edges); i++ {
					if c.edges[i].To == to {
						at = i
						break
					}
				}
			}
			if at >= 0 {
				if h.path < c.edges[at].Props[graph.PropPath].(string) {
					c.edges[at].Props[graph.PropPath] = h.path
				}
				continue ids
			}
			c.edges = append(c.edges, graph.Edge{Type: graph.EdgeReferences, FromLabel: c.n.Label, From: c.self,
				ToLabel: l, To: to, TenantID: c.n.TenantID, Props: map[string]any{graph.PropPath: h.path}})
			switch {
			case byTarget != nil:
				byTarget[to] = len(c.edges) - 1
			case len(c.edges)-named > smallSet:
				byTarget = make(map[string]int, 2*(len(c.edges)-named))
				for i := named; i < len(c.edges); i++ {
					byTarget[c.edges[i].To] = i
				}
			}
		}
	}
}

// resolveKnown finds the longest prefix of a (at a named level, not above the first provider
// level unless the id itself is a subscription or resource group) that idx knows.
func resolveKnown(a armid.Key, idx Index) (string, graph.Label, bool) {
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
	all, shared := applyChunks(nodes, ov)
	return Merge(all, shared)
}

// Merge sorts and deduplicates derived edges and shared nodes: the first edge of each key
// (for REFERENCES, the smallest path), and a REFERENCES edge yields to any named edge
// joining the same pair. all and shared are reused.
func Merge(all []graph.Edge, shared []graph.Node) Result {
	// sort, then keep the first of each key (for REFERENCES, the smallest path)
	sortEdges(all)
	out := all[:0]
	refs := map[tpair]bool{}
	for _, e := range all {
		if len(out) > 0 {
			last := out[len(out)-1]
			if last.TenantID == e.TenantID && last.Type == e.Type && last.From == e.From && last.To == e.To {
				continue
			}
		}
		if e.Type == graph.EdgeReferences {
			refs[tpair{e.TenantID, pairOf(e.From, e.To)}] = false
		}
		out = append(out, e)
	}
	// a REFERENCES edge yields to any named edge joining the same pair
	if len(refs) > 0 {
		for _, e := range out {
			if e.Type != graph.EdgeReferences {
				k := tpair{e.TenantID, pairOf(e.From, e.To)}
				if _, ok := refs[k]; ok {
					refs[k] = true
				}
			}
		}
		kept := out[:0]
		for _, e := range out {
			if e.Type != graph.EdgeReferences || !refs[tpair{e.TenantID, pairOf(e.From, e.To)}] {
				kept = append(kept, e)
			}
		}
		out = kept
	}
	sortNodes(shared)
	nodesOut := shared[:0]
	for _, n := range shared {
		if len(nodesOut) > 0 {
			last := nodesOut[len(nodesOut)-1]
			if last.TenantID == n.TenantID && last.Label == n.Label && last.ID == n.ID {
				continue
			}
		}
		nodesOut = append(nodesOut, n)
	}
	return Result{Nodes: nodesOut, Edges: slices.Clip(out)}
}

// applyChunks applies rules to nodes, in parallel chunks for large inputs (the output is
// sorted afterwards, so chunking does not change the result).
func applyChunks(nodes []graph.Node, idx Index) ([]graph.Edge, []graph.Node) {
	workers := runtime.GOMAXPROCS(0)
	if len(nodes) < 4096 || workers < 2 {
		workers = 1
	}
	size := (len(nodes) + workers - 1) / max(workers, 1)
	edges := make([][]graph.Edge, workers)
	shared := make([][]graph.Node, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := min(w*size, len(nodes)), min((w+1)*size, len(nodes))
		wg.Add(1)
		go func() {
			defer wg.Done()
			es := make([]graph.Edge, 0, (hi-lo)*4)
			var ns []graph.Node
			for _, n := range nodes[lo:hi] {
				r := apply(n, idx)
				es = append(es, r.Edges...)
				ns = append(ns, r.Nodes...)
			}
			edges[w], shared[w] = es, ns
		}()
	}
	wg.Wait()
	return slices.Concat(edges...), slices.Concat(shared...)
}

type tpair struct {
	tenant string
	p      pair
}

func sortEdges(es []graph.Edge) {
	slices.SortFunc(es, func(a, b graph.Edge) int {
		if c := strings.Compare(a.TenantID, b.TenantID); c != 0 {
			return c
		}
		if c := strings.Compare(string(a.Type), string(b.Type)); c != 0 {
			return c
		}
		if c := strings.Compare(a.From, b.From); c != 0 {
			return c
		}
		if c := strings.Compare(a.To, b.To); c != 0 {
			return c
		}
		return strings.Compare(str(a.Props[graph.PropPath]), str(b.Props[graph.PropPath]))
	})
}

func sortNodes(ns []graph.Node) {
	slices.SortFunc(ns, func(a, b graph.Node) int {
		if c := strings.Compare(a.TenantID, b.TenantID); c != 0 {
			return c
		}
		if c := strings.Compare(string(a.Label), string(b.Label)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}
