package mcpserver_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/neo4jstore"
	"github.com/atg-go/atg/engine/mcpserver"
	"github.com/atg-go/atg/engine/mcpserver/mcptest"
	"github.com/atg-go/atg/internal/testenv"
)

// connect serves the tools for tenant over an in-memory transport and returns the client.
func connect(t *testing.T, st graph.Store, tenant string) *mcp.ClientSession {
	t.Helper()
	srv, err := mcpserver.New(mcpserver.Options{Store: st, TenantID: tenant, Now: func() time.Time { return time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	t1, t2 := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, t1, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "atg-test", Version: "0"}, nil).Connect(ctx, t2, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

func TestConformanceBolt(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	su := mcptest.Prepare(t, st, 3101, false)
	mcptest.Run(t, connect(t, st, su.Tenant), su)
}

func TestConformanceNeo4j(t *testing.T) {
	uri, user, pw := testenv.RequireNeo4j(t)
	ctx := context.Background()
	st, err := neo4jstore.Open(ctx, neo4jstore.Options{URI: uri, User: user, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	su := mcptest.Prepare(t, st, 3102, true)
	defer su.Cleanup(st)
	// the read transaction refuses writes even when the clause check is bypassed
	if _, err := st.ReadQuery(ctx, "CREATE (n:AtgWriteProbe) RETURN n", nil, 5*time.Second, 10, nil); err == nil {
		t.Error("a write ran in the read transaction")
	}
	mcptest.Run(t, connect(t, st, su.Tenant), su)
}

func TestNewRejectsBadOptions(t *testing.T) {
	if _, err := mcpserver.New(mcpserver.Options{TenantID: "t"}); err == nil {
		t.Error("no store accepted")
	}
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if _, err := mcpserver.New(mcpserver.Options{Store: st, TenantID: "bad|tenant"}); err == nil {
		t.Error("a bad tenant id accepted")
	}
}

// TestConcurrentCalls: tools sharing the snapshot are safe to call in parallel (run with -race).
func TestConcurrentCalls(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	su := mcptest.Prepare(t, st, 3106, false)
	cs := connect(t, st, su.Tenant)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := []string{"posture_findings", "exposure_paths", "stats", "search_resources"}[i%4]
			res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: map[string]any{}})
			if err == nil && res.IsError {
				err = fmt.Errorf("%s: tool error", name)
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
