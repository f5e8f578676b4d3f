package boltstore

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/errs"
)

func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "sub", "dir", "graph.db"), Options{})
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
	graphtest.Run(t, func(t *testing.T) graph.Store { return openTemp(t) })
}

func TestSecondOpenIsLocked(t *testing.T) {
	s := openTemp(t)
	start := time.Now()
	_, err := Open(s.Path(), Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if errs.CodeOf(err) != errs.Unavailable {
		t.Errorf("a locked file is unavailable (another process may let go), got code %s", errs.CodeOf(err))
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %s", d)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	ctx := context.Background()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.UpsertNodes(ctx, "t1", "scan-1", []graph.Node{{Label: graph.LabelRegion, ID: "westus"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := s.GetNode(ctx, "t1", "westus"); err != nil || n.LastSeen != "scan-1" {
		t.Fatalf("after reopen: %+v %v", n, err)
	}
}
