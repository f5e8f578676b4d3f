package spec

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/atg-go/atg/internal/repotest"
)

func validSpec(t testing.TB) map[string]any {
	t.Helper()
	b, err := os.ReadFile(repotest.Testdata("specs", "valid-spec.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func resources(m map[string]any) []any { return m["model"].(map[string]any)["resources"].([]any) }
func res(m map[string]any, i int) map[string]any {
	return resources(m)[i].(map[string]any)
}

func TestValidateAcceptsGeneratedSpec(t *testing.T) {
	b, err := json.Marshal(validSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	s, err := Validate(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Model.Resources) != 10 {
		t.Fatalf("resources = %d", len(s.Model.Resources))
	}
	// the Markdown form too
	md, err := s.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Validate(md); err != nil {
		t.Fatalf("markdown: %v", err)
	}
}

// TestValidateRefuses: every bad spec is refused with the JSON path of its first problem.
func TestValidateRefuses(t *testing.T) {
	const diag = 3 // the diagnostic setting: an extension resource with a $ref scope
	scope := func(v any) func(m map[string]any) {
		return func(m map[string]any) { res(m, diag)["scope"] = v }
	}
	withVar := func(def string) func(m map[string]any) {
		return func(m map[string]any) {
			md := m["model"].(map[string]any)
			md["variables"] = append(md["variables"].([]any), map[string]any{"name": "evil", "kind": "reference", "description": "x", "default": def})
			res(m, diag)["scope"] = map[string]any{"$var": "evil"}
		}
	}
	cases := []struct {
		name string
		mut  func(m map[string]any)
		path string
	}{
		{"null resource", func(m map[string]any) { m["model"].(map[string]any)["resources"] = []any{nil} }, "model.resources[0]"},
		{"null among resources", func(m map[string]any) {
			md := m["model"].(map[string]any)
			md["resources"] = append(md["resources"].([]any), nil)
		}, "model.resources[10]"},
		{"resources not an array", func(m map[string]any) { m["model"].(map[string]any)["resources"] = "x" }, "model.resources"},
		{"no model", func(m map[string]any) { delete(m, "model") }, "model"},
		{"wrong format", func(m map[string]any) { m["format"] = "atg-spec/v9" }, "format"},
		{"unknown field", func(m map[string]any) { res(m, 2)["evil"] = 1 }, "model.resources[2].evil"},
		{"key wrong type", func(m map[string]any) { res(m, 2)["key"] = 5 }, "model.resources[2].key"},
		{"duplicate key", func(m map[string]any) { res(m, 2)["key"] = res(m, 1)["key"] }, "model.resources[2].key"},
		{"bad id", func(m map[string]any) { res(m, 2)["id"] = "/subscriptions/x/../y" }, "model.resources[2].id"},
		{"bad type", func(m map[string]any) { res(m, 2)["type"] = "vaults" }, "model.resources[2].type"},
		{"name with slash", func(m map[string]any) { res(m, 2)["name"] = "a/b" }, "model.resources[2].name"},
		{"name dotdot", func(m map[string]any) { res(m, 7)["name"] = "vnet/.." }, "model.resources[7].name"},
		{"null depends_on entry", func(m map[string]any) { res(m, 2)["depends_on"] = []any{nil} }, "model.resources[2].depends_on[0]"},
		{"unknown parent", func(m map[string]any) { res(m, 7)["parent"] = "nope" }, "model.resources[7].parent"},
		{"self scope", scope(map[string]any{"$ref": "vau_5be63b59_dia_b2055ba1"}), "model.resources[3].scope"},
		{"scope to unknown key", scope(map[string]any{"$ref": "nope"}), "model.resources[3].scope.$ref"},
		{"scope @host", scope("@127.0.0.1:9/x"), "model.resources[3].scope"},
		{"scope .evil", scope(".evil.example"), "model.resources[3].scope"},
		{"scope //host", scope("//evil.example/subscriptions/s"), "model.resources[3].scope"},
		{"scope %2F", scope("/subscriptions/s/resourceGroups/rg%2F..%2F@evil.example"), "model.resources[3].scope"},
		{"scope backslash", scope(`/subscriptions/s/resourceGroups/rg\@evil.example`), "model.resources[3].scope"},
		{"scope encoded @", scope("/subscriptions/s%40evil.example/resourceGroups/rg"), "model.resources[3].scope"},
		{"scope number", scope(5), "model.resources[3].scope"},
		{"scope suffix", scope(map[string]any{"$ref": "vau_5be63b59", "suffix": "@evil.example"}), "model.resources[3].scope.suffix"},
		{"scope var default @host", withVar("@127.0.0.1:9/x"), "model.resources[3].scope"},
		{"scope var default //host", withVar("//evil.example/x"), "model.resources[3].scope"},
		{"scope unknown var", scope(map[string]any{"$var": "nope"}), "model.resources[3].scope"},
		{"scope subscription path", scope(map[string]any{"$subscription": "/../x"}), "model.resources[3].scope"},
		{"cycle", func(m map[string]any) {
			res(m, 2)["depends_on"] = []any{"net_91584b9e"}
			res(m, 4)["depends_on"] = []any{"vau_5be63b59"}
		}, "model.resources[2]"},
		{"deep nesting", func(m map[string]any) {
			var v any = "x"
			for i := 0; i < MaxNesting+5; i++ {
				v = []any{v}
			}
			res(m, 2)["properties"] = map[string]any{"deep": v}
		}, ""},
		{"too many resources", func(m map[string]any) {
			rs := make([]any, MaxResources+1)
			for i := range rs {
				rs[i] = map[string]any{}
			}
			m["model"].(map[string]any)["resources"] = rs
		}, "model.resources"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := validSpec(t)
			c.mut(m)
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Validate(b)
			ve, ok := err.(*ValidationError)
			if !ok {
				t.Fatalf("err = %v (%T), want a *ValidationError", err, err)
			}
			if c.path != "" && ve.Path != c.path {
				t.Fatalf("path = %q (%s), want %q", ve.Path, ve.Message, c.path)
			}
			if c.path == "" && !strings.Contains(ve.Message, "nested deeper") {
				t.Fatalf("message = %s", ve.Message)
			}
		})
	}
}

func TestValidateScopeChainDepth(t *testing.T) {
	m := validSpec(t)
	md := m["model"].(map[string]any)
	rs := md["resources"].([]any)
	prev := "vau_5be63b59"
	for i := 0; i < MaxReferenceDepth+2; i++ {
		k := "lock_" + string(rune('a'+i))
		rs = append(rs, map[string]any{"key": k, "type": "Microsoft.Authorization/locks", "api_version": "2020-05-01",
			"name": k, "scope": map[string]any{"$ref": prev}})
		prev = k
	}
	md["resources"] = rs
	b, _ := json.Marshal(m)
	_, err := Validate(b)
	if err == nil || !strings.Contains(err.Error(), "scope chain deeper") {
		t.Fatalf("err = %v", err)
	}
}
