package kql

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Row is one row a query runs over. Rows may be lazy: Get reads one column, Full builds them all.
type Row interface {
	// Get returns a column, or a dotted path into one (properties.x.y); nil when absent.
	Get(col string) any
	// Full returns every column of the row (what a result page returns).
	Full() map[string]any
}

// Projected is a materialised row: what project, extend, count and summarize produce.
type Projected map[string]any

// Get implements Row.
func (p Projected) Get(col string) any { return LookupPath(p, col) }

// Full implements Row.
func (p Projected) Full() map[string]any { return p }

// Result is an evaluated query.
type Result struct {
	Rows    []Row
	IDKept  bool     // the rows still carry the id column (ARG pages with $skipToken only then)
	Columns []string // the result's columns, in order (the table result format)
}

// Eval runs q's stages over rows, which have the given columns (rows are in their table's
// order). rows' backing array may be reused.
func Eval(q *Query, rows []Row, columns []string) Result {
	idKept := true
	cols := slices.Clone(columns)
	for _, st := range q.stages {
		switch st.kind {
		case "project":
			cols = cols[:0:0]
			for _, c := range st.cols {
				cols = append(cols, c.name)
			}
		case "extend":
			for _, c := range st.cols {
				if !slices.Contains(cols, c.name) {
					cols = append(cols, c.name)
				}
			}
		case "count":
			cols = []string{"Count"}
		case "summarize":
			cols = []string{st.by[strings.LastIndexByte(st.by, '.')+1:], "count_"}
		}
		switch st.kind {
		case "where":
			kept := rows[:0:0]
			for _, r := range rows {
				ok := true
				for _, p := range st.preds {
					if !p.match(r) {
						ok = false
						break
					}
				}
				if ok {
					kept = append(kept, r)
				}
			}
			rows = kept
		case "project":
			idKept = false
			for _, c := range st.cols {
				if c.name == "id" {
					idKept = true
				}
			}
			for i, r := range rows {
				m := make(map[string]any, len(st.cols))
				for _, c := range st.cols {
					m[c.name] = r.Get(c.src)
				}
				rows[i] = Projected(m)
			}
		case "extend":
			for i, r := range rows {
				m := r.Full()
				nm := make(map[string]any, len(m)+len(st.cols))
				for k, v := range m {
					nm[k] = v
				}
				for _, c := range st.cols {
					nm[c.name], _ = extendValue(r, c.src)
				}
				rows[i] = Projected(nm)
			}
		case "order":
			sort.SliceStable(rows, func(i, j int) bool {
				for _, k := range st.order {
					a, b := fmt.Sprint(rows[i].Get(k.col)), fmt.Sprint(rows[j].Get(k.col))
					if a == b {
						continue
					}
					return (a < b) != k.desc
				}
				return false
			})
		case "limit":
			if len(rows) > st.limit {
				rows = rows[:st.limit]
			}
		case "count":
			rows = []Row{Projected{"Count": len(rows)}}
			idKept = false
		case "summarize":
			counts := map[string]int{}
			var keys []string
			for _, r := range rows {
				k := fmt.Sprint(r.Get(st.by))
				if _, ok := counts[k]; !ok {
					keys = append(keys, k)
				}
				counts[k]++
			}
			sort.Strings(keys)
			rows = rows[:0:0]
			name := st.by[strings.LastIndexByte(st.by, '.')+1:]
			for _, k := range keys {
				rows = append(rows, Projected{name: k, "count_": counts[k]})
			}
			idKept = false
		}
	}
	return Result{Rows: rows, IDKept: idKept, Columns: cols}
}

// extendValue evaluates an extend expression: a column path, a string literal, or
// tostring/tolower/toupper of a column path (row nil: only validates).
func extendValue(r Row, src string) (any, error) {
	if v, ok := Unquote(src); ok {
		return v, nil
	}
	if IsPath(src) {
		if r == nil {
			return nil, nil
		}
		return r.Get(src), nil
	}
	fn, arg, ok := strings.Cut(src, "(")
	arg = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(arg), ")"))
	fn = strings.ToLower(strings.TrimSpace(fn))
	if !ok || !strings.HasSuffix(src, ")") || !IsPath(arg) || (fn != "tostring" && fn != "tolower" && fn != "toupper") {
		return nil, &Error{Msg: fmt.Sprintf("Unsupported extend expression '%s'.", src), Token: src}
	}
	if r == nil {
		return nil, nil
	}
	v := r.Get(arg)
	if v == nil {
		return "", nil
	}
	var str string
	if sv, ok := v.(string); ok {
		str = sv
	} else {
		b, _ := json.Marshal(v)
		str = string(b)
	}
	switch fn {
	case "tolower":
		str = strings.ToLower(str)
	case "toupper":
		str = strings.ToUpper(str)
	}
	return str, nil
}

// Table renders result objects as ARG's table result format: typed columns and rows.
func Table(cols []string, objs []map[string]any) map[string]any {
	columns := make([]any, 0, len(cols))
	for _, c := range cols {
		typ := "string"
		for _, o := range objs {
			switch o[c].(type) {
			case nil:
				continue
			case bool:
				typ = "boolean"
			case int, int64, float64:
				typ = "integer"
			case map[string]any, []any, []string:
				typ = "object"
			}
			break
		}
		columns = append(columns, map[string]any{"name": c, "type": typ})
	}
	rows := make([]any, 0, len(objs))
	for _, o := range objs {
		row := make([]any, 0, len(cols))
		for _, c := range cols {
			row = append(row, o[c])
		}
		rows = append(rows, row)
	}
	return map[string]any{"columns": columns, "rows": rows}
}
