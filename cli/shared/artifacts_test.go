package shared

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/engine/iac/iactest"
)

func TestDemoArtifacts(t *testing.T) {
	nodes, err := iactest.LoadNodes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	st := iactest.NewMemStore()
	ctx := context.Background()
	if err := st.UpsertNodes(ctx, iactest.TenantID, "s1", nodes); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files, err := DemoArtifacts(ctx, st, iactest.TenantID, dir)
	if err != nil || len(files) != 2 {
		t.Fatalf("files %v, err %v", files, err)
	}
	for _, p := range []string{"spec.md", "terraform/main.tf", "terraform/skipped.json"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
}
