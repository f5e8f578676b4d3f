package graphcmd

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// A gzipped export (what the service's backups are) restores from a file and from stdin, and
// gives the same stats; export --output-file X.gz writes gzip.
func TestGzipExportImportRoundTrip(t *testing.T) {
	e := newEnv(t)
	want := e.seed(t, "t1")
	file := filepath.Join(t.TempDir(), "t1.json.gz")
	if err := e.run(t, "export", "--tenant-id", "t1", "--output-file", file); err != nil {
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
	if err := e.run(t, "export", "--tenant-id", "t1"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, e.out.Bytes()) {
		t.Errorf("gunzipped export differs from the plain export")
	}

	stats := func() string {
		t.Helper()
		e.cfg.Output = "json"
		defer func() { e.cfg.Output = "text" }()
		if err := e.run(t, "stats", "--tenant-id", "t1"); err != nil {
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
		if err := s.DeleteTenant(ctx, "t1"); err != nil {
			t.Fatal(err)
		}
		if st, err := s.Stats(ctx, "t1"); err != nil || len(st.Nodes) != 0 {
			t.Fatalf("after wipe: %v %v", st, err)
		}
	}
	wipe()
	if err := e.run(t, "import", "--tenant-id", "t1", "--input", file); err != nil {
		t.Fatal(err)
	}
	if got := stats(); got != mustJSON(want) {
		t.Errorf("stats after gzip file import %s, want %s", got, mustJSON(want))
	}
	wipe()
	e.in.Reset()
	e.in.Write(gz)
	if err := e.run(t, "import", "--tenant-id", "t1", "--input", "-"); err != nil {
		t.Fatal(err)
	}
	if got := stats(); got != mustJSON(want) {
		t.Errorf("stats after gzip stdin import %s, want %s", got, mustJSON(want))
	}
	// A truncated gzip is an error, not a partial restore reported as success.
	wipe()
	e.in.Reset()
	e.in.Write(gz[:len(gz)/2])
	if err := e.run(t, "import", "--tenant-id", "t1", "--input", "-"); err == nil {
		t.Errorf("import of a truncated gzip succeeded")
	}
}
