// Package boltstore is the embedded graph store: one bbolt file, zero setup, the local default.
//
// Layout: bucket "tenants" holds one bucket per tenant, each with
//
//	meta   node key -> label, type, subscription, resource group, first_seen, last_seen
//	nodes  node key -> props (JSON)
//	edges  type \x00 from \x00 to -> from label, to label, first_seen, last_seen, props (JSON)
//
// Keys sort as the Store interface streams (nodes by id, edges by type, from, to). Filters,
// stats and stale cleanup read only the small meta records and edge headers; the scoping facts
// come from the same graph schemas the Neo4j store's Cypher is generated from. Each write call is
// one transaction. The file is locked: a second process gets a clear error after Options.Timeout.
package boltstore

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/errs"
)

const formatVersion = "1"

var (
	bucketATG     = []byte("atg")
	bucketTenants = []byte("tenants")
	bucketMeta    = []byte("meta")
	bucketNodes   = []byte("nodes")
	bucketEdges   = []byte("edges")
	keyFormat     = []byte("format")
)

// pageSize is how many nodes/edges a streaming read collects per read transaction; fn runs
// outside transactions, so it may call the store.
const pageSize = 512

// Options configures Open.
type Options struct {
	// Timeout is how long Open waits for the file lock (default 2s).
	Timeout time.Duration
	Logger  *slog.Logger
	// NoSync skips fsync after each write (benchmarks, throwaway graphs).
	NoSync bool
}

// Store is the embedded graph.Store.
type Store struct {
	db   *bolt.DB
	path string
	log  *slog.Logger
}

var _ graph.Store = (*Store)(nil)

// ErrLocked is returned by Open when another process holds the file.
var ErrLocked = errs.New(errs.Unavailable, "graph file is locked by another process")

// Open opens (creating it and its parent directories) the store file at path.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("embedded graph: create directory %s: %w", dir, err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        opts.Timeout,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		NoSync:         opts.NoSync,
		// Address space only (the file grows as data does): avoids remapping, which copies
		// every dirty page, while a big scan writes.
		InitialMmapSize: 512 << 20,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("embedded graph %s: %w (waited %s; close the other atg or use another --graph)", path, ErrLocked, opts.Timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("embedded graph: open %s: %w", path, err)
	}
	return &Store{db: db, path: path, log: opts.Logger}, nil
}

// Path returns the store's file.
func (s *Store) Path() string { return s.path }

// Init creates the top-level buckets and checks the file format.
func (s *Store) Init(ctx context.Context) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketATG)
		if err != nil {
			return fmt.Errorf("embedded graph: init: %w", err)
		}
		switch v := b.Get(keyFormat); {
		case v == nil:
			if err := b.Put(keyFormat, []byte(formatVersion)); err != nil {
				return fmt.Errorf("embedded graph: init: %w", err)
			}
		case string(v) != formatVersion:
			return fmt.Errorf("embedded graph %s: format %q, this atg reads %q", s.path, v, formatVersion)
		}
		if _, err := tx.CreateBucketIfNotExists(bucketTenants); err != nil {
			return fmt.Errorf("embedded graph: init: %w", err)
		}
		return nil
	})
}

// releaseInterval is how many records a long pass inside one transaction reads between
// releases of the file's mapped pages (releaseMapped).
const releaseInterval = 16 << 10

// release drops the file's pages that a write's lookups touched from the resident set
// (releaseMapped), in a read transaction of its own.
func (s *Store) release() {
	_ = s.db.View(func(tx *bolt.Tx) error { releaseMapped(tx); return nil })
}

// Ping checks the file is open.
func (s *Store) Ping(ctx context.Context) error {
	return s.db.View(func(*bolt.Tx) error { return nil })
}

// Close closes the file.
func (s *Store) Close(ctx context.Context) error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("embedded graph: close: %w", err)
	}
	return nil
}

// --- record encoding ---

// appendFields encodes strings as uvarint length + bytes.
func appendFields(dst []byte, fields ...string) []byte {
	for _, f := range fields {
		dst = binary.AppendUvarint(dst, uint64(len(f)))
		dst = append(dst, f...)
	}
	return dst
}

// readFields decodes n fields and returns the rest of the buffer.
func readFields(b []byte, n int) ([]string, []byte, error) {
	out := make([]string, n)
	for i := range n {
		l, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < l {
			return nil, nil, errors.New("embedded graph: corrupt record")
		}
		out[i] = string(b[k : k+int(l)])
		b = b[k+int(l):]
	}
	return out, b, nil
}

type meta struct {
	label graph.Label
	facts graph.NodeFacts
	first string
	last  string
}

