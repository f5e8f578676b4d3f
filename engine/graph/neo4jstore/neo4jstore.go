// Package neo4jstore is the Neo4j graph.Store (neo4j-go-driver v5), for the service and shared graphs.
//
// Every statement is generated from the graph schemas (engine/graph/cypher.go). Nodes are keyed by
// a single `uid` property = tenant_id + "|" + node id, with a uniqueness constraint per label:
// Neo4j 5 Community supports single-property uniqueness, while composite (tenant_id, id) node
// keys need Enterprise. The node id is also kept as `node_id`, the tenant as `tenant_id`.
// Nested props (maps, lists of maps, mixed lists, nil) are stored as JSON strings and decoded on
// read (graph.EncodeStoredProps). Writes are `UNWIND $rows … MERGE` (one statement per label,
// or per edge type and endpoint labels, in a transaction of at most BatchSize rows, default 1000)
// inside managed transactions (ExecuteWrite retries transient errors, executeWrite deadlocks
// after milliseconds rather than the driver's one second); a batch that hits a transaction
// memory limit is halved and retried. Node batches run in up to WriteConcurrency concurrent
// transactions, edge batches in up to EdgeConcurrency (shares with disjoint start nodes).
// Cleanup runs in chunks of
// `LIMIT $limit`, one
// transaction each. Reads page with keyset pagination on uid (no SKIP).
package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"
	"golang.org/x/sync/errgroup"

	"github.com/atg-go/atg/engine/graph"
)

// Options configures Open.
type Options struct {
	URI, User, Password string
	Database            string // "" = the server's default database
	Logger              *slog.Logger
	BatchSize           int // rows per UNWIND (default 1000)
	DeleteChunk         int // nodes/relationships deleted per transaction (default 10000)
	PageSize            int // rows per read page (default 1000)
	// WriteConcurrency bounds the concurrent transactions of one UpsertNodes (default 2; 1 =
	// sequential). Node merges of distinct uids take disjoint locks.
	WriteConcurrency int
	// EdgeConcurrency bounds the concurrent transactions of one UpsertEdges (default 2; 1 =
	// sequential). Relationship merges lock both endpoints until commit (MERGE's LOCK(a, b)):
	// each transaction takes a share of the rows with its own start nodes (sourceShares), and
	// two that meet on an end node wait or deadlock — retried after milliseconds
	// (executeWrite). Measured with the CREATE path: 1.6x the edges/s of one transaction in
	// a quiet moment on the 2-core machine.
	EdgeConcurrency int
	// ConnectTimeout bounds the connectivity check in Open (default 10s).
	ConnectTimeout time.Duration
}

// Store is the Neo4j graph.Store.
type Store struct {
	driver   neo4j.DriverWithContext
	db       string
	log      *slog.Logger
	batch    int
	chunk    int
	page     int
	conc     int
	edgeConc int
	uri      string
}

var _ graph.Store = (*Store)(nil)

// Open connects to Neo4j and checks the connection (it does not create the schema: call Init).
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Store{db: opts.Database, log: opts.Logger, batch: opts.BatchSize, chunk: opts.DeleteChunk, page: opts.PageSize, conc: opts.WriteConcurrency, uri: opts.URI}
	if s.batch <= 0 {
		s.batch = 1000
	}
	if s.chunk <= 0 {
		s.chunk = 10000
	}
	if s.page <= 0 {
		s.page = 1000
	}
	if s.conc <= 0 {
		s.conc = 2
	}
	s.edgeConc = opts.EdgeConcurrency
	if s.edgeConc <= 0 {
		s.edgeConc = 2
	}
	timeout := opts.ConnectTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	d, err := neo4j.NewDriverWithContext(opts.URI, neo4j.BasicAuth(opts.User, opts.Password, ""), func(c *config.Config) {
		c.MaxTransactionRetryTime = 30 * time.Second
		c.ConnectionAcquisitionTimeout = time.Minute
	})
	if err != nil {
		return nil, fmt.Errorf("neo4j %s: %w", opts.URI, err)
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := d.VerifyConnectivity(cctx); err != nil {
		_ = d.Close(context.WithoutCancel(ctx))
		return nil, unavailable(fmt.Errorf("neo4j %s: not reachable (start one with `make neo4j-up`): %w", opts.URI, err))
	}
	s.driver = d
	return s, nil
}

