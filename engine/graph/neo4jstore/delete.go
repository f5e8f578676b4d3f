package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/atg-go/atg/engine/graph"
)

// DeleteNodes removes the nodes with the given keys, whatever their label, with their
// relationships: per label, relationships first (in chunks, a node may have many), then the
// nodes, each statement seeking the label's uid constraint.
func (s *Store) DeleteNodes(ctx context.Context, tenantID string, ids []string) (graph.DeleteResult, error) {
	var res graph.DeleteResult
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return res, err
	}
	uids := make([]string, 0, len(ids))
	for _, id := range ids {
		if id = graph.NormalizeID(id); id != "" {
			uids = append(uids, graph.NodeUID(tenantID, id))
		}
	}
	slices.Sort(uids)
	uids = slices.Compact(uids)
	for lo := 0; lo < len(uids); lo += s.chunk {
		part := uids[lo:min(lo+s.chunk, len(uids))]
		for _, sc := range graph.NodeSchemas() {
			n, err := s.loopDelete(ctx, sc.DeleteNodeEdgesByIDCypher(), map[string]any{"uids": part})
			res.Edges += n
			if err != nil {
				return res, fmt.Errorf("neo4j: delete edges of %s nodes: %w", sc.Label, err)
			}
			c, err := s.writeCount(ctx, sc.DeleteNodesByIDCypher(), map[string]any{"uids": part}, "deleted")
			res.Nodes += int(c)
			if err != nil {
				return res, fmt.Errorf("neo4j: delete %s nodes: %w", sc.Label, err)
			}
		}
	}
	return res, nil
}

// DeleteEdges removes the relationships with the keys of the given edges, one statement per
// type seeking the type's uid index, in chunks.
func (s *Store) DeleteEdges(ctx context.Context, tenantID string, edges []graph.Edge) (int, error) {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return 0, err
	}
	byType := map[graph.EdgeType][]string{}
	for _, e := range edges {
		from, to := graph.NormalizeID(e.From), graph.NormalizeID(e.To)
		if _, ok := graph.EdgeSchemaFor(e.Type); !ok || from == "" || to == "" {
			return 0, fmt.Errorf("neo4j: delete edges: %w", errors.New("an edge key needs a known type and both endpoints"))
		}
		byType[e.Type] = append(byType[e.Type], graph.EdgeUID(tenantID, from, to))
	}
	total := 0
	for _, es := range graph.EdgeSchemas() {
		uids := byType[es.Type]
		slices.Sort(uids)
		uids = slices.Compact(uids)
		for lo := 0; lo < len(uids); lo += s.chunk {
			n, err := s.writeCount(ctx, es.DeleteEdgesByUIDCypher(), map[string]any{"uids": uids[lo:min(lo+s.chunk, len(uids))]}, "deleted")
			total += int(n)
			if err != nil {
				return total, fmt.Errorf("neo4j: delete %s edges: %w", es.Type, err)
			}
		}
	}
	return total, nil
}

// NodeHeads streams every node of a tenant without its props, a page at a time by uid.
func (s *Store) NodeHeads(ctx context.Context, tenantID string, fn func(graph.NodeHead) error) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	cypher := graph.NodeHeadsPageCypher()
	params := map[string]any{"after": tenantID + "|", "end": tenantEnd(tenantID), "limit": s.page}
	str := func(r *neo4j.Record, k string) string {
		v, _ := r.Get(k)
		sv, _ := v.(string)
		return sv
	}
	lower := strings.ToLower
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		recs, err := s.read(ctx, cypher, params)
		if err != nil {
			return fmt.Errorf("neo4j: read node heads: %w", err)
		}
		for _, r := range recs {
			h := graph.NodeHead{Label: graph.Label(str(r, "label")), ID: str(r, "id"), FirstSeen: str(r, "first"), LastSeen: str(r, "last"),
				Facts: graph.NodeFacts{Subscription: lower(str(r, "sub")), ResourceGroup: lower(str(r, "rg")), Type: lower(str(r, "type"))}}
			params["after"] = str(r, "uid")
			if err := fn(h); err != nil {
				return err
			}
		}
		if len(recs) < s.page {
			return nil
		}
	}
}
