package fidelity

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// A secret in the source (a tag, a property) is generated in the copy: it is not compared, so
// it neither lowers property fidelity nor shows in the diff.
func TestSecretsNotCompared(t *testing.T) {
	conn := "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + strings.Repeat("Qw8r", 21) + "==;"
	src := graph.Node{Props: map[string]any{graph.PropType: "microsoft.web/sites", graph.PropID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a",
		graph.PropTags:       map[string]any{"env": "prod", "storage": conn},
		graph.PropProperties: map[string]any{"httpsOnly": true, "webhook": "https://h.example.com/x?sv=2022-11-02&sig=" + strings.Repeat("Zx9", 6)}}}
	dst := graph.Node{Props: map[string]any{graph.PropType: "microsoft.web/sites",
		graph.PropTags:       map[string]any{"env": "prod", "storage": "generated-value-0123"},
		graph.PropProperties: map[string]any{"httpsOnly": true, "webhook": "generated"}}}
	total, equal, diffs := compareProps(src, dst, nil)
	if total != equal || len(diffs) != 0 {
		t.Errorf("secrets compared: total %d equal %d diffs %v", total, equal, diffs)
	}
	if total < 2 {
		t.Errorf("ordinary properties not compared: total %d", total)
	}
}