// Init creates the constraints and indexes (idempotent) and waits for them to come online.
func (s *Store) Init(ctx context.Context) error {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	for _, st := range graph.AllSchemaCypher() {
		res, err := sess.Run(ctx, st, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			return unavailable(fmt.Errorf("neo4j init: %s: %w", st, err))
		}
	}
	res, err := sess.Run(ctx, "CALL db.awaitIndexes(300)", nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return unavailable(fmt.Errorf("neo4j init: await indexes: %w", err))
	}
	return nil
}

// Ping checks the server answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.driver.VerifyConnectivity(ctx); err != nil {
		return unavailable(fmt.Errorf("neo4j %s: %w", s.uri, err))
	}
	return nil
}

// Close closes the driver.
func (s *Store) Close(ctx context.Context) error { return s.driver.Close(ctx) }

func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.db, AccessMode: mode})
}

// memoryError replaces a Neo4j transaction-memory error inside a transaction function so the
// driver does not retry the same (too big) batch; the caller halves the batch instead.
type memoryError struct{ msg string }

func (e *memoryError) Error() string { return "neo4j transaction memory limit: " + e.msg }

// isMemoryError reports whether err is Neo4j running out of transaction or pool memory
// (Neo.TransientError.General.MemoryPoolOutOfMemoryError, …TransactionOutOfMemoryError,
// Neo.DatabaseError…OutOfMemoryError).
func isMemoryError(err error) bool {
	var ne *neo4j.Neo4jError
	if !errors.As(err, &ne) {
		return false
	}
	return strings.Contains(ne.Code, "OutOfMemory") || strings.Contains(ne.Code, "MemoryLimit") ||
		strings.Contains(ne.Code, "MemoryPool")
}

// isConstraintViolation reports whether err is a write refused by a uniqueness constraint
// (Neo.ClientError.Schema.ConstraintValidationFailed).
func isConstraintViolation(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && strings.HasSuffix(ne.Code, ".ConstraintValidationFailed")
}

func shield(err error) error {
	if isMemoryError(err) {
		return &memoryError{msg: err.Error()}
	}
	return err
}

// writeCount runs one write statement in a managed transaction and returns the int column col
// of its single row (0 when col is "").
func (s *Store) writeCount(ctx context.Context, cypher string, params map[string]any, col string) (int64, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	out, err := executeWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, shield(err)
		}
		if col == "" {
			_, err := res.Consume(ctx)
			return int64(0), shield(err)
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, shield(err)
		}
		v, _, err := neo4j.GetRecordValue[int64](rec, col)
		return v, err
	})
	if err != nil {
		return 0, err
	}
	return out.(int64), nil
}

// read runs a read statement and calls fn for each record, in a managed read transaction
// (records are collected first so fn runs outside the transaction).
func (s *Store) read(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	sess := s.session(ctx, neo4j.AccessModeRead)
	defer sess.Close(ctx)
	out, err := executeRead(ctx, sess, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return res.Collect(ctx)
	})
	if err != nil {
		return nil, err
	}
	return out.([]*neo4j.Record), nil
}

// batched runs rows through run in batches of at most size rows, halving the batch while run
// reports a transaction memory error. It returns the sum of run's counts.
func batched[T any](ctx context.Context, log *slog.Logger, rows []T, size int, run func([]T) (int64, error)) (int64, error) {
	var total int64
	for i := 0; i < len(rows); {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		end := min(i+size, len(rows))
		n, err := run(rows[i:end])
		var me *memoryError
		if errors.As(err, &me) && size > 1 {
			size = max(1, size/2)
			log.Warn("neo4j: transaction memory limit hit, halving batch", "batch", size, "error", me.msg)
			continue
		}
		if err != nil {
			return total, err
		}
		total += n
		i = end
	}
	return total, nil
}

