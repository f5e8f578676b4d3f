package infratest

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// root returns the repository root (the directory holding go.mod).
func root(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

func bicepDir(t *testing.T) string { return filepath.Join(root(t), "infra", "bicep") }

// bicepFiles returns every .bicep file under infra/bicep, sorted.
func bicepFiles(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(bicepDir(t), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".bicep") {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 {
		t.Fatalf("found only %d .bicep files under infra/bicep: %v", len(out), out)
	}
	sort.Strings(out)
	return out
}

func mustRead(t *testing.T, path string) *File {
	t.Helper()
	f, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustParams(t *testing.T, f *File) map[string]Param {
	t.Helper()
	ps, err := f.Params()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Param{}
	for _, p := range ps {
		if _, dup := out[p.Name]; dup {
			t.Fatalf("%s: param %s declared twice", f.Path, p.Name)
		}
		out[p.Name] = p
	}
	return out
}

func rel(t *testing.T, p string) string {
	r, err := filepath.Rel(root(t), p)
	if err != nil {
		return p
	}
	return r
}

var environments = []string{"dev", "int", "prod"}