func (m meta) encode() []byte {
	return appendFields(nil, string(m.label), m.facts.Type, m.facts.Subscription, m.facts.ResourceGroup, m.first, m.last)
}

func decodeMeta(b []byte) (meta, error) {
	f, _, err := readFields(b, 6)
	if err != nil {
		return meta{}, err
	}
	return meta{label: graph.Label(f[0]), facts: graph.NodeFacts{Type: f[1], Subscription: f[2], ResourceGroup: f[3]}, first: f[4], last: f[5]}, nil
}

type edgeHead struct {
	fromLabel, toLabel graph.Label
	first, last        string
}

func encodeEdge(h edgeHead, props []byte) []byte {
	b := appendFields(make([]byte, 0, len(props)+64), string(h.fromLabel), string(h.toLabel), h.first, h.last)
	return append(b, props...)
}

func decodeEdgeHead(b []byte) (edgeHead, []byte, error) {
	f, rest, err := readFields(b, 4)
	if err != nil {
		return edgeHead{}, nil, err
	}
	return edgeHead{fromLabel: graph.Label(f[0]), toLabel: graph.Label(f[1]), first: f[2], last: f[3]}, rest, nil
}

func edgeKey(t graph.EdgeType, from, to string) []byte {
	k := make([]byte, 0, len(t)+len(from)+len(to)+2)
	k = append(k, t...)
	k = append(k, 0)
	k = append(k, from...)
	k = append(k, 0)
	return append(k, to...)
}

func splitEdgeKey(k []byte) (graph.EdgeType, string, string, error) {
	p := bytes.SplitN(k, []byte{0}, 3)
	if len(p) != 3 {
		return "", "", "", errors.New("embedded graph: corrupt edge key")
	}
	return graph.EdgeType(p[0]), string(p[1]), string(p[2]), nil
}

func marshalProps(props map[string]any) ([]byte, error) {
	if len(props) == 0 {
		return nil, nil
	}
	return json.Marshal(props)
}

func unmarshalProps(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("embedded graph: decode props: %w", err)
	}
	return m, nil
}

// resumeAt positions a cursor for the next page of a paged read: at the first key after after
// (the previous page's last key), or on the first page (after nil) at start (nil: the first key).
func resumeAt(c *bolt.Cursor, start, after []byte) (k, v []byte) {
	if after == nil {
		if start == nil {
			return c.First()
		}
		return c.Seek(start)
	}
	k, v = c.Seek(after)
	if bytes.Equal(k, after) {
		k, v = c.Next()
	}
	return k, v
}

// --- tenant buckets ---

type tenantBuckets struct{ meta, nodes, edges *bolt.Bucket }

func tenantRead(tx *bolt.Tx, tenantID string) *tenantBuckets {
	root := tx.Bucket(bucketTenants)
	if root == nil {
		return nil
	}
	tb := root.Bucket([]byte(tenantID))
	if tb == nil {
		return nil
	}
	return &tenantBuckets{meta: tb.Bucket(bucketMeta), nodes: tb.Bucket(bucketNodes), edges: tb.Bucket(bucketEdges)}
}

func tenantWrite(tx *bolt.Tx, tenantID string) (*tenantBuckets, error) {
	root, err := tx.CreateBucketIfNotExists(bucketTenants)
	if err != nil {
		return nil, err
	}
	tb, err := root.CreateBucketIfNotExists([]byte(tenantID))
	if err != nil {
		return nil, err
	}
	var t tenantBuckets
	for _, p := range []struct {
		b    **bolt.Bucket
		name []byte
	}{{&t.meta, bucketMeta}, {&t.nodes, bucketNodes}, {&t.edges, bucketEdges}} {
		if *p.b, err = tb.CreateBucketIfNotExists(p.name); err != nil {
			return nil, err
		}
	}
	return &t, nil
}

// --- writes ---

type nodeRow struct {
	id    []byte
	meta  meta
	props []byte
	first string // caller-given FirstSeen for new nodes
}

