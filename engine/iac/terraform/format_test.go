package terraform

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
)

func TestFastFormatMatchesHclwrite(t *testing.T) {
	nodes, err := iactest.LoadNodes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	iactest.PlantSecrets(nodes)
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := rawBlocks(m)
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range raw {
		want := hclwrite.Format(b)
		got := fastFormat(b)
		if !bytes.Equal(want, got) {
			wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
			for j := range wl {
				if j >= len(gl) || wl[j] != gl[j] {
					g := ""
					if j < len(gl) {
						g = gl[j]
					}
					t.Fatalf("block %d line %d:\nhclwrite: %q\nfast:     %q", i, j+1, wl[j], g)
				}
			}
			t.Fatalf("block %d: lengths differ", i)
		}
	}
	// odd strings
	for _, src := range []string{"a = \"x = {\"\nbb = 1\n", "x = {\n\"k y\" = \"}\"\nz = [\n1,\n]\n}\n"} {
		if w, g := hclwrite.Format([]byte(src)), fastFormat([]byte(src)); !bytes.Equal(w, g) {
			t.Errorf("%q: hclwrite %q, fast %q", src, w, g)
		}
	}
}
