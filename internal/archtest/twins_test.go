package archtest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/internal/repotest"
)

// jsonShapes maps each struct type of the Go files under dir to its sorted JSON field names.
func jsonShapes(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			ts, ok := n.(*ast.TypeSpec)
			if !ok {
				return true
			}
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				return true
			}
			var names []string
			for _, fl := range st.Fields.List {
				if fl.Tag == nil {
					continue
				}
				tag := reflect.StructTag(strings.Trim(fl.Tag.Value, "`")).Get("json")
				name, _, _ := strings.Cut(tag, ",")
				if name != "" && name != "-" {
					names = append(names, name)
				}
			}
			slices.Sort(names)
			rel, _ := filepath.Rel(repotest.Root(), path)
			out[rel+":"+ts.Name.Name] = names
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNoWireTwins: api/ is the whole wire contract. No struct in the service or the CLI may
// carry the same JSON fields as an api type (a twin that could drift from it); they use the
// api types (or aliases of them).
func TestNoWireTwins(t *testing.T) {
	root := repotest.Root()
	wire := jsonShapes(t, filepath.Join(root, "api"))
	if len(wire) < 8 {
		t.Fatalf("found only %d wire types in api/", len(wire))
	}
	for _, dir := range []string{"handler", "cli"} {
		if _, err := os.Stat(filepath.Join(root, dir)); err != nil {
			t.Fatal(err)
		}
		for name, fields := range jsonShapes(t, filepath.Join(root, dir)) {
			if len(fields) < 3 {
				continue
			}
			for wname, wfields := range wire {
				if slices.Equal(fields, wfields) {
					t.Errorf("%s has the JSON shape of %s: use the api type", name, wname)
				}
			}
		}
	}
}
