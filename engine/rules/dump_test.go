package rules

import (
	"os"
	"testing"
)

func TestDumpPayloadEdges(t *testing.T) {
	if os.Getenv("RULES_DUMP") == "" {
		t.Skip("set RULES_DUMP=1 to print the edges of every payload")
	}
	for _, f := range armFiles(t) {
		n := loadNode(t, f)
		r := Apply(n, nil)
		t.Logf("== %s (%s %s)", f, n.Label, n.ID)
		for _, s := range es(r.Edges) {
			t.Logf("   %s", s)
		}
	}
}