// --- writes ---

// stmtRow is one UNWIND row of one of a write's statements (stmt indexes the statement list).
type stmtRow struct {
	stmt int
	row  map[string]any
}

// writeRows runs rows (grouped by statement, in order) in one managed transaction, one
// UNWIND statement per run of consecutive rows of the same statement (with params besides
// $rows), and returns the sum of
// the int column col of their single rows (0 when col is ""). One transaction per batch rather
// than per statement saves a commit per (label) or (type, from label, to label) group.
func (s *Store) writeRows(ctx context.Context, stmts []string, rows []stmtRow, params map[string]any, col string) (int64, error) {
	sess := s.session(ctx, neo4j.AccessModeWrite)
	defer sess.Close(ctx)
	out, err := executeWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (any, error) {
		var total int64
		for i := 0; i < len(rows); {
			j := i + 1
			for j < len(rows) && rows[j].stmt == rows[i].stmt {
				j++
			}
			batch := make([]map[string]any, j-i)
			for k := range batch {
				batch[k] = rows[i+k].row
			}
			p := make(map[string]any, len(params)+1)
			maps.Copy(p, params)
			p["rows"] = batch
			res, err := tx.Run(ctx, stmts[rows[i].stmt], p)
			if err != nil {
				return nil, shield(err)
			}
			if col == "" {
				if _, err := res.Consume(ctx); err != nil {
					return nil, shield(err)
				}
			} else {
				rec, err := res.Single(ctx)
				if err != nil {
					return nil, shield(err)
				}
				v, _, err := neo4j.GetRecordValue[int64](rec, col)
				if err != nil {
					return nil, err
				}
				total += v
			}
			i = j
		}
		return total, nil
	})
	if err != nil {
		return 0, err
	}
	return out.(int64), nil
}

// minParallelRows is the smallest share of a node write worth its own concurrent transaction.
const minParallelRows = 250

// UpsertNodes merges nodes: rows sorted by (label, id), in transactions of at most BatchSize
// rows (one UNWIND statement per label in each), split over up to WriteConcurrency concurrent
// transactions. Node merges of distinct uids take disjoint locks, each transaction in the same
// (label, uid) order, so the concurrent transactions do not deadlock.
func (s *Store) UpsertNodes(ctx context.Context, tenantID, scanID string, nodes []graph.Node) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	if scanID == "" {
		return errors.New("neo4j: upsert nodes: empty scan id")
	}
	byLabel := map[graph.Label][]graph.Node{}
	for _, n := range nodes {
		n, err := graph.ValidateNode(tenantID, n)
		if err != nil {
			return err
		}
		byLabel[n.Label] = append(byLabel[n.Label], n)
	}
	var stmts []string
	rows := make([]stmtRow, 0, len(nodes))
	for _, sc := range graph.NodeSchemas() {
		ns := byLabel[sc.Label]
		if len(ns) == 0 {
			continue
		}
		// Sorted rows take locks in one order, which keeps concurrent writers from deadlocking.
		slices.SortStableFunc(ns, func(a, b graph.Node) int { return strings.Compare(a.ID, b.ID) })
		stmt := len(stmts)
		stmts = append(stmts, sc.MergeNodesCypher())
		for _, n := range ns {
			props, err := graph.EncodeStoredProps(n.Props)
			if err != nil {
				return fmt.Errorf("neo4j: node %s: %w", n.ID, err)
			}
			props[graph.SysUID], props[graph.SysNodeID], props[graph.SysTenantID] = graph.NodeUID(tenantID, n.ID), n.ID, tenantID
			props[graph.SysFirstSeen], props[graph.SysLastSeen] = cmp.Or(n.FirstSeen, scanID), scanID
			rows = append(rows, stmtRow{stmt, props})
		}
	}
	run := func(part []stmtRow) error {
		_, err := batched(ctx, s.log, part, s.batch, func(b []stmtRow) (int64, error) {
			return s.writeRows(ctx, stmts, b, nil, "")
		})
		return err
	}
	workers := min(s.conc, len(rows)/minParallelRows)
	if workers <= 1 {
		err = run(rows)
	} else {
		// Contiguous shares, so each transaction still locks in (label, uid) order.
		share := min(s.batch, (len(rows)+workers-1)/workers)
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for i := 0; i < len(rows); i += share {
			part := rows[i:min(i+share, len(rows))]
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				return run(part)
			})
		}
		err = g.Wait()
	}
	if err != nil {
		return fmt.Errorf("neo4j: upsert %d nodes: %w", len(rows), err)
	}
	return nil
}

