package graphcmd

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/internal/testenv"
)

// A gzipped export (what the service's backups are) restores from a file and from stdin, and
// gives the same stats; export --output-file X.gz writes gzip.
func TestGzipExportImportRoundTrip(t *testing.T) {
	gzipRoundTrip(t, newEnv(t), "t1")
}

// The same through `atg graph` on Neo4j.
func TestGzipExportImportRoundTripNeo4j(t *testing.T) {
	uri, user, password := testenv.RequireNeo4j(t)
	e := newEnv(t)
	e.f.GraphStore = func(ctx context.Context) (graph.Store, error) {
		return stores.Open(ctx, stores.Options{Graph: uri, User: user, Password: password})
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	tenant := "graphcmd-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx := context.Background()
		if s, err := e.f.GraphStore(ctx); err == nil {
			_ = s.DeleteTenant(ctx, tenant)
			_ = s.Close(ctx)
		}
	})
	gzipRoundTrip(t, e, tenant)
}

func gzipRoundTrip(t *testing.T, e *env, tenant string) {
	t.Helper()
	want := e.seed(t, tenant)
	file := filepath.Join(t.TempDir(), tenant+".json.gz")
	if err := e.run(t, "export", "--tenant-id", tenant, "--output-file", file); err != nil {
		t.Fatal(err)
	}
	gz, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatalf("export to %s is not gzip: %v", file, err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.run(t, "export", "--tenant-id", tenant); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, e.out.Bytes()) {
		t.Errorf("gunzipped export differs from the plain export")
	}

	stats := func() string {
		t.Helper()
		e.cfg.Output = "json"
		defer func() { e.cfg.Output = "text" }()
		if err := e.run(t, "stats", "--tenant-id", tenant); err != nil {
			t.Fatal(err)
		}
		var st graph.Stats
		if err := json.Unmarshal(e.out.Bytes(), &st); err != nil {
			t.Fatal(err)
		}
		return mustJSON(st)
	}
	wipe := func() {
		t.Helper()
		ctx := context.Background()
		s, err := e.f.GraphStore(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close(ctx)
		if err := s.DeleteTenant(ctx, tenant); err != nil {
			t.Fatal(err)
		}
		if st, err := s.Stats(ctx, tenant); err != nil || len(st.Nodes) != 0 {
			t.Fatalf("after wipe: %v %v", st, err)
		}
	}
	wipe()
	if err := e.run(t, "import", "--tenant-id", tenant, "--input", file); err != nil {
		t.Fatal(err)
	}
	if got := stats(); got != mustJSON(want) {
		t.Errorf("stats after gzip file import %s, want %s", got, mustJSON(want))
	}
	wipe()
	e.in.Reset()
	e.in.Write(gz)
	if err := e.run(t, "import", "--tenant-id", tenant, "--input", "-"); err != nil {
		t.Fatal(err)
	}
	if got := stats(); got != mustJSON(want) {
		t.Errorf("stats after gzip stdin import %s, want %s", got, mustJSON(want))
	}
	// A truncated gzip is an error, not a partial restore reported as success.
	wipe()
	e.in.Reset()
	e.in.Write(gz[:len(gz)/2])
	if err := e.run(t, "import", "--tenant-id", tenant, "--input", "-"); err == nil {
		t.Errorf("import of a truncated gzip succeeded")
	}
}
