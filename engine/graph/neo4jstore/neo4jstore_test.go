package neo4jstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/internal/testenv"
)

// openTest connects to the test Neo4j (skipping, or failing under CI, when it is unreachable).
func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	uri, user, password := testenv.RequireNeo4j(t)
	opts.URI, opts.User, opts.Password = uri, user, password
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	if err := s.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	shared := openTest(t, Options{PageSize: 300, DeleteChunk: 50}) // small pages and chunks exercise the loops
	graphtest.Run(t, func(t *testing.T) graph.Store { return shared })
}

func TestBatchedHalvesOnMemoryErrors(t *testing.T) {
	rows := make([]int, 100)
	var sizes []int
	failAbove := 20
	n, err := batched(context.Background(), slog.New(slog.DiscardHandler), rows, 64, func(b []int) (int64, error) {
		sizes = append(sizes, len(b))
		if len(b) > failAbove {
			return 0, shield(&neo4j.Neo4jError{Code: "Neo.TransientError.General.MemoryPoolOutOfMemoryError", Msg: "pool"})
		}
		return int64(len(b)), nil
	})
	if err != nil || n != 100 {
		t.Fatalf("batched: %d, %v", n, err)
	}
	if sizes[0] != 64 || sizes[1] != 32 || sizes[2] != 16 {
		t.Errorf("batch sizes %v, want 64, 32, then 16s", sizes)
	}
	// Other errors stop at once.
	boom := errors.New("boom")
	_, err = batched(context.Background(), slog.New(slog.DiscardHandler), rows, 10, func([]int) (int64, error) { return 0, boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	// A memory error at batch size 1 is returned.
	_, err = batched(context.Background(), slog.New(slog.DiscardHandler), rows, 1, func([]int) (int64, error) {
		return 0, shield(&neo4j.Neo4jError{Code: "Neo.TransientError.General.TransactionOutOfMemoryError"})
	})
	var me *memoryError
	if !errors.As(err, &me) {
		t.Errorf("err = %v, want a memory error", err)
	}
}

func TestIsMemoryError(t *testing.T) {
	for code, want := range map[string]bool{
		"Neo.TransientError.General.MemoryPoolOutOfMemoryError":  true,
		"Neo.TransientError.General.TransactionOutOfMemoryError": true,
		"Neo.TransientError.Transaction.DeadlockDetected":        false,
		"Neo.ClientError.Statement.SyntaxError":                  false,
	} {
		if got := isMemoryError(&neo4j.Neo4jError{Code: code}); got != want {
			t.Errorf("%s: %v, want %v", code, got, want)
		}
	}
	if isMemoryError(errors.New("x")) {
		t.Errorf("plain error is a memory error")
	}
}

// TestCypherExportLoads exports a tenant from the embedded store as Cypher, runs the statements
// in Neo4j, and reads the same graph back through this store.
func TestCypherExportLoads(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	src, err := boltstore.Open(filepath.Join(t.TempDir(), "graph.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close(ctx)
	if err := src.Init(ctx); err != nil {
		t.Fatal(err)
	}
	tenant := graphtest.NewTenant(t, s)
	env := graphtest.BigEnvelope(t)
	nodes := []graph.Node{{Label: graph.LabelResource, ID: env[graph.PropID].(string), Props: env}, graphtest.Simple(graph.LabelRegion, "westus")}
	for i := range 450 { // more than one UNWIND statement
		nodes = append(nodes, graphtest.Resource("s1", "rg1", "Microsoft.Web/sites", fmt.Sprintf("app%03d", i)))
	}
	if err := src.UpsertNodes(ctx, tenant, "scan-1", nodes); err != nil {
		t.Fatal(err)
	}
	var edges []graph.Edge
	for _, n := range nodes[2:] {
		e := graphtest.E(graph.EdgeLocatedIn, n, nodes[1])
		e.Props = map[string]any{"why": "it's 'quoted'\n\\ and \u0001"}
		edges = append(edges, e)
	}
	if _, err := src.UpsertEdges(ctx, tenant, "scan-2", edges); err != nil {
		t.Fatal(err)
	}
	var cy bytes.Buffer
	if _, err := graph.Export(ctx, src, tenant, graph.FormatCypher, &cy); err != nil {
		t.Fatal(err)
	}
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{})
	defer sess.Close(ctx)
	stmts := 0
	for _, st := range strings.Split(cy.String(), ";\n") {
		var lines []string
		for _, l := range strings.Split(st, "\n") {
			if !strings.HasPrefix(l, "//") {
				lines = append(lines, l)
			}
		}
		st = strings.TrimSpace(strings.Join(lines, "\n"))
		if st == "" {
			continue
		}
		res, err := sess.Run(ctx, st, nil)
		if err == nil {
			_, err = res.Consume(ctx)
		}
		if err != nil {
			t.Fatalf("statement %d: %v\n%.500s", stmts, err, st)
		}
		stmts++
	}
	want, err := src.Stats(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Stats(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stats after loading the Cypher export:\n got  %+v\n want %+v", got, want)
	}
	// Every node and edge reads back exactly as the embedded store holds it.
	var a, b bytes.Buffer
	if _, err := graph.Export(ctx, src, tenant, graph.FormatJSON, &a); err != nil {
		t.Fatal(err)
	}
	if _, err := graph.Export(ctx, s, tenant, graph.FormatJSON, &b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("JSON export from Neo4j differs from the embedded store's (%d vs %d bytes)", b.Len(), a.Len())
	}
}

// TestEdgeStoredProps checks the store-level props the edge merge builds in Cypher (uid,
// tenant_id, last_seen, first_seen) against their Go definitions.
func TestEdgeStoredProps(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	tenant := graphtest.NewTenant(t, s)
	a, b := graphtest.Resource("s1", "rg1", "Microsoft.Web/sites", "a"), graphtest.Simple(graph.LabelRegion, "westus")
	if err := s.UpsertNodes(ctx, tenant, "scan-1", []graph.Node{a, b}); err != nil {
		t.Fatal(err)
	}
	e := graphtest.E(graph.EdgeLocatedIn, a, b)
	e.Props = map[string]any{"k": "v"}
	for _, scan := range []string{"scan-1", "scan-2"} {
		if sk, err := s.UpsertEdges(ctx, tenant, scan, []graph.Edge{e}); err != nil || sk != 0 {
			t.Fatal(sk, err)
		}
	}
	recs, err := s.read(ctx, "MATCH ()-[r:LOCATED_IN]->() WHERE r.uid STARTS WITH $prefix RETURN properties(r) AS p", map[string]any{"prefix": tenant + "|"})
	if err != nil || len(recs) != 1 {
		t.Fatal(len(recs), err)
	}
	p, _ := recs[0].Get("p")
	got := p.(map[string]any)
	want := map[string]any{graph.SysUID: graph.EdgeUID(tenant, graph.NormalizeID(a.ID), graph.NormalizeID(b.ID)), graph.SysTenantID: tenant,
		graph.SysLastSeen: "scan-2", graph.SysFirstSeen: "scan-1", "k": "v", graph.SysProps: []any{"k"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored edge props\n got  %q\n want %q", got, want)
	}
}

// TestConcurrentNodeBatches writes one call's nodes (two labels, duplicate ids) in concurrent
// transactions, twice, and checks every node is stored once with first_seen kept.
func TestConcurrentNodeBatches(t *testing.T) {
	s := openTest(t, Options{BatchSize: 100, WriteConcurrency: 4})
	ctx := context.Background()
	tenant := graphtest.NewTenant(t, s)
	var nodes []graph.Node
	for i := range 1200 {
		nodes = append(nodes, graphtest.Resource("s1", "rg1", "Microsoft.Web/sites", fmt.Sprintf("app%04d", i%1000)))
		if i%4 == 0 {
			nodes = append(nodes, graphtest.Simple(graph.LabelUser, fmt.Sprintf("user%04d", i)))
		}
	}
	for _, scan := range []string{"scan-1", "scan-2"} {
		if err := s.UpsertNodes(ctx, tenant, scan, nodes); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Stats(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes[string(graph.LabelResource)] != 1000 || st.Nodes[string(graph.LabelUser)] != 300 {
		t.Fatalf("stats %+v, want 1000 resources and 300 users", st.Nodes)
	}
	n, err := s.GetNode(ctx, tenant, nodes[0].ID)
	if err != nil || n.FirstSeen != "scan-1" || n.LastSeen != "scan-2" {
		t.Fatalf("node %+v, %v: want first_seen scan-1, last_seen scan-2", n, err)
	}
}
