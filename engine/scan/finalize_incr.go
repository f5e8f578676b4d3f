package scan

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
)

// finalizeIncremental is the incremental Finalize: it writes only what changed, never the
// whole tenant.
//
//   - Nodes this scan did not read stay as they are (no rewrite to the new scan id); what
//     changed away (carryRule says which unread nodes a full scan would have dropped) is removed
//     by id, with its edges.
//   - Edges are derived again only where they can differ: the changed nodes (read by this scan,
//     or gone), the nodes whose references resolve differently now (REFERENCES into an ancestor
//     of a new node), and every node that can derive an edge stored on them (family.derivers).
//     Their derivation is compared with the stored edges: new or changed edges are written,
//     edges no longer derived (whose owning node the cleanup covers) deleted, and REFERENCES
//     yield to named edges across the boundary as a full derivation's merge would.
//   - Tag and Region nodes follow their use: new ones are written, those left without edges go.
//
// Not covered (a full scan fixes it): an unchanged node whose named rule points at a top-level
// resource that did not exist when the node was last read and is created now — the store skipped
// that edge, and nothing stored leads from the new resource back to the node (a child resource
// is found through the REFERENCES its referrers had to its parent).
func (e *Engine) finalizeIncremental(ctx context.Context, p Plan, results []ShardResult, scopes []graph.Scope, out *Result) error {
	tenant := p.Request.TenantID
	t0 := time.Now()
	mark := func(what string) {
		e.Logger.Debug("incremental finalize step", "step", what, "ms", time.Since(t0).Milliseconds())
	}
	keep := carryRule(p, results)
	shared := func(l graph.Label) bool { return l == graph.LabelTag || l == graph.LabelRegion }

	// pass 1 (keys and scoping facts, no props): the index of the nodes that stay, what goes,
	// what changed
	idx := rules.NewIndex()
	fam := newFamily(tenant)
	owned := map[string]bool{} // node key -> covered by a cleanup scope (owns its edges here)
	goneSet := map[string]bool{}
	changed := map[string]bool{} // read by this scan, or gone
	var added, vaults []string
	err := e.Store.NodeHeads(ctx, tenant, func(h graph.NodeHead) error {
		cov := coveredFacts(scopes, h.Label, h.Facts)
		if cov {
			owned[h.ID] = true
		}
		if shared(h.Label) {
			return nil
		}
		n := graph.Node{Label: h.Label, ID: h.ID, TenantID: tenant}
		if h.LastSeen == p.ScanID || keep(h) { // what the graph holds as of this scan
			countIdentities(n, out)
		}
		fam.add(n)
		if h.LastSeen != p.ScanID && cov && !keep(h) {
			goneSet[h.ID], changed[h.ID] = true, true
			return nil
		}
		if h.LastSeen == p.ScanID {
			changed[h.ID] = true
			if h.FirstSeen == p.ScanID {
				added = append(added, h.ID)
			}
		}
		if h.Label == graph.LabelResource && h.Facts.Type == keyVaultType {
			vaults = append(vaults, h.ID) // indexed with its props: the vault URI names it
			return ctx.Err()
		}
		idx.Add(n)
		return ctx.Err()
	})
	if err != nil {
		return fmt.Errorf("finalize: indexing nodes: %w", err)
	}
	if len(vaults) > 0 {
		if err := e.Store.Nodes(ctx, tenant, graph.NodeQuery{IDs: vaults}, func(n graph.Node) error {
			idx.Add(n)
			return ctx.Err()
		}); err != nil {
			return fmt.Errorf("finalize: indexing key vaults: %w", err)
		}
	}
	mark("index")

	// a new node takes over references that resolved to its nearest ancestor
	anc := map[string]bool{}
	for _, id := range added {
		for a, ok := fam.parent[id]; ok && a != fam.tenant; a, ok = fam.parent[a] {
			if l, known := idx.Lookup(a); known && l == graph.LabelResource {
				anc[a] = true
			}
		}
	}
	if len(anc) > 0 {
		if err := e.Store.Edges(ctx, tenant, graph.EdgeQuery{Types: []graph.EdgeType{graph.EdgeReferences}, To: slices.Collect(maps.Keys(anc))}, func(s graph.Edge) error {
			changed[s.From] = true
			return nil
		}); err != nil {
			return fmt.Errorf("finalize: reading edges: %w", err)
		}
	}
	// the stored edges a changed node can have derived, and every node that can derive them
	from := map[string]bool{}
	for id := range changed {
		from[id] = true
		if q, ok := fam.parent[id]; ok {
			from[q] = true
		}
		for _, c := range fam.children[id] {
			from[c] = true
		}
	}
	affected := maps.Clone(changed)
	cand := map[string]graph.Edge{} // stored edges whose derivation may change, by key
	visit := func(s graph.Edge) error {
		hit := false
		fam.derivers(s, func(d string) { hit = hit || changed[d] })
		if hit {
			cand[s.Key()] = s
			fam.derivers(s, func(d string) { affected[d] = true })
		}
		return ctx.Err()
	}
	if err := e.Store.Edges(ctx, tenant, graph.EdgeQuery{From: slices.Collect(maps.Keys(from))}, visit); err != nil {
		return fmt.Errorf("finalize: reading edges: %w", err)
	}
	if err := e.Store.Edges(ctx, tenant, graph.EdgeQuery{To: slices.Collect(maps.Keys(changed))}, visit); err != nil {
		return fmt.Errorf("finalize: reading edges: %w", err)
	}
	mark("affected")

	// derive the affected nodes' edges against the index of every node that stays, a chunk at
	// a time (when most of the tenant is affected, memory stays as a full scan's)
	ids := make([]string, 0, len(affected))
	for id := range affected {
		if !goneSet[id] {
			ids = append(ids, id)
		}
	}
	st := rules.NewStreaming(idx)
	size := e.FinalizeChunk
	if size <= 0 {
		size = defaultFinalizeChunk
	}
	chunk := make([]graph.Node, 0, min(size, len(ids)))
	if len(ids) > 0 {
		if err := e.Store.Nodes(ctx, tenant, graph.NodeQuery{IDs: ids}, func(n graph.Node) error {
			if shared(n.Label) {
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
	}
	st.Add(chunk)
	derived := st.Result()
	for i := range derived.Nodes { // keys as the store keeps them (a Tag is written as found)
		derived.Nodes[i].ID = graph.NormalizeID(derived.Nodes[i].ID)
	}
	for i := range derived.Edges {
		derived.Edges[i].From, derived.Edges[i].To = graph.NormalizeID(derived.Edges[i].From), graph.NormalizeID(derived.Edges[i].To)
	}
	mark("derive")

	// the stored edges around the derived ones: their state, and named edges joining a pair
	ends := map[string]bool{}
	for _, d := range derived.Edges {
		ends[d.From], ends[d.To] = true, true
	}
	stored := map[string]graph.Edge{}
	if len(ends) > 0 {
		if err := e.Store.Edges(ctx, tenant, graph.EdgeQuery{From: slices.Collect(maps.Keys(ends))}, func(s graph.Edge) error {
			stored[s.Key()] = s
			return ctx.Err()
		}); err != nil {
			return fmt.Errorf("finalize: reading edges: %w", err)
		}
	}
	maps.Copy(stored, cand)
	ownerOf := func(s graph.Edge) string {
		if es, ok := graph.EdgeSchemaFor(s.Type); ok && es.OwnedBy == graph.EndTo {
			return s.To
		}
		return s.From
	}
	want := make(map[string]bool, len(derived.Edges))
	for _, d := range derived.Edges {
		want[d.Key()] = true
	}
	dels := map[string]graph.Edge{}
	del := func(s graph.Edge) {
		if owned[ownerOf(s)] && !goneSet[s.From] && !goneSet[s.To] {
			dels[s.Key()] = graph.Edge{Type: s.Type, From: s.From, To: s.To}
		}
	}
	for k, s := range cand {
		if !want[k] {
			del(s)
		}
	}
	type pr struct{ a, b string }
	pairOf := func(a, b string) pr {
		if a > b {
			a, b = b, a
		}
		return pr{a, b}
	}
	named := map[pr]bool{} // pairs joined by a named edge in the final graph
	for k, s := range stored {
		if s.Type != graph.EdgeReferences && dels[k].Type == "" && !goneSet[s.From] && !goneSet[s.To] {
			named[pairOf(s.From, s.To)] = true
		}
	}
	for _, d := range derived.Edges {
		if d.Type != graph.EdgeReferences {
			named[pairOf(d.From, d.To)] = true
		}
	}
	var write []graph.Edge
	for _, d := range derived.Edges {
		k := d.Key()
		if d.Type == graph.EdgeReferences && named[pairOf(d.From, d.To)] {
			if s, ok := stored[k]; ok {
				del(s)
			}
			continue
		}
		if s, ok := stored[k]; !ok || s.FromLabel != d.FromLabel || s.ToLabel != d.ToLabel || !sameProps(d.Props, s.Props) {
			write = append(write, d)
		}
	}
	for _, s := range stored { // stored REFERENCES that yield to a named edge derived now
		if s.Type == graph.EdgeReferences && named[pairOf(s.From, s.To)] {
			del(s)
		}
	}
	mark("compare")

	// write: nodes that changed away, stale edges, new edges, shared nodes
	gone := slices.Collect(maps.Keys(goneSet))
	r, err := e.Store.DeleteNodes(ctx, tenant, gone)
	if err != nil {
		return fmt.Errorf("finalize: removing nodes that changed away: %w", err)
	}
	out.Removed.Nodes += r.Nodes
	out.Removed.Edges += r.Edges
	n, err := e.Store.DeleteEdges(ctx, tenant, slices.Collect(maps.Values(dels)))
	if err != nil {
		return fmt.Errorf("finalize: removing edges no longer derived: %w", err)
	}
	out.Removed.Edges += n
	if err := e.upsertNodes(ctx, tenant, p.ScanID, derived.Nodes); err != nil {
		return fmt.Errorf("finalize: %w", err)
	}
	if _, err := e.upsertEdges(ctx, tenant, p.ScanID, write); err != nil {
		return fmt.Errorf("finalize: %w", err)
	}
	removed, err := e.dropUnusedShared(ctx, tenant, cand, owned)
	if err != nil {
		return err
	}
	out.Removed.Nodes += removed
	stats, err := e.Store.Stats(ctx, tenant)
	if err != nil {
		return fmt.Errorf("finalize: %w", err)
	}
	for _, c := range stats.Edges {
		out.Relationships += c
	}
	mark("write")
	e.Logger.Debug("incremental finalize", "scan_id", p.ScanID, "changed", len(changed), "affected", len(affected),
		"edges_derived", len(derived.Edges), "edges_written", len(write), "edges_removed", n, "nodes_removed", r.Nodes)
	return nil
}

const keyVaultType = "microsoft.keyvault/vaults"

// coveredFacts reports whether any cleanup scope covers a node of label l with facts f.
func coveredFacts(scopes []graph.Scope, l graph.Label, f graph.NodeFacts) bool {
	sc, ok := graph.NodeSchemaFor(l)
	if !ok {
		return false
	}
	for _, s := range scopes {
		if sc.ScopeCovers(s, f) {
			return true
		}
	}
	return false
}

// dropUnusedShared removes the Tag and Region nodes that edges removed by this scan pointed to
// and that no edge points to any more (a full scan would not have derived them).
func (e *Engine) dropUnusedShared(ctx context.Context, tenant string, cand map[string]graph.Edge, owned map[string]bool) (int, error) {
	maybe := map[string]bool{}
	for _, s := range cand {
		if (s.ToLabel == graph.LabelTag || s.ToLabel == graph.LabelRegion) && owned[s.To] {
			maybe[s.To] = true
		}
	}
	if len(maybe) == 0 {
		return 0, nil
	}
	if err := e.Store.Edges(ctx, tenant, graph.EdgeQuery{To: slices.Collect(maps.Keys(maybe))}, func(s graph.Edge) error {
		delete(maybe, s.To)
		return nil
	}); err != nil {
		return 0, fmt.Errorf("finalize: reading edges: %w", err)
	}
	r, err := e.Store.DeleteNodes(ctx, tenant, slices.Collect(maps.Keys(maybe)))
	if err != nil {
		return 0, fmt.Errorf("finalize: removing unused tags and regions: %w", err)
	}
	return r.Nodes, nil
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