// UpsertEdges upserts edges — CREATE for the missing, SET for the existing, under the uid
// uniqueness constraint, with MERGE as a batch's fallback (graph.EdgeSchema.CreateEdgesCypher)
// — one statement per (type, from label, to label) so the endpoint MATCHes seek the labels'
// uid constraints, in transactions of at most BatchSize rows; rows
// whose endpoints do not exist are skipped and counted. Shares of the rows with disjoint start
// nodes run in up to EdgeConcurrency concurrent transactions (relationship writes lock both
// endpoints; a deadlock between them is retried at once by executeWrite).
func (s *Store) UpsertEdges(ctx context.Context, tenantID, scanID string, edges []graph.Edge) (int, error) {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return 0, err
	}
	if scanID == "" {
		return 0, errors.New("neo4j: upsert edges: empty scan id")
	}
	type group struct {
		t        graph.EdgeType
		from, to graph.Label
	}
	groups := map[group][]graph.Edge{}
	var order []group
	for _, e := range edges {
		e, err := graph.ValidateEdge(tenantID, e)
		if err != nil {
			return 0, err
		}
		g := group{e.Type, e.FromLabel, e.ToLabel}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], e)
	}
	slices.SortFunc(order, func(a, b group) int {
		return cmp.Or(strings.Compare(string(a.t), string(b.t)), strings.Compare(string(a.from), string(b.from)), strings.Compare(string(a.to), string(b.to)))
	})
	// Each group has its CREATE statement (the fast path) and its MERGE statement (a batch's
	// fallback when the CREATE met the uid constraint: another writer created one of its edges
	// first, or the batch holds an edge twice).
	stmts := make([]string, 0, len(order))
	merges := make([]string, 0, len(order))
	rows := make([]stmtRow, 0, len(edges))
	for _, g := range order {
		es := groups[g]
		slices.SortStableFunc(es, func(a, b graph.Edge) int { return cmp.Or(strings.Compare(a.From, b.From), strings.Compare(a.To, b.To)) })
		sc, _ := graph.EdgeSchemaFor(g.t)
		stmt := len(stmts)
		stmts = append(stmts, sc.CreateEdgesCypher(g.from, g.to))
		merges = append(merges, sc.MergeEdgesCypher(g.from, g.to))
		for _, e := range es {
			// The statement adds uid, tenant_id and last_seen (graph.EdgeUID from the ids).
			props, err := graph.EncodeStoredProps(e.Props)
			if err != nil {
				return 0, fmt.Errorf("neo4j: edge %s: %w", e.Key(), err)
			}
			first := e.FirstSeen
			if first == "" {
				first = scanID
			}
			rows = append(rows, stmtRow{stmt, map[string]any{"from": e.From, "to": e.To, "first_seen": first, "props": props}})
		}
	}
	run := func(part []stmtRow) (int64, error) {
		params := graph.MergeEdgesParams(tenantID, scanID)
		return batched(ctx, s.log, part, s.batch, func(b []stmtRow) (int64, error) {
			n, err := s.writeRows(ctx, stmts, b, params, "written")
			if isConstraintViolation(err) {
				s.log.Debug("neo4j: edge batch met the uid constraint, merging it instead", "rows", len(b), "error", err)
				return s.writeRows(ctx, merges, b, params, "written")
			}
			return n, err
		})
	}
	var written int64
	if workers := min(s.edgeConc, len(rows)/minParallelRows); workers <= 1 {
		written, err = run(rows)
	} else {
		// Shares with disjoint start nodes (sourceShares), each in transactions of at most
		// BatchSize rows, EdgeConcurrency at a time.
		var mu sync.Mutex
		g, gctx := errgroup.WithContext(ctx)
		for _, part := range sourceShares(rows, workers) {
			g.Go(func() error {
				if err := gctx.Err(); err != nil {
					return err
				}
				n, err := run(part)
				mu.Lock()
				written += n
				mu.Unlock()
				return err
			})
		}
		err = g.Wait()
	}
	if err != nil {
		return 0, fmt.Errorf("neo4j: upsert %d edges: %w", len(rows), err)
	}
	skipped := len(edges) - int(written)
	if skipped > 0 {
		s.log.Debug("edges skipped: missing endpoints", "tenant_id", tenantID, "skipped", skipped)
	}
	return skipped, nil
}

