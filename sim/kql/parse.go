// Package kql is the simulator's Resource Graph query engine: a parser for the subset of KQL
// the simulator supports and an evaluator over rows. The rows and the HTTP handler (paging,
// facets, throttling) are the simulator's (package sim); kql knows nothing of resources.
package kql

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Query is a parsed query: its table and its pipeline of stages.
type Query struct {
	Table  string // lower-cased: resources, resourcecontainers, authorizationresources, resourcechanges, resourcecontainerchanges
	stages []stage
}

type stage struct {
	kind  string // where | project | order | limit | count | summarize
	preds []pred
	cols  []projCol
	order []orderKey
	limit int
	by    string
}

type projCol struct{ name, src string }
type orderKey struct {
	col  string
	desc bool
}

type pred struct {
	col, op string
	vals    []string
}

// Error is a parse failure: Msg and the offending Token, as ARG's BadRequest/InvalidQuery
// body reports them (ParserFailure details).
type Error struct{ Msg, Token string }

func (e *Error) Error() string { return e.Msg }

func splitPipes(q string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(ch)
	}
	return append(out, strings.TrimSpace(cur.String()))
}

// Parse parses the supported subset of KQL: a table, then where (and-ed predicates), project,
// extend, order/sort by, limit/take, count and summarize count() by. Its errors are *Error.
func Parse(q string) (*Query, error) {
	parts := splitPipes(strings.TrimSpace(q))
	k := &Query{Table: strings.ToLower(parts[0])}
	switch k.Table {
	case "resources", "resourcecontainers", "authorizationresources", "resourcechanges", "resourcecontainerchanges":
	default:
		return nil, &Error{Msg: fmt.Sprintf("Table '%s' is not supported by the simulator (resources, resourcecontainers, authorizationresources, resourcechanges, resourcecontainerchanges).", parts[0]), Token: parts[0]}
	}
	for _, p := range parts[1:] {
		word, rest, _ := strings.Cut(p, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToLower(word) {
		case "where":
			var preds []pred
			for _, c := range SplitFold(rest, " and ") {
				pr, err := parsePred(strings.TrimSpace(c))
				if err != nil {
					return nil, err
				}
				preds = append(preds, pr)
			}
			k.stages = append(k.stages, stage{kind: "where", preds: preds})
		case "project":
			var cols []projCol
			for _, c := range strings.Split(rest, ",") {
				c = strings.TrimSpace(c)
				if c == "" {
					return nil, &Error{Msg: "empty column in project", Token: "project"}
				}
				name, src, ok := strings.Cut(c, "=")
				if !ok {
					name, src = c, c
				}
				name, src = strings.TrimSpace(name), strings.TrimSpace(src)
				if !isIdent(name) || !IsPath(src) {
					return nil, &Error{Msg: fmt.Sprintf("Unsupported project column '%s'.", c), Token: c}
				}
				cols = append(cols, projCol{name: name, src: src})
			}
			k.stages = append(k.stages, stage{kind: "project", cols: cols})
		case "extend":
			var cols []projCol
			for _, c := range strings.Split(rest, ",") {
				name, src, ok := strings.Cut(strings.TrimSpace(c), "=")
				name, src = strings.TrimSpace(name), strings.TrimSpace(src)
				if !ok || !isIdent(name) {
					return nil, &Error{Msg: fmt.Sprintf("Unsupported extend column '%s' (name = column, 'literal', tostring(col), tolower(col) or toupper(col)).", c), Token: c}
				}
				if _, err := extendValue(nil, src); err != nil {
					return nil, err
				}
				cols = append(cols, projCol{name: name, src: src})
			}
			k.stages = append(k.stages, stage{kind: "extend", cols: cols})
		case "order", "sort":
			by, r2, _ := strings.Cut(rest, " ")
			if !strings.EqualFold(by, "by") {
				return nil, &Error{Msg: "expected 'by' after order", Token: by}
			}
			var keys []orderKey
			for _, c := range strings.Split(r2, ",") {
				f := strings.Fields(c)
				if len(f) == 0 || len(f) > 2 || !IsPath(f[0]) {
					return nil, &Error{Msg: fmt.Sprintf("Unsupported order key '%s'.", c), Token: c}
				}
				ok := orderKey{col: f[0], desc: true} // KQL's default order is descending
				if len(f) == 2 {
					switch strings.ToLower(f[1]) {
					case "asc":
						ok.desc = false
					case "desc":
					default:
						return nil, &Error{Msg: "expected asc or desc", Token: f[1]}
					}
				}
				keys = append(keys, ok)
			}
			k.stages = append(k.stages, stage{kind: "order", order: keys})
		case "limit", "take":
			n, err := strconv.Atoi(rest)
			if err != nil || n < 0 {
				return nil, &Error{Msg: "limit needs a non-negative integer", Token: rest}
			}
			k.stages = append(k.stages, stage{kind: "limit", limit: n})
		case "count":
			if rest != "" {
				return nil, &Error{Msg: "count takes no arguments", Token: rest}
			}
			k.stages = append(k.stages, stage{kind: "count"})
		case "summarize":
			f := strings.Fields(rest)
			if len(f) != 3 || !strings.EqualFold(f[0], "count()") || !strings.EqualFold(f[1], "by") || !IsPath(f[2]) {
				return nil, &Error{Msg: "only 'summarize count() by <column>' is supported", Token: rest}
			}
			k.stages = append(k.stages, stage{kind: "summarize", by: f[2]})
		default:
			return nil, &Error{Msg: fmt.Sprintf("Operator '%s' is not supported by the simulator.", word), Token: word}
		}
	}
	return k, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// IsPath reports whether s is a column or a dotted path into one (properties.x.y).
func IsPath(s string) bool {
	for _, p := range strings.Split(s, ".") {
		if !isIdent(p) {
			return false
		}
	}
	return true
}

func parsePred(c string) (pred, error) {
	f := strings.SplitN(c, " ", 3)
	if len(f) != 3 || !IsPath(f[0]) {
		return pred{}, &Error{Msg: fmt.Sprintf("Unsupported predicate '%s'.", c), Token: c}
	}
	p := pred{col: f[0], op: strings.ToLower(f[1])}
	v := strings.TrimSpace(f[2])
	switch p.op {
	case "in", "in~", "!in", "!in~":
		if !strings.HasPrefix(v, "(") || !strings.HasSuffix(v, ")") {
			return pred{}, &Error{Msg: "expected a parenthesised list after in", Token: v}
		}
		for _, x := range strings.Split(v[1:len(v)-1], ",") {
			s, ok := Unquote(strings.TrimSpace(x))
			if !ok {
				return pred{}, &Error{Msg: "expected string literals in list", Token: x}
			}
			p.vals = append(p.vals, s)
		}
	case ">", ">=", "<", "<=":
		tm, ok := parseDatetime(v)
		if !ok {
			return pred{}, &Error{Msg: "expected datetime(...) after a comparison", Token: v}
		}
		p.vals = []string{tm.Format(time.RFC3339Nano)}
	case "==", "=~", "!=", "!~", "contains", "startswith", "endswith", "has":
		s, ok := Unquote(v)
		if !ok {
			return pred{}, &Error{Msg: "expected a string literal", Token: v}
		}
		p.vals = []string{s}
	default:
		return pred{}, &Error{Msg: fmt.Sprintf("Operator '%s' is not supported in where.", f[1]), Token: f[1]}
	}
	return p, nil
}

// parseDatetime reads datetime(2024-05-01T10:00:00Z), datetime('…') or a quoted timestamp.
func parseDatetime(v string) (time.Time, bool) {
	if low := strings.ToLower(v); strings.HasPrefix(low, "datetime(") && strings.HasSuffix(v, ")") {
		v = strings.TrimSpace(v[len("datetime(") : len(v)-1])
		if u, ok := Unquote(v); ok {
			v = u
		}
	} else if u, ok := Unquote(v); ok {
		v = u
	} else {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Unquote strips the quotes of a '…' or "…" string literal; ok is false for anything else.
func Unquote(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"') {
		return s[1 : len(s)-1], true
	}
	return "", false
}

func (p pred) match(a Row) bool {
	v := fmt.Sprint(a.Get(p.col))
	if a.Get(p.col) == nil {
		v = ""
	}
	switch p.op {
	case ">", ">=", "<", "<=":
		got, err := time.Parse(time.RFC3339Nano, v)
		want, _ := time.Parse(time.RFC3339Nano, p.vals[0])
		if err != nil {
			return false
		}
		c := got.Compare(want)
		return p.op == ">" && c > 0 || p.op == ">=" && c >= 0 || p.op == "<" && c < 0 || p.op == "<=" && c <= 0
	case "==":
		return v == p.vals[0]
	case "=~":
		return strings.EqualFold(v, p.vals[0])
	case "!=":
		return v != p.vals[0]
	case "!~":
		return !strings.EqualFold(v, p.vals[0])
	case "contains", "has":
		return strings.Contains(strings.ToLower(v), strings.ToLower(p.vals[0]))
	case "startswith":
		return strings.HasPrefix(strings.ToLower(v), strings.ToLower(p.vals[0]))
	case "endswith":
		return strings.HasSuffix(strings.ToLower(v), strings.ToLower(p.vals[0]))
	}
	fold := strings.HasSuffix(p.op, "~")
	in := false
	for _, x := range p.vals {
		if v == x || fold && strings.EqualFold(v, x) {
			in = true
			break
		}
	}
	if strings.HasPrefix(p.op, "!") {
		return !in
	}
	return in
}

// FieldKey is the key of m that names col: col itself, else the first key equal to it
// ignoring case, else col.
func FieldKey(m map[string]any, col string) string {
	if _, ok := m[col]; ok {
		return col
	}
	for k := range m {
		if strings.EqualFold(k, col) {
			return k
		}
	}
	return col
}

// LookupPath follows a dotted path (keys matched as FieldKey does) into m; nil when absent.
func LookupPath(m map[string]any, path string) any {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[FieldKey(mm, part)]
	}
	return cur
}

// SplitFold splits s around each case-insensitive occurrence of sep.
func SplitFold(s, sep string) []string {
	var out []string
	ls, lsep := strings.ToLower(s), strings.ToLower(sep)
	for {
		i := strings.Index(ls, lsep)
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s, ls = s[i+len(sep):], ls[i+len(sep):]
	}
}
