// Package jsonpath reads and edits decoded JSON (map[string]any / []any trees) by path, in the one
// path dialect the engine writes and reads:
//
//	properties.ipConfigurations[0].id     keys joined by '.', list indices in brackets
//	tags["hidden-link:/x"].value          a key that is not an identifier, quoted in brackets
//
// Join and Index write that dialect (secret findings, IaC drop reports and deploy diffs all use
// them), and Get, Set and Delete read it back, so a path Walk reports addresses the same value.
// The empty path is the root. Key lookups also accept map[string]string (tags).
package jsonpath

import (
	"strconv"
	"strings"
)

// Step is one step of a path: an object key, or (Index >= 0) a list index.
type Step struct {
	Key   string
	Index int
}

// Join appends an object key to a path: a.b, or a["odd key"] when the key is not an identifier.
func Join(path, key string) string {
	if !isIdent(key) {
		return path + "[" + strconv.Quote(key) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index appends a list index to a path: a[3].
func Index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// isIdent reports whether k can follow a dot: [A-Za-z_$][A-Za-z0-9_$-]*.
func isIdent(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == '$':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return true
}

// next splits the first step off p. ok is false for a malformed path (an unclosed bracket, an
// index that is not a number or a quoted key).
func next(p string) (st Step, rest string, ok bool) {
	if p[0] != '[' {
		i := strings.IndexAny(p, ".[")
		if i < 0 {
			return Step{Key: p, Index: -1}, "", true
		}
		if p[i] == '.' {
			return Step{Key: p[:i], Index: -1}, p[i+1:], true
		}
		return Step{Key: p[:i], Index: -1}, p[i:], true
	}
	var end int
	if len(p) > 1 && p[1] == '"' {
		end = 2
		for end < len(p) && p[end] != '"' {
			if p[end] == '\\' {
				end++
			}
			end++
		}
		end++ // past the closing quote
		if end >= len(p) || p[end] != ']' {
			return Step{}, "", false
		}
		k, err := strconv.Unquote(p[1:end])
		if err != nil {
			return Step{}, "", false
		}
		st = Step{Key: k, Index: -1}
	} else {
		end = strings.IndexByte(p, ']')
		if end < 0 {
			return Step{}, "", false
		}
		n, err := strconv.Atoi(p[1:end])
		if err != nil || n < 0 {
			return Step{}, "", false
		}
		st = Step{Index: n}
	}
	rest = p[end+1:]
	if rest != "" && rest[0] == '.' {
		rest = rest[1:]
	}
	return st, rest, true
}

// Parse splits a path into its steps; ok is false for a malformed path.
func Parse(path string) (steps []Step, ok bool) {
	for p := path; p != ""; {
		var st Step
		if st, p, ok = next(p); !ok {
			return nil, false
		}
		steps = append(steps, st)
	}
	return steps, true
}

// Get returns the value at path, or nil when there is none.
func Get(v any, path string) any { return get(v, path, false) }

// GetFold is Get with keys matched case-insensitively when there is no exact match (ARM property
// names are case-insensitive in practice).
func GetFold(v any, path string) any { return get(v, path, true) }

func get(v any, path string, fold bool) any {
	for p := path; p != ""; {
		st, rest, ok := next(p)
		if !ok {
			return nil
		}
		if v = step(v, st, fold); v == nil {
			return nil
		}
		p = rest
	}
	return v
}

func step(v any, st Step, fold bool) any {
	if st.Index >= 0 {
		l, ok := v.([]any)
		if !ok || st.Index >= len(l) {
			return nil
		}
		return l[st.Index]
	}
	if fold {
		return Field(v, st.Key)
	}
	switch m := v.(type) {
	case map[string]any:
		return m[st.Key]
	case map[string]string:
		if s, ok := m[st.Key]; ok {
			return s
		}
	}
	return nil
}

// Field returns the value of key in the object v, matching the key case-insensitively when there
// is no exact match; nil when v is not an object or has no such key.
func Field(v any, key string) any {
	switch m := v.(type) {
	case map[string]any:
		if c, ok := m[key]; ok {
			return c
		}
		for k, c := range m {
			if strings.EqualFold(k, key) {
				return c
			}
		}
	case map[string]string:
		if c, ok := m[key]; ok {
			return c
		}
		for k, c := range m {
			if strings.EqualFold(k, key) {
				return c
			}
		}
	}
	return nil
}

// Keys follows a path given as separate keys (no indices), each matched like Field.
func Keys(v any, keys ...string) any {
	for _, k := range keys {
		if v == nil {
			return nil
		}
		v = Field(v, k)
	}
	return v
}

// parent resolves every step of path but the last; it returns that container and the last step.
func parent(v any, path string) (any, Step, bool) {
	var last Step
	have := false
	for p := path; p != ""; {
		st, rest, ok := next(p)
		if !ok {
			return nil, Step{}, false
		}
		if have {
			if v = step(v, last, false); v == nil {
				return nil, Step{}, false
			}
		}
		last, have, p = st, true, rest
	}
	return v, last, have
}

// Set replaces or adds the value at path. The containers on the way must exist (Set creates
// none); it reports whether the value was stored.
func Set(v any, path string, x any) bool {
	c, last, ok := parent(v, path)
	if !ok {
		return false
	}
	if last.Index >= 0 {
		l, ok := c.([]any)
		if !ok || last.Index >= len(l) {
			return false
		}
		l[last.Index] = x
		return true
	}
	m, ok := c.(map[string]any)
	if ok {
		m[last.Key] = x
	}
	return ok
}

// Delete removes the object key at path and reports whether it was there. A path ending in a list
// index deletes nothing (lists keep their length).
func Delete(v any, path string) bool {
	c, last, ok := parent(v, path)
	if !ok || last.Index >= 0 {
		return false
	}
	m, ok := c.(map[string]any)
	if !ok {
		return false
	}
	_, had := m[last.Key]
	delete(m, last.Key)
	return had
}

// DeleteAll is Delete where a key step that meets a list applies to each element: "a.b" removes
// b from a's object or from every object in a's list.
func DeleteAll(v any, path string) {
	steps, ok := Parse(path)
	if !ok || len(steps) == 0 {
		return
	}
	deleteAll(v, steps)
}

func deleteAll(v any, steps []Step) {
	switch t := v.(type) {
	case map[string]any:
		st := steps[0]
		if st.Index >= 0 {
			return
		}
		if len(steps) == 1 {
			delete(t, st.Key)
			return
		}
		deleteAll(t[st.Key], steps[1:])
	case []any:
		if st := steps[0]; st.Index >= 0 {
			if st.Index < len(t) && len(steps) > 1 {
				deleteAll(t[st.Index], steps[1:])
			}
			return
		}
		for _, x := range t {
			deleteAll(x, steps)
		}
	}
}

// Walk calls fn for v and every value inside it, parents before children, with its path (Join and
// Index, from path). Object keys are visited in no particular order. fn returns false to skip
// the value's children.
func Walk(v any, path string, fn func(path string, v any) bool) {
	if !fn(path, v) {
		return
	}
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			Walk(x, Join(path, k), fn)
		}
	case []any:
		for i, x := range t {
			Walk(x, Index(path, i), fn)
		}
	}
}
