package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/internal/repotest"
)

const testTenant = "11111111-1111-1111-1111-111111111111"

func armDir(t testing.TB) string { return repotest.ARMExamplesDir() }

func loadEnvelope(t testing.TB, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(armDir(t), file))
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	var env map[string]any
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatalf("decode %s: %v", file, err)
	}
	return env
}

func loadNode(t testing.TB, file string) graph.Node {
	t.Helper()
	return discover.NodeFromARM(testTenant, loadEnvelope(t, file))
}

// armFiles lists every payload in arm-examples (manifest excluded).
func armFiles(t testing.TB) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(armDir(t), "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range m {
		if filepath.Base(f) != "manifest.json" {
			out = append(out, filepath.Base(f))
		}
	}
	if len(out) < 50 {
		t.Fatalf("expected the arm-examples payloads, found %d files in %s", len(out), armDir(t))
	}
	return out
}

// es renders edges compactly: "TYPE FromLabel:from -> ToLabel:to [path]".
func es(edges []graph.Edge) []string {
	out := make([]string, 0, len(edges))
	for _, e := range edges {
		s := string(e.Type) + " " + string(e.FromLabel) + ":" + e.From + " -> " + string(e.ToLabel) + ":" + e.To
		if p, ok := e.Props[graph.PropPath]; ok {
			s += " [" + p.(string) + "]"
		}
		out = append(out, s)
	}
	return out
}

func ofType(edges []graph.Edge, t graph.EdgeType) []graph.Edge {
	var out []graph.Edge
	for _, e := range edges {
		if e.Type == t {
			out = append(out, e)
		}
	}
	return out
}
