package graph

import (
	"fmt"
	"strings"
	"testing"
)

// TestGoldenCypherByID: the statements of removal by explicit id and of node heads (incremental
// scans), in their own golden file.
func TestGoldenCypherByID(t *testing.T) {
	var b strings.Builder
	for _, s := range NodeSchemas() {
		fmt.Fprintf(&b, "// %s: edges of nodes by id\n%s\n\n// %s: nodes by id\n%s\n\n", s.Label, s.DeleteNodeEdgesByIDCypher(), s.Label, s.DeleteNodesByIDCypher())
	}
	for _, e := range EdgeSchemas() {
		fmt.Fprintf(&b, "// %s: edges by uid\n%s\n\n", e.Type, e.DeleteEdgesByUIDCypher())
	}
	fmt.Fprintf(&b, "// node heads page\n%s\n", NodeHeadsPageCypher())
	got := b.String()
	for _, p := range paramRE.FindAllString(got, -1) {
		switch p {
		case "$uids", "$limit", "$after", "$end":
		default:
			t.Errorf("unexpected parameter %s", p)
		}
	}
	checkGolden(t, "by_id.cypher", got)
}