// --- reads ---

func decodeNode(tenantID string, n neo4j.Node) (graph.Node, error) {
	out := graph.Node{TenantID: tenantID}
	for _, l := range n.Labels {
		if _, ok := graph.NodeSchemaFor(graph.Label(l)); ok {
			out.Label = graph.Label(l)
			break
		}
	}
	out.ID, _ = n.Props[graph.SysNodeID].(string)
	out.FirstSeen, _ = n.Props[graph.SysFirstSeen].(string)
	out.LastSeen, _ = n.Props[graph.SysLastSeen].(string)
	props, err := graph.DecodeStoredProps(n.Props)
	if err != nil {
		return out, fmt.Errorf("neo4j: node %s: %w", out.ID, err)
	}
	out.Props = props
	return out, nil
}

// GetNode returns one node or graph.ErrNotFound.
func (s *Store) GetNode(ctx context.Context, tenantID, id string) (graph.Node, error) {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return graph.Node{}, err
	}
	key := graph.NormalizeID(id)
	recs, err := s.read(ctx, graph.GetNodeCypher(), map[string]any{"uid": graph.NodeUID(tenantID, key)})
	if err != nil {
		return graph.Node{}, fmt.Errorf("neo4j: get node %s: %w", key, err)
	}
	if len(recs) == 0 {
		return graph.Node{}, fmt.Errorf("neo4j: node %s: %w", key, graph.ErrNotFound)
	}
	n, _, err := neo4j.GetRecordValue[neo4j.Node](recs[0], "n")
	if err != nil {
		return graph.Node{}, fmt.Errorf("neo4j: get node %s: %w", key, err)
	}
	return decodeNode(tenantID, n)
}

func lowerList(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(strings.TrimSpace(s))
	}
	return out
}

// tenantEnd is the exclusive upper bound of a tenant's uids ("|" + 1 = "}").
func tenantEnd(tenantID string) string { return tenantID + "}" }

