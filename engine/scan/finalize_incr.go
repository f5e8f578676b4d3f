package scan

import (
	"context"
	"fmt"
	"maps"
	"reflect"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
)

// finalizeIncremental is the incremental Finalize: it writes only what changed, never the whole
// tenant. Nodes this scan did not read stay as they are (no rewrite to the new scan id); what
// changed away is removed by id (carryRule says which unread nodes a full scan would have
// dropped). Every edge is derived in memory as a full scan would, over the nodes that stay, and
// compared with the stored edges: only new or changed edges are written, and only stored edges
// no longer derived (whose owning node the cleanup scopes cover) are deleted. Tag and Region
// nodes follow their use: those no node uses any more go, new ones are written.
func (e *Engine) finalizeIncremental(ctx context.Context, p Plan, results []ShardResult, scopes []graph.Scope, out *Result) error {
	tenant := p.Request.TenantID
	keep := carryRule(p, results)
	shared := func(l graph.Label) bool { return l == graph.LabelTag || l == graph.LabelRegion }
	live := func(n graph.Node) bool {
		return n.LastSeen == p.ScanID || !covered(scopes, n) || keep(n)
	}
	// pass 1: the index of the nodes that stay, what goes, which nodes the cleanup covers
	idx := rules.NewIndex()
	var gone []string
	owned := map[string]bool{} // node key -> covered by a cleanup scope (owns its edges here)
	type sharedKey struct {
		l  graph.Label
		id string
	}
	unused := map[sharedKey]bool{}       // stored Tag/Region nodes covered by a cleanup scope
	storedShared := map[sharedKey]bool{} // every stored Tag/Region node
	err := e.Store.Nodes(ctx, tenant, graph.NodeQuery{}, func(n graph.Node) error {
		cov := covered(scopes, n)
		if shared(n.Label) {
			storedShared[sharedKey{n.Label, n.ID}] = true
			if cov {
				unused[sharedKey{n.Label, n.ID}] = true
				owned[n.ID] = true
			}
			return nil
		}
		if n.LastSeen == p.ScanID || keep(n) { // what the graph holds as of this scan
			countIdentities(n, out)
		}
		if !live(n) {
			gone = append(gone, n.ID)
			return nil
		}
		if cov {
			owned[n.ID] = true
		}
		idx.Add(n)
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("finalize: indexing nodes: %w", err)
	}
	// pass 2: derive every edge from the nodes that stay, a chunk at a time
	st := rules.NewStreaming(idx)
	size := e.FinalizeChunk
	if size <= 0 {
		size = defaultFinalizeChunk
	}
	chunk := make([]graph.Node, 0, size)
	if err := e.Store.Nodes(ctx, tenant, graph.NodeQuery{}, func(n graph.Node) error {
		if shared(n.Label) || !live(n) {
			return nil
		}
		chunk = append(chunk, n)
		if len(chunk) == size {
			st.Add(chunk)
			clear(chunk)
			chunk = chunk[:0]
		}
		return ctx.Err()
	}); err != nil {
		return fmt.Errorf("finalize: reading nodes: %w", err)
	}
	st.Add(chunk)
	derived := st.Result()
	// keys as the store keeps them (a Tag's key=value is written as found, stored lower-cased)
	for i := range derived.Nodes {
		derived.Nodes[i].ID = graph.NormalizeID(derived.Nodes[i].ID)
	}
	for i := range derived.Edges {
		derived.Edges[i].From, derived.Edges[i].To = graph.NormalizeID(derived.Edges[i].From), graph.NormalizeID(derived.Edges[i].To)
	}

	// nodes: what changed away, and the shared nodes no longer used
	var newShared []graph.Node
	for _, n := range derived.Nodes {
		k := sharedKey{n.Label, n.ID}
		delete(unused, k)
		if !storedShared[k] {
			newShared = append(newShared, n)
		}
	}
	for k := range unused {
		gone = append(gone, k.id)
	}
	r, err := e.Store.DeleteNodes(ctx, tenant, gone)
	if err != nil {
		return fmt.Errorf("finalize: removing nodes that changed away: %w", err)
	}
	out.Removed.Nodes += r.Nodes
	out.Removed.Edges += r.Edges
	if err := e.upsertNodes(ctx, tenant, p.ScanID, newShared); err != nil {
		return fmt.Errorf("finalize: %w", err)
	}

	// edges: compare the derivation with what is stored
	want := make(map[string]int, len(derived.Edges))
	for i, ed := range derived.Edges {
		want[ed.Key()] = i
	}
	same := make([]bool, len(derived.Edges))
	var stale []graph.Edge
	if err := e.Store.Edges(ctx, tenant, graph.EdgeQuery{}, func(s graph.Edge) error {
		if i, ok := want[s.Key()]; ok {
			d := derived.Edges[i]
			same[i] = d.FromLabel == s.FromLabel && d.ToLabel == s.ToLabel && sameProps(d.Props, s.Props)
			return nil
		}
		owner := s.From
		if es, ok := graph.EdgeSchemaFor(s.Type); ok && es.OwnedBy == graph.EndTo {
			owner = s.To
		}
		if owned[owner] {
			stale = append(stale, graph.Edge{Type: s.Type, From: s.From, To: s.To})
		}
		return ctx.Err()
	}); err != nil {
		return fmt.Errorf("finalize: reading edges: %w", err)
	}
	var write []graph.Edge
	for i, ed := range derived.Edges {
		if !same[i] {
			write = append(write, ed)
		}
	}
	n, err := e.Store.DeleteEdges(ctx, tenant, stale)
	if err != nil {
		return fmt.Errorf("finalize: removing edges no longer derived: %w", err)
	}
	out.Removed.Edges += n
	skipped, err := e.upsertEdges(ctx, tenant, p.ScanID, write)
	if err != nil {
		return fmt.Errorf("finalize: %w", err)
	}
	out.Relationships = len(derived.Edges) - skipped
	e.Logger.Debug("incremental finalize", "scan_id", p.ScanID, "edges_derived", len(derived.Edges), "edges_written", len(write),
		"edges_removed", n, "nodes_removed", r.Nodes, "shared_nodes_written", len(newShared))
	return nil
}

// sameProps compares edge props as stored (nil and empty alike).
func sameProps(a, b map[string]any) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	return maps.EqualFunc(a, b, func(x, y any) bool { return reflect.DeepEqual(x, y) })
}

// countIdentities counts an identity or role assignment node into out.
func countIdentities(n graph.Node, out *Result) {
	switch n.Label {
	case graph.LabelUser:
		out.Identities.Users++
	case graph.LabelGroup:
		out.Identities.Groups++
	case graph.LabelServicePrincipal:
		out.Identities.ServicePrincipals++
	case graph.LabelApplication:
		out.Identities.Applications++
	case graph.LabelRoleAssignment:
		out.RoleAssignments++
	}
}
