package boltstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/atg-go/atg/engine/graph"
)

// DeleteNodes removes, in one transaction, the nodes with the given keys and every edge that
// touches them. The edges are keyed by type and source, so the edges into the nodes are found
// in one pass over the edge keys (no values decoded).
func (s *Store) DeleteNodes(ctx context.Context, tenantID string, ids []string) (graph.DeleteResult, error) {
	var res graph.DeleteResult
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return res, err
	}
	if len(ids) == 0 {
		return res, nil
	}
	keys := make(map[string]bool, len(ids))
	for _, id := range ids {
		keys[graph.NormalizeID(id)] = true
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		res = graph.DeleteResult{}
		t := tenantRead(tx, tenantID)
		if t == nil {
			return nil
		}
		var gone [][]byte
		for k := range keys {
			if t.meta.Get([]byte(k)) != nil {
				gone = append(gone, []byte(k))
			}
		}
		if len(gone) == 0 {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		r, err := t.removeWithEdges(gone, func(_ graph.EdgeType, from, to string, _ []byte) (bool, error) {
			return keys[from] || keys[to], nil
		})
		res = r
		return err
	})
	if err != nil {
		return graph.DeleteResult{}, fmt.Errorf("embedded graph: delete nodes: %w", err)
	}
	return res, nil
}

// DeleteEdges removes, in one transaction, the edges with the keys of the given edges.
func (s *Store) DeleteEdges(ctx context.Context, tenantID string, edges []graph.Edge) (int, error) {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return 0, err
	}
	if len(edges) == 0 {
		return 0, nil
	}
	keys := make([][]byte, 0, len(edges))
	for _, e := range edges {
		if _, ok := graph.EdgeSchemaFor(e.Type); !ok || graph.NormalizeID(e.From) == "" || graph.NormalizeID(e.To) == "" {
			return 0, fmt.Errorf("embedded graph: delete edges: %w", errors.New("an edge key needs a known type and both endpoints"))
		}
		keys = append(keys, edgeKey(e.Type, graph.NormalizeID(e.From), graph.NormalizeID(e.To)))
	}
	slices.SortFunc(keys, bytes.Compare)
	keys = slices.CompactFunc(keys, bytes.Equal)
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n := 0
	err = s.db.Update(func(tx *bolt.Tx) error {
		n = 0
		t := tenantRead(tx, tenantID)
		if t == nil {
			return nil
		}
		for _, k := range keys {
			if t.edges.Get(k) == nil {
				continue
			}
			if err := t.edges.Delete(k); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("embedded graph: delete edges: %w", err)
	}
	return n, nil
}

// NodeHeads streams every node of a tenant from the meta records alone (no props decoded), a
// page per read transaction.
func (s *Store) NodeHeads(ctx context.Context, tenantID string, fn func(graph.NodeHead) error) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	const page = 4096
	var after []byte
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var heads []graph.NodeHead
		err := s.db.View(func(tx *bolt.Tx) error {
			t := tenantRead(tx, tenantID)
			if t == nil {
				return nil
			}
			c := t.meta.Cursor()
			k, v := resumeAt(c, nil, after)
			for ; k != nil && len(heads) < page; k, v = c.Next() {
				m, err := decodeMeta(v)
				if err != nil {
					return err
				}
				heads = append(heads, graph.NodeHead{Label: m.label, ID: string(k), FirstSeen: m.first, LastSeen: m.last, Facts: m.facts})
				after = slices.Clone(k)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("embedded graph: read node heads: %w", err)
		}
		for _, h := range heads {
			if err := fn(h); err != nil {
				return err
			}
		}
		if len(heads) < page {
			return nil
		}
	}
}

// removeWithEdges deletes, inside the caller's write transaction, the nodes (by node key: head
// and document) and every edge dropEdge selects in one pass over the edge records (it gets the
// edge key's parts and the edge's value, which it must not keep). It returns the counts removed.
func (t *tenantBuckets) removeWithEdges(nodes [][]byte, dropEdge func(typ graph.EdgeType, from, to string, v []byte) (bool, error)) (graph.DeleteResult, error) {
	var edges [][]byte
	err := t.edges.ForEach(func(k, v []byte) error {
		typ, from, to, err := splitEdgeKey(k)
		if err != nil {
			return err
		}
		drop, err := dropEdge(typ, from, to, v)
		if err != nil {
			return err
		}
		if drop {
			edges = append(edges, slices.Clone(k))
		}
		return nil
	})
	if err != nil {
		return graph.DeleteResult{}, err
	}
	// the edges first (collected above: a bucket is not changed while it is iterated)
	for _, k := range edges {
		if err := t.edges.Delete(k); err != nil {
			return graph.DeleteResult{}, err
		}
	}
	for _, k := range nodes {
		if err := t.meta.Delete(k); err != nil {
			return graph.DeleteResult{}, err
		}
		if err := t.nodes.Delete(k); err != nil {
			return graph.DeleteResult{}, err
		}
	}
	return graph.DeleteResult{Nodes: len(nodes), Edges: len(edges)}, nil
}