// Nodes streams matching nodes in id order, a page per read transaction.
func (s *Store) Nodes(ctx context.Context, tenantID string, q graph.NodeQuery, fn func(graph.Node) error) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	cypher, ok := graph.NodesPageCypher(q)
	if !ok {
		return nil
	}
	params := map[string]any{"after": tenantID + "|", "end": tenantEnd(tenantID), "limit": s.page,
		"types": lowerList(q.Types), "subscriptions": lowerList(q.Subscriptions), "resource_groups": lowerList(q.ResourceGroups)}
	if len(q.IDs) > 0 {
		uids := make([]string, len(q.IDs))
		for i, id := range q.IDs {
			uids[i] = graph.NodeUID(tenantID, graph.NormalizeID(id))
		}
		params["uids"] = uids
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		recs, err := s.read(ctx, cypher, params)
		if err != nil {
			return fmt.Errorf("neo4j: read nodes: %w", err)
		}
		for _, r := range recs {
			nn, _, err := neo4j.GetRecordValue[neo4j.Node](r, "n")
			if err != nil {
				return fmt.Errorf("neo4j: read nodes: %w", err)
			}
			n, err := decodeNode(tenantID, nn)
			if err != nil {
				return err
			}
			params["after"] = nn.Props[graph.SysUID]
			if err := fn(n); err != nil {
				return err
			}
		}
		if len(recs) < s.page {
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
	types := q.Types
	if len(types) == 0 {
		types = graph.EdgeTypes
	}
	types = slices.Clone(types)
	slices.Sort(types)
	types = slices.Compact(types)
	uids := func(ids []string) []string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = graph.NodeUID(tenantID, graph.NormalizeID(id))
		}
		return out
	}
	for _, t := range types {
		if _, ok := graph.EdgeSchemaFor(t); !ok {
			continue
		}
		cypher := graph.EdgesPageCypher(t, q)
		params := map[string]any{"after": tenantID + "|", "end": tenantEnd(tenantID), "limit": s.page, "from": uids(q.From), "to": uids(q.To)}
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			recs, err := s.read(ctx, cypher, params)
			if err != nil {
				return fmt.Errorf("neo4j: read %s edges: %w", t, err)
			}
			for _, r := range recs {
				e, uid, err := decodeEdge(tenantID, t, r)
				if err != nil {
					return err
				}
				params["after"] = uid
				if err := fn(e); err != nil {
					return err
				}
			}
			if len(recs) < s.page {
				break
			}
		}
	}
	return nil
}

func firstKnownLabel(v any) graph.Label {
	ls, _ := v.([]any)
	for _, l := range ls {
		if s, ok := l.(string); ok {
			if _, ok := graph.NodeSchemaFor(graph.Label(s)); ok {
				return graph.Label(s)
			}
		}
	}
	return ""
}

func decodeEdge(tenantID string, t graph.EdgeType, r *neo4j.Record) (graph.Edge, string, error) {
	rel, _, err := neo4j.GetRecordValue[neo4j.Relationship](r, "r")
	if err != nil {
		return graph.Edge{}, "", fmt.Errorf("neo4j: read %s edges: %w", t, err)
	}
	m := r.AsMap()
	e := graph.Edge{Type: t, TenantID: tenantID, FromLabel: firstKnownLabel(m["from_labels"]), ToLabel: firstKnownLabel(m["to_labels"])}
	e.From, _ = m["from"].(string)
	e.To, _ = m["to"].(string)
	e.FirstSeen, _ = rel.Props[graph.SysFirstSeen].(string)
	e.LastSeen, _ = rel.Props[graph.SysLastSeen].(string)
	props, err := graph.DecodeStoredProps(rel.Props)
	if err != nil {
		return e, "", fmt.Errorf("neo4j: edge %s: %w", e.Key(), err)
	}
	e.Props = props
	uid, _ := rel.Props[graph.SysUID].(string)
	return e, uid, nil
}

// Stats counts nodes by label, resources by type and edges by type.
func (s *Store) Stats(ctx context.Context, tenantID string) (graph.Stats, error) {
	st := graph.Stats{Nodes: map[string]int{}, ResourcesByType: map[string]int{}, Edges: map[string]int{}}
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return st, err
	}
	for _, part := range []struct {
		cypher string
		into   map[string]int
	}{{graph.StatsNodesCypher(), st.Nodes}, {graph.StatsTypesCypher(), st.ResourcesByType}, {graph.StatsEdgesCypher(), st.Edges}} {
		recs, err := s.read(ctx, part.cypher, map[string]any{"prefix": tenantID + "|"})
		if err != nil {
			return st, fmt.Errorf("neo4j: stats: %w", err)
		}
		for _, r := range recs {
			k, _, err1 := neo4j.GetRecordValue[string](r, "k")
			c, _, err2 := neo4j.GetRecordValue[int64](r, "c")
			if err := errors.Join(err1, err2); err != nil {
				return st, fmt.Errorf("neo4j: stats: %w", err)
			}
			if c > 0 {
				part.into[k] += int(c)
			}
		}
	}
	return st, nil
}