// UpsertNodes merges nodes in one transaction.
func (s *Store) UpsertNodes(ctx context.Context, tenantID, scanID string, nodes []graph.Node) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	if scanID == "" {
		return errors.New("embedded graph: upsert nodes: empty scan id")
	}
	rows := make([]nodeRow, 0, len(nodes))
	for _, n := range nodes {
		n, err := graph.ValidateNode(tenantID, n)
		if err != nil {
			return err
		}
		sc, _ := graph.NodeSchemaFor(n.Label)
		p, err := marshalProps(n.Props)
		if err != nil {
			return fmt.Errorf("embedded graph: node %s: encode props: %w", n.ID, err)
		}
		rows = append(rows, nodeRow{id: []byte(n.ID), meta: meta{label: n.Label, facts: sc.Facts(n.Props), last: scanID}, props: p, first: n.FirstSeen})
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// Sorted keys make bbolt's page splits cheap; for duplicate ids the last one wins.
	slices.SortStableFunc(rows, func(a, b nodeRow) int { return bytes.Compare(a.id, b.id) })
	defer s.release() // after the commit: the write's lookups paged the file in
	err = s.db.Update(func(tx *bolt.Tx) error {
		t, err := tenantWrite(tx, tenantID)
		if err != nil {
			return err
		}
		for i, r := range rows {
			if i+1 < len(rows) && bytes.Equal(r.id, rows[i+1].id) {
				continue
			}
			r.meta.first = r.first
			if old := t.meta.Get(r.id); old != nil {
				if om, err := decodeMeta(old); err == nil {
					r.meta.first = om.first
				}
			}
			if r.meta.first == "" {
				r.meta.first = scanID
			}
			if err := t.meta.Put(r.id, r.meta.encode()); err != nil {
				return err
			}
			if err := t.nodes.Put(r.id, r.props); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded graph: upsert %d nodes: %w", len(rows), err)
	}
	return nil
}

type edgeRow struct {
	key   []byte
	e     graph.Edge
	props []byte
}

// UpsertEdges merges edges in one transaction; edges with a missing endpoint (or an endpoint
// of another label) are skipped and counted.
func (s *Store) UpsertEdges(ctx context.Context, tenantID, scanID string, edges []graph.Edge) (int, error) {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return 0, err
	}
	if scanID == "" {
		return 0, errors.New("embedded graph: upsert edges: empty scan id")
	}
	rows := make([]edgeRow, 0, len(edges))
	for _, e := range edges {
		e, err := graph.ValidateEdge(tenantID, e)
		if err != nil {
			return 0, err
		}
		p, err := marshalProps(e.Props)
		if err != nil {
			return 0, fmt.Errorf("embedded graph: edge %s: encode props: %w", e.Key(), err)
		}
		rows = append(rows, edgeRow{key: edgeKey(e.Type, e.From, e.To), e: e, props: p})
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	slices.SortStableFunc(rows, func(a, b edgeRow) int { return bytes.Compare(a.key, b.key) })
	skipped := 0
	defer s.release() // after the commit: the write's lookups paged the file in
	err = s.db.Update(func(tx *bolt.Tx) error {
		skipped = 0
		t, err := tenantWrite(tx, tenantID)
		if err != nil {
			return err
		}
		hasNode := func(id string, l graph.Label) bool {
			v := t.meta.Get([]byte(id))
			if v == nil {
				return false
			}
			m, err := decodeMeta(v)
			return err == nil && m.label == l
		}
		for _, r := range rows {
			if !hasNode(r.e.From, r.e.FromLabel) || !hasNode(r.e.To, r.e.ToLabel) {
				skipped++
				continue
			}
			h := edgeHead{fromLabel: r.e.FromLabel, toLabel: r.e.ToLabel, first: r.e.FirstSeen, last: scanID}
			if old := t.edges.Get(r.key); old != nil {
				if oh, _, err := decodeEdgeHead(old); err == nil {
					h.first = oh.first
				}
			}
			if h.first == "" {
				h.first = scanID
			}
			if err := t.edges.Put(r.key, encodeEdge(h, r.props)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("embedded graph: upsert %d edges: %w", len(rows), err)
	}
	if skipped > 0 {
		s.log.Debug("edges skipped: missing endpoints", "tenant_id", tenantID, "skipped", skipped)
	}
	return skipped, nil
}

// --- reads ---

func readNode(t *tenantBuckets, tenantID string, id []byte, m meta) (graph.Node, error) {
	props, err := unmarshalProps(t.nodes.Get(id))
	if err != nil {
		return graph.Node{}, fmt.Errorf("node %s: %w", id, err)
	}
	return graph.Node{Label: m.label, ID: string(id), TenantID: tenantID, Props: props, FirstSeen: m.first, LastSeen: m.last}, nil
}

// GetNode returns one node or graph.ErrNotFound.
func (s *Store) GetNode(ctx context.Context, tenantID, id string) (graph.Node, error) {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return graph.Node{}, err
	}
	key := []byte(graph.NormalizeID(id))
	var n graph.Node
	err = s.db.View(func(tx *bolt.Tx) error {
		t := tenantRead(tx, tenantID)
		if t == nil {
			return graph.ErrNotFound
		}
		v := t.meta.Get(key)
		if v == nil {
			return graph.ErrNotFound
		}
		m, err := decodeMeta(v)
		if err != nil {
			return err
		}
		n, err = readNode(t, tenantID, key, m)
		return err
	})
	if errors.Is(err, graph.ErrNotFound) {
		return graph.Node{}, fmt.Errorf("embedded graph: node %s: %w", key, graph.ErrNotFound)
	}
	return n, err
}

// Nodes streams matching nodes in id order.
func (s *Store) Nodes(ctx context.Context, tenantID string, q graph.NodeQuery, fn func(graph.Node) error) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	var ids [][]byte // when q.IDs is set, visit only those keys
	if len(q.IDs) > 0 {
		for _, id := range q.IDs {
			ids = append(ids, []byte(graph.NormalizeID(id)))
		}
		slices.SortFunc(ids, bytes.Compare)
		ids = slices.CompactFunc(ids, bytes.Equal)
		q.IDs = nil // the walk visits only those keys: the filter need not test them again
	}
	var after []byte
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var page []graph.Node
		done := true
		err := s.db.View(func(tx *bolt.Tx) error {
			defer releaseMapped(tx) // the page is decoded (copied): a long stream keeps no file pages resident
			t := tenantRead(tx, tenantID)
			if t == nil {
				return nil
			}
			visit := func(k, v []byte) (bool, error) {
				m, err := decodeMeta(v)
				if err != nil {
					return false, err
				}
				sc, _ := graph.NodeSchemaFor(m.label)
				if !sc.MatchesQuery(q, string(k), m.facts) {
					return true, nil
				}
				n, err := readNode(t, tenantID, k, m)
				if err != nil {
					return false, err
				}
				page = append(page, n)
				after = slices.Clone(k)
				return len(page) < pageSize, nil
			}
			if ids != nil {
				for len(ids) > 0 {
					k := ids[0]
					ids = ids[1:]
					if v := t.meta.Get(k); v != nil {
						more, err := visit(k, v)
						if err != nil || !more {
							done = len(ids) == 0
							return err
						}
					}
				}
				return nil
			}
			c := t.meta.Cursor()
			k, v := resumeAt(c, nil, after)
			for ; k != nil; k, v = c.Next() {
				more, err := visit(k, v)
				if err != nil {
					return err
				}
				if !more {
					done = false
					return nil
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("embedded graph: read nodes: %w", err)
		}
		for _, n := range page {
			if err := fn(n); err != nil {
				return err
			}
		}
		if done {
			return nil
		}
	}
}

// Edges streams matching edges in (type, from, to) order.
func (s *Store) Edges(ctx context.Context, tenantID string, q graph.EdgeQuery, fn func(graph.Edge) error) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	var prefixes [][]byte // ranges to walk, in key order
	if len(q.Types) > 0 {
		for _, t := range q.Types {
			prefixes = append(prefixes, append([]byte(t), 0))
		}
		slices.SortFunc(prefixes, bytes.Compare)
		prefixes = slices.CompactFunc(prefixes, bytes.Equal)
	} else {
		prefixes = [][]byte{nil}
	}
	set := func(ids []string) map[string]bool {
		if len(ids) == 0 {
			return nil
		}
		m := make(map[string]bool, len(ids))
		for _, id := range ids {
			m[graph.NormalizeID(id)] = true
		}
		return m
	}
	from, to := set(q.From), set(q.To)
	var after []byte
	for _, prefix := range prefixes {
		after = nil
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			var page []graph.Edge
			done := true
			err := s.db.View(func(tx *bolt.Tx) error {
				defer releaseMapped(tx)
				t := tenantRead(tx, tenantID)
				if t == nil {
					return nil
				}
				c := t.edges.Cursor()
				k, v := resumeAt(c, prefix, after)
				for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
					typ, f, tt, err := splitEdgeKey(k)
					if err != nil {
						return err
					}
					if (from != nil && !from[f]) || (to != nil && !to[tt]) {
						continue
					}
					h, rest, err := decodeEdgeHead(v)
					if err != nil {
						return err
					}
					props, err := unmarshalProps(rest)
					if err != nil {
						return err
					}
					page = append(page, graph.Edge{Type: typ, FromLabel: h.fromLabel, From: f, ToLabel: h.toLabel, To: tt,
						TenantID: tenantID, Props: props, FirstSeen: h.first, LastSeen: h.last})
					if len(page) == pageSize {
						after = slices.Clone(k)
						done = false
						return nil
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("embedded graph: read edges: %w", err)
			}
			for _, e := range page {
				if err := fn(e); err != nil {
					return err
				}
			}
			if done {
				break
			}
		}
	}
	return nil
}

// Stats counts a tenant's nodes by label, resources by type and edges by type.
func (s *Store) Stats(ctx context.Context, tenantID string) (graph.Stats, error) {
	st := graph.Stats{Nodes: map[string]int{}, ResourcesByType: map[string]int{}, Edges: map[string]int{}}
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return st, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		t := tenantRead(tx, tenantID)
		if t == nil {
			return nil
		}
		err := t.meta.ForEach(func(k, v []byte) error {
			m, err := decodeMeta(v)
			if err != nil {
				return err
			}
			st.Nodes[string(m.label)]++
			if m.label == graph.LabelResource && m.facts.Type != "" {
				st.ResourcesByType[m.facts.Type]++
			}
			return nil
		})
		if err != nil {
			return err
		}
		return t.edges.ForEach(func(k, _ []byte) error {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				return errors.New("corrupt edge key")
			}
			st.Edges[string(k[:i])]++
			return nil
		})
	})
	if err != nil {
		return st, fmt.Errorf("embedded graph: stats: %w", err)
	}
	return st, nil
}

// --- deletes ---

// DeleteStale removes, in one transaction, the in-scope nodes not seen by scanID with all their
// edges, and the edges not seen by scanID whose owning endpoint (graph.EdgeSchema) is in scope.
func (s *Store) DeleteStale(ctx context.Context, tenantID, scanID string, scope graph.Scope) (graph.DeleteResult, error) {
	var res graph.DeleteResult
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return res, err
	}
	if scanID == "" {
		return res, errors.New("embedded graph: delete stale: empty scan id")
	}
	defer s.release() // after the commit: the write's lookups paged the file in
	err = s.db.Update(func(tx *bolt.Tx) error {
		res = graph.DeleteResult{}
		t := tenantRead(tx, tenantID)
		if t == nil {
			return nil
		}
		covered := map[string]bool{} // in-scope nodes
		var stale [][]byte
		// Both passes read every record of the tenant: release the file's pages as they go.
		// Inside this write transaction the mapping cannot move (only its own commit remaps) and
		// bbolt never writes through it, so released pages fault back in unchanged.
		visited := 0
		releaseEvery := func() {
			if visited++; visited%releaseInterval == 0 {
				releaseMapped(tx)
			}
		}
		err := t.meta.ForEach(func(k, v []byte) error {
			releaseEvery()
			m, err := decodeMeta(v)
			if err != nil {
				return err
			}
			sc, ok := graph.NodeSchemaFor(m.label)
			if !ok || !sc.ScopeCovers(scope, m.facts) {
				return nil
			}
			covered[string(k)] = true
			if m.last != scanID {
				stale = append(stale, slices.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		deleted := make(map[string]bool, len(stale))
		for _, k := range stale {
			deleted[string(k)] = true
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err = t.removeWithEdges(stale, func(typ graph.EdgeType, from, to string, v []byte) (bool, error) {
			releaseEvery()
			if deleted[from] || deleted[to] {
				return true, nil
			}
			es, ok := graph.EdgeSchemaFor(typ)
			if !ok {
				return false, nil
			}
			owner := from
			if es.OwnedBy == graph.EndTo {
				owner = to
			}
			if !covered[owner] {
				return false, nil
			}
			h, _, err := decodeEdgeHead(v)
			if err != nil {
				return false, err
			}
			return h.last != scanID, nil
		})
		return err
	})
	if err != nil {
		return graph.DeleteResult{}, fmt.Errorf("embedded graph: delete stale: %w", err)
	}
	s.log.Debug("stale cleanup", "tenant_id", tenantID, "scan_id", scanID, "nodes", res.Nodes, "edges", res.Edges)
	return res, nil
}

// DeleteTenant removes every node and edge of a tenant.
func (s *Store) DeleteTenant(ctx context.Context, tenantID string) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketTenants)
		if root == nil {
			return nil
		}
		if err := root.DeleteBucket([]byte(tenantID)); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("embedded graph: delete tenant %s: %w", tenantID, err)
	}
	return nil
}

// Tenants lists tenants with at least one node, sorted.
func (s *Store) Tenants(ctx context.Context) ([]string, error) {
	out := []string{}
	err := s.db.View(func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketTenants)
		if root == nil {
			return nil
		}
		return root.ForEachBucket(func(k []byte) error {
			if t := tenantRead(tx, string(k)); t != nil && t.meta != nil {
				if k2, _ := t.meta.Cursor().First(); k2 != nil {
					out = append(out, string(k))
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("embedded graph: tenants: %w", err)
	}
	return out, nil
}
