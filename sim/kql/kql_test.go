package kql

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

var testColumns = []string{"id", "name", "type", "location", "properties", "tags"}

func testRows() []Row {
	mk := func(i int, typ, loc, env string) Row {
		return Projected{"id": fmt.Sprintf("/subscriptions/s/resourceGroups/rg/providers/%s/r%d", typ, i), "name": fmt.Sprintf("R%d", i),
			"type": typ, "location": loc, "properties": map[string]any{"state": "Running", "n": i, "created": fmt.Sprintf("2026-01-0%dT00:00:00Z", i+1)},
			"tags": map[string]any{"Env": env}}
	}
	return []Row{mk(0, "a/vm", "eastus", "prod"), mk(1, "a/vm", "westeurope", "dev"), mk(2, "b/disk", "eastus", "prod"), mk(3, "b/disk", "eastus2", "")}
}

func names(rows []Row) string {
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprint(r.Get("name")))
	}
	return strings.Join(out, ",")
}

func TestEvalStages(t *testing.T) {
	for _, tc := range []struct {
		q, names string
		cols     []string
		idKept   bool
	}{
		{"resources", "R0,R1,R2,R3", testColumns, true},
		{"Resources | where type =~ 'A/VM'", "R0,R1", testColumns, true},
		{"resources | where location in ('eastus', 'eastus2') and tags.env == 'prod'", "R0,R2", testColumns, true},
		{"resources | where location !in~ ('EASTUS') | where name != 'R1'", "R3", testColumns, true},
		{"resources | where name startswith 'r' and name endswith '2'", "R2", testColumns, true},
		{"resources | where properties.created >= datetime(2026-01-02) and properties.created < '2026-01-04'", "R1,R2", testColumns, true},
		{"resources | order by location asc, name desc", "R2,R0,R3,R1", testColumns, true},
		{"resources | sort by name | take 2", "R3,R2", testColumns, true},
		{"resources | project name, loc = location", "R0,R1,R2,R3", []string{"name", "loc"}, false},
		{"resources | project id, name | limit 1", "R0", []string{"id", "name"}, true},
		{"resources | extend name = toupper(type), x = 'lit' | where x == 'lit'", "A/VM,A/VM,B/DISK,B/DISK", append(testColumns[:6:6], "x"), true},
	} {
		q, err := Parse(tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.q, err)
		}
		res := Eval(q, testRows(), testColumns)
		if got := names(res.Rows); got != tc.names || !reflect.DeepEqual(res.Columns, tc.cols) || res.IDKept != tc.idKept {
			t.Errorf("%s: rows %s cols %v id %v; want %s %v %v", tc.q, got, res.Columns, res.IDKept, tc.names, tc.cols, tc.idKept)
		}
	}
}

func TestEvalAggregates(t *testing.T) {
	q, _ := Parse("resources | where location startswith 'east' | count")
	if res := Eval(q, testRows(), testColumns); len(res.Rows) != 1 || res.Rows[0].Get("Count") != 3 || res.IDKept || !reflect.DeepEqual(res.Columns, []string{"Count"}) {
		t.Errorf("count: %v %v", res.Rows[0].Full(), res.Columns)
	}
	q, _ = Parse("resources | summarize count() by tags.Env")
	res := Eval(q, testRows(), testColumns)
	var got []string
	for _, r := range res.Rows {
		got = append(got, fmt.Sprint(r.Get("Env"), "=", r.Get("count_")))
	}
	if strings.Join(got, " ") != "=1 dev=1 prod=2" || !reflect.DeepEqual(res.Columns, []string{"Env", "count_"}) {
		t.Errorf("summarize: %v %v", got, res.Columns)
	}
	q, _ = Parse("resources | extend p = tostring(properties.n), l = tolower(name) | project p, l")
	if res := Eval(q, testRows(), testColumns); res.Rows[1].Get("p") != "1" || res.Rows[1].Get("l") != "r1" {
		t.Errorf("extend: %v", res.Rows[1].Full())
	}
}

func TestParseErrors(t *testing.T) {
	for q, token := range map[string]string{
		"nosuchtable":                         "nosuchtable",
		"resources | bogus x":                 "bogus",
		"resources | where name":              "name",
		"resources | where name == unquoted":  "unquoted",
		"resources | where name in 'x'":       "'x'",
		"resources | where t > 'notadate'":    "'notadate'",
		"resources | where a ?? 'b'":          "??",
		"resources | project a b":             "a b",
		"resources | project ":                "project",
		"resources | extend x = foo(bar)":     "foo(bar)",
		"resources | order id":                "id",
		"resources | order by id sideways":    "sideways",
		"resources | limit -1":                "-1",
		"resources | count 3":                 "3",
		"resources | summarize sum() by x":    "sum() by x",
		"resources | where name =~ 'a' and b": "b",
	} {
		_, err := Parse(q)
		var ke *Error
		if !errors.As(err, &ke) || ke.Token != token || ke.Msg == "" {
			t.Errorf("%s: err %v (token %q), want token %q", q, err, func() string {
				if ke != nil {
					return ke.Token
				}
				return ""
			}(), token)
		}
	}
}

func TestTableTypesColumns(t *testing.T) {
	got := Table([]string{"s", "b", "n", "o", "none"}, []map[string]any{{"s": "x", "b": true, "n": 3, "o": map[string]any{}}, {"none": nil}})
	want := []any{map[string]any{"name": "s", "type": "string"}, map[string]any{"name": "b", "type": "boolean"},
		map[string]any{"name": "n", "type": "integer"}, map[string]any{"name": "o", "type": "object"}, map[string]any{"name": "none", "type": "string"}}
	if !reflect.DeepEqual(got["columns"], want) || len(got["rows"].([]any)) != 2 {
		t.Errorf("table: %v", got)
	}
}

func TestHelpers(t *testing.T) {
	m := map[string]any{"Properties": map[string]any{"vmSize": "D2"}}
	if LookupPath(m, "properties.VMSIZE") != "D2" || LookupPath(m, "properties.x.y") != nil || FieldKey(m, "PROPERTIES") != "Properties" {
		t.Error("LookupPath/FieldKey fold case")
	}
	if got := SplitFold("a AND b and c", " and "); !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
		t.Errorf("SplitFold: %v", got)
	}
	if !IsPath("a.b_1") || IsPath("a..b") || IsPath("1a") {
		t.Error("IsPath")
	}
	if s, ok := Unquote(`"x"`); !ok || s != "x" {
		t.Error("Unquote")
	}
}