// --- deletes ---

// loopDelete runs a chunked delete statement until it deletes less than a chunk.
func (s *Store) loopDelete(ctx context.Context, cypher string, params map[string]any) (int, error) {
	params["limit"] = s.chunk
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		n, err := s.writeCount(ctx, cypher, params, "deleted")
		if err != nil {
			return total, err
		}
		total += int(n)
		if n < int64(s.chunk) {
			return total, nil
		}
	}
}

// DeleteStale removes the in-scope nodes not seen by scanID (relationships first, then nodes)
// and the stale relationships whose owning endpoint is in scope, in chunks.
func (s *Store) DeleteStale(ctx context.Context, tenantID, scanID string, scope graph.Scope) (graph.DeleteResult, error) {
	var res graph.DeleteResult
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return res, err
	}
	if scanID == "" {
		return res, errors.New("neo4j: delete stale: empty scan id")
	}
	base := func() map[string]any {
		return map[string]any{"prefix": tenantID + "|", "scan": scanID,
			"subscriptions": lowerList(scope.Subscriptions), "resource_groups": lowerList(scope.ResourceGroups)}
	}
	for _, sc := range graph.NodeSchemas() {
		for _, end := range []graph.EdgeEnd{graph.EndFrom, graph.EndTo} {
			cypher, ok := sc.StaleOwnedEdgesCypher(scope, end)
			if !ok {
				continue
			}
			p := base()
			p["types"] = graph.OwnedEdgeTypes(end)
			n, err := s.loopDelete(ctx, cypher, p)
			res.Edges += n
			if err != nil {
				return res, fmt.Errorf("neo4j: delete stale %s edges: %w", sc.Label, err)
			}
		}
		if cypher, ok := sc.StaleNodeEdgesCypher(scope); ok {
			n, err := s.loopDelete(ctx, cypher, base())
			res.Edges += n
			if err != nil {
				return res, fmt.Errorf("neo4j: delete edges of stale %s nodes: %w", sc.Label, err)
			}
		}
		if cypher, ok := sc.StaleNodesCypher(scope); ok {
			n, err := s.loopDelete(ctx, cypher, base())
			res.Nodes += n
			if err != nil {
				return res, fmt.Errorf("neo4j: delete stale %s nodes: %w", sc.Label, err)
			}
		}
	}
	s.log.Debug("stale cleanup", "tenant_id", tenantID, "scan_id", scanID, "nodes", res.Nodes, "edges", res.Edges)
	return res, nil
}

// DeleteTenant removes every node and relationship of a tenant, in chunks.
func (s *Store) DeleteTenant(ctx context.Context, tenantID string) error {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return err
	}
	for _, sc := range graph.NodeSchemas() {
		if _, err := s.loopDelete(ctx, sc.DeleteTenantCypher(), map[string]any{"prefix": tenantID + "|"}); err != nil {
			return fmt.Errorf("neo4j: delete tenant %s (%s): %w", tenantID, sc.Label, err)
		}
	}
	return nil
}

// Tenants lists the tenant ids that have nodes, sorted.
func (s *Store) Tenants(ctx context.Context) ([]string, error) {
	recs, err := s.read(ctx, graph.TenantsCypher(), nil)
	if err != nil {
		return nil, fmt.Errorf("neo4j: tenants: %w", err)
	}
	out := []string{}
	for _, r := range recs {
		if t, _, err := neo4j.GetRecordValue[string](r, "t"); err == nil && t != "" {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
