package stores

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/internal/testenv"
)

func TestOpenEmbeddedCreatesParents(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{Graph: filepath.Join(t.TempDir(), "a", "b", "graph.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if err := s.UpsertNodes(ctx, "t", "scan", []graph.Node{{Label: graph.LabelRegion, ID: "westus"}}); err != nil {
		t.Fatalf("store not initialised: %v", err)
	}
}

func TestOpenRejects(t *testing.T) {
	for _, g := range []string{"", "http://x"} {
		if _, err := Open(context.Background(), Options{Graph: g}); err == nil {
			t.Errorf("Open(%q): no error", g)
		}
	}
}

func TestIsNeo4j(t *testing.T) {
	for g, want := range map[string]bool{"bolt://localhost:7687": true, "NEO4J://h": true, "neo4j+s://h": true, "/tmp/graph.db": false, "graph.db": false} {
		if IsNeo4j(g) != want {
			t.Errorf("IsNeo4j(%q) != %v", g, want)
		}
	}
}

func TestOpenNeo4j(t *testing.T) {
	uri, user, password := testenv.RequireNeo4j(t)
	ctx := context.Background()
	s, err := Open(ctx, Options{Graph: uri, User: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, Options{Graph: uri, User: user, Password: "wrong-password"}); err == nil {
		t.Errorf("Open with a wrong password: no error")
	}
}
