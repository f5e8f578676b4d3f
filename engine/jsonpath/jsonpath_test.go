package jsonpath

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"
)

func doc(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	err := json.Unmarshal([]byte(`{
		"id": "/x",
		"properties": {
			"ipConfigurations": [
				{"name": "a", "properties": {"subnet": {"id": "s1"}}},
				{"name": "b", "properties": {"subnet": {"id": "s2"}}}
			],
			"matrix": [[1, 2], [3, 4]],
			"Mixed": {"Case": true},
			"empty": null
		},
		"tags": {"hidden-link:/a.b": "v", "plain": "p"}
	}`), &m)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestGet(t *testing.T) {
	d := doc(t)
	for _, tc := range []struct {
		path string
		fold bool
		want any
	}{
		{"id", false, "/x"},
		{"properties.ipConfigurations[1].name", false, "b"},
		{"properties.ipConfigurations[0].properties.subnet.id", false, "s1"},
		{"properties.ipConfigurations[2].name", false, nil},  // out of range
		{"properties.ipConfigurations.name", false, nil},     // key step on a list
		{"properties.matrix[1][0]", false, 3.0},              // nested indices
		{"properties.matrix[0]", false, []any{1.0, 2.0}},     // a list value
		{`tags["hidden-link:/a.b"]`, false, "v"},             // quoted key
		{`["tags"].plain`, false, "p"},                       // quoted first step
		{"properties.mixed.case", false, nil},                // case differs
		{"properties.mixed.case", true, true},                // … folded
		{"properties.Mixed.Case", true, true},                // exact under fold
		{"properties.empty", false, nil},                     // JSON null
		{"properties.ipConfigurations[x].name", false, nil},  // malformed index
		{"properties.ipConfigurations[0", false, nil},        // unclosed bracket
		{`tags["unterminated]`, false, nil},                  // unclosed quote
		{"id.more", false, nil},                              // through a scalar
		{"missing.deeper.still", false, nil},                 // absent
		{"properties.ipConfigurations[-1].name", false, nil}, // negative index
	} {
		var got any
		if tc.fold {
			got = GetFold(d, tc.path)
		} else {
			got = Get(d, tc.path)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Get(%q, fold=%v) = %#v, want %#v", tc.path, tc.fold, got, tc.want)
		}
	}
	if got := Get(d, ""); !reflect.DeepEqual(got, d) {
		t.Errorf("Get(root) = %v", got)
	}
	tags := map[string]string{"Env": "prod"}
	if Get(tags, "Env") != "prod" || Get(tags, "env") != nil || GetFold(tags, "env") != "prod" || Field(tags, "ENV") != "prod" {
		t.Error("map[string]string lookups")
	}
	if Keys(d, "Properties", "mixed", "case") != true || Keys(d, "properties", "nope", "x") != nil || Keys(nil, "a") != nil {
		t.Error("Keys")
	}
}

func TestSetDelete(t *testing.T) {
	d := doc(t)
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"properties.ipConfigurations[0].name", true},
		{"properties.matrix[1][1]", true},
		{`tags["hidden-link:/a.b"]`, true},
		{"properties.new", true},          // a new key in an existing object
		{"properties.absent.deep", false}, // Set creates no containers
		{"properties.matrix[5]", false},
		{"id.x", false},
		{"", false},
	} {
		if got := Set(d, tc.path, "X"); got != tc.ok {
			t.Errorf("Set(%q) = %v, want %v", tc.path, got, tc.ok)
		}
		if tc.ok && Get(d, tc.path) != "X" {
			t.Errorf("Set(%q) then Get = %v", tc.path, Get(d, tc.path))
		}
	}
	for _, tc := range []struct {
		path string
		ok   bool
	}{
		{"properties.ipConfigurations[1].properties.subnet", true},
		{`tags["hidden-link:/a.b"]`, true},
		{"properties.nope", false},
		{"properties.matrix[0]", false}, // list elements are not deleted
		{"", false},
	} {
		if got := Delete(d, tc.path); got != tc.ok {
			t.Errorf("Delete(%q) = %v, want %v", tc.path, got, tc.ok)
		}
		if tc.ok && Get(d, tc.path) != nil {
			t.Errorf("Delete(%q) left %v", tc.path, Get(d, tc.path))
		}
	}
	if l, _ := Get(d, "properties.matrix").([]any); len(l) != 2 {
		t.Errorf("matrix = %v", l)
	}
}

func TestDeleteAll(t *testing.T) {
	d := doc(t)
	DeleteAll(d, "properties.ipConfigurations.properties.subnet") // fans out over the list
	for i := 0; i < 2; i++ {
		if Get(d, Join(Index("properties.ipConfigurations", i), "properties")) == nil || Get(d, Index("properties.ipConfigurations", i)+".properties.subnet") != nil {
			t.Errorf("element %d: %v", i, Get(d, Index("properties.ipConfigurations", i)))
		}
	}
	DeleteAll(d, "properties.ipConfigurations[1].name") // an index picks one element
	if Get(d, "properties.ipConfigurations[0].name") != "a" || Get(d, "properties.ipConfigurations[1].name") != nil {
		t.Error("indexed DeleteAll")
	}
	DeleteAll(d, "nope.deeper")
	DeleteAll(d, "properties[")
}

func TestJoinRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		path, key, want string
	}{
		{"", "a", "a"},
		{"a", "b", "a.b"},
		{"a", "odd key", `a["odd key"]`},
		{"a", "hidden-link:/x", `a["hidden-link:/x"]`},
		{"a", "9lives", `a["9lives"]`},
		{"a", "", `a[""]`},
		{"a", `q"uote`, `a["q\"uote"]`},
		{"a", "x-y_$1", "a.x-y_$1"},
	} {
		if got := Join(tc.path, tc.key); got != tc.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tc.path, tc.key, got, tc.want)
		}
	}
	// every path Walk reports reads back the value it was reported with
	d := doc(t)
	d["weird"] = map[string]any{`q"uote`: 1.0, "a.b": []any{map[string]any{"": "empty"}}}
	var paths []string
	Walk(d, "", func(p string, v any) bool {
		paths = append(paths, p)
		if got := Get(d, p); !reflect.DeepEqual(got, v) {
			t.Errorf("Get(%q) = %v, want %v", p, got, v)
		}
		return true
	})
	sort.Strings(paths)
	if len(paths) < 30 {
		t.Errorf("Walk visited %d values: %v", len(paths), paths)
	}
	n := 0
	Walk(d, "", func(p string, v any) bool { n++; return p == "" }) // root and its children only
	if n != 1+len(d) {
		t.Errorf("pruned walk visited %d, want %d", n, 1+len(d))
	}
}

func TestParse(t *testing.T) {
	steps, ok := Parse(`a[2]["b.c"].d[0][1]`)
	want := []Step{{"a", -1}, {"", 2}, {"b.c", -1}, {"d", -1}, {"", 0}, {"", 1}}
	if !ok || !reflect.DeepEqual(steps, want) {
		t.Errorf("Parse = %v %v", steps, ok)
	}
	for _, bad := range []string{"a[", "a[1", `a["x]`, "a[x]", "a[-2]"} {
		if _, ok := Parse(bad); ok {
			t.Errorf("Parse(%q) ok", bad)
		}
	}
}
