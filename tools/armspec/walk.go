package main

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/tools/internal/gitblob"
	"github.com/atg-go/atg/tools/internal/swagger"
)

// maxRefDepth caps how many $refs deep a walk enters (recursive schemas beyond cycles, such as
// a resource embedding the full schema of every resource it references).
const maxRefDepth = 8

// walker collects readOnly property paths of schemas.
type walker struct {
	d        *swagger.Docs
	subtypes map[string]map[string][]string // file -> "#/definitions/Base" -> subtype pointers (allOf it), sorted
	stack    map[string]bool
	out      map[string]bool // readOnly paths found
	declared map[string]bool // every writable path walked
}

// readOnly returns the readOnly paths of a type's resource body (a set, possibly with paths
// below one another) and every path its schemas declare. A path the PUT body marks readOnly
// counts; so does one the read schema marks unless the PUT body declares it writable (some
// specs have a separate response model that marks everything the service echoes, e.g. a
// storage account's kind and sku).
func (w *walker) readOnly(ops []*op) (readOnly, declared map[string]bool) {
	readOnly, declared = map[string]bool{}, map[string]bool{}
	for _, o := range ops {
		read, sent := w.schemas(o)
		w.out, w.declared = map[string]bool{}, map[string]bool{}
		for _, s := range sent {
			w.stack = map[string]bool{}
			w.walk(s.file, s.schema, nil, 0, true)
		}
		writable := w.declared
		for p := range w.out {
			readOnly[p], declared[p] = true, true
		}
		w.out, w.declared = map[string]bool{}, map[string]bool{}
		for _, s := range read {
			w.stack = map[string]bool{}
			w.walk(s.file, s.schema, nil, 0, true)
		}
		for p := range w.out {
			if !writable[p] {
				readOnly[p] = true
			}
			declared[p] = true
		}
		for p := range writable {
			declared[p] = true
		}
		for p := range w.declared {
			declared[p] = true
		}
	}
	return readOnly, declared
}

// typeReadOnly is a type's readOnly paths, sorted, without paths below another one: those of its
// chosen api-version, and those of a newer preview version the chosen one does not declare at
// all (properties added since, e.g. to types whose newest stable version is years older).
func (w *walker) typeReadOnly(ops, preview []*op) []string {
	all, declared := w.readOnly(ops)
	if len(preview) > 0 {
		pro, _ := w.readOnly(preview)
		for p := range pro {
			if !declared[p] {
				all[p] = true
			}
		}
	}
	var keep []string
	for _, p := range gitblob.SortedKeys(all) {
		if !coveredBy(p, all) {
			keep = append(keep, p)
		}
	}
	return keep
}

// coveredBy reports whether a proper prefix of the encoded path p is in set.
func coveredBy(p string, set map[string]bool) bool {
	for i := len(p) - 1; i > 0; i-- {
		if (p[i] == '.' || p[i] == '[') && set[p[:i]] {
			return true
		}
	}
	return false
}

func isReadOnly(s map[string]any) bool { return s["readOnly"] == true }

// walk records the readOnly paths of schema s at path. subtypes is false when s is reached as an
// allOf base (a subtype's own schema does not take in its siblings').
func (w *walker) walk(file string, s map[string]any, path []string, refs int, subtypes bool) {
	if s == nil {
		return
	}
	if len(path) > 0 && isReadOnly(s) {
		w.out[encode(path)] = true
		return
	}
	r, f, key := w.d.DerefKey(file, s)
	if r == nil {
		return
	}
	if len(path) > 0 && !isReadOnly(r) {
		w.declared[encode(path)] = true
	}
	if key != "" {
		if w.stack[key] || refs >= maxRefDepth {
			return
		}
		w.stack[key] = true
		defer delete(w.stack, key)
		refs++
		if len(path) > 0 && isReadOnly(r) {
			w.out[encode(path)] = true
			return
		}
	}
	all, _ := r["allOf"].([]any)
	for _, a := range all {
		m, _ := a.(map[string]any)
		w.walk(f, m, path, refs, false)
	}
	if props, ok := r["properties"].(map[string]any); ok {
		for _, name := range gitblob.SortedKeys(props) {
			m, _ := props[name].(map[string]any)
			w.walk(f, m, append(path[:len(path):len(path)], name), refs, true)
		}
	}
	if items, ok := r["items"].(map[string]any); ok && len(path) > 0 { // a body that is a list is no resource
		w.walk(f, items, append(path[:len(path):len(path)], "[]"), refs, true)
	}
	if ap, ok := r["additionalProperties"].(map[string]any); ok {
		w.walk(f, ap, append(path[:len(path):len(path)], "*"), refs, true)
	}
	if _, ok := r["discriminator"].(string); ok && subtypes && key != "" {
		// a polymorphic schema: its subtypes (definitions of the same file whose allOf names
		// it) add their own properties at the same path; the base is on the stack, so walking
		// a subtype skips the base's own properties
		kf, pointer, _ := strings.Cut(key, "#")
		for _, sub := range w.subtypesOf(kf, pointer) {
			w.walk(kf, map[string]any{"$ref": "#" + sub}, path, refs, false)
		}
	}
}

// subtypesOf lists the definitions of file whose allOf refers to the definition at pointer.
func (w *walker) subtypesOf(file, pointer string) []string {
	idx, ok := w.subtypes[file]
	if !ok {
		idx = map[string][]string{}
		defs, _ := w.d.Doc(file)["definitions"].(map[string]any)
		for _, name := range gitblob.SortedKeys(defs) {
			def, _ := defs[name].(map[string]any)
			all, _ := def["allOf"].([]any)
			for _, a := range all {
				m, _ := a.(map[string]any)
				ref, _ := m["$ref"].(string)
				if target, p, ok := strings.Cut(ref, "#"); ok && target == "" {
					idx[p] = append(idx[p], "/definitions/"+strings.ReplaceAll(strings.ReplaceAll(name, "~", "~0"), "/", "~1"))
				}
			}
		}
		w.subtypes[file] = idx
	}
	return idx[pointer]
}

// encode writes path segments as the data file spells them: names joined by ".", an array's
// items as "[]" after its name, a map's values as "*"; '%', '.', '[', ']', '*', ',' and
// whitespace in a name are escaped as %XX.
func encode(path []string) string {
	var b strings.Builder
	for i, seg := range path {
		switch {
		case seg == "[]":
			b.WriteString("[]")
			continue
		case i > 0:
			b.WriteByte('.')
		}
		if seg == "*" {
			b.WriteByte('*')
			continue
		}
		for j := 0; j < len(seg); j++ {
			c := seg[j]
			if strings.IndexByte("%.[]*, \t\r\n", c) >= 0 {
				fmt.Fprintf(&b, "%%%02X", c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// render writes the data file: a header, then per type (sorted case-insensitively)
// "Type<TAB>api-version<TAB>create codes<TAB>readOnly paths", codes and paths comma-separated
// ("-" when none). The api-version is the specs' ("2014-04-01+2021-02-01-preview" when a newer
// preview filled in) or "bicep:<api-version>" when the readOnly paths come from the Bicep index.
func render(types []typeData, sources []string) []byte {
	var buf bytes.Buffer
	buf.WriteString("# Generated by tools/armspec from the Azure REST API specs; DO NOT EDIT.\n")
	buf.WriteString("# Regenerate: make arm-spec SPECS=<azure-rest-api-specs git dir> [REPO=owner/name] [BICEP=<bicep-types-az git dir>]\n")
	for _, src := range sources {
		fmt.Fprintf(&buf, "# source: %s\n", src)
	}
	buf.WriteString("# type\tapi-version\tPUT 2xx codes\treadOnly property paths\n")
	sort.SliceStable(types, func(i, j int) bool { return strings.ToLower(types[i].typ) < strings.ToLower(types[j].typ) })
	for _, t := range types {
		codes := "-"
		if len(t.codes) > 0 {
			cs := make([]string, len(t.codes))
			for i, c := range t.codes {
				cs[i] = fmt.Sprint(c)
			}
			codes = strings.Join(cs, ",")
		}
		paths := "-"
		if len(t.readOnly) > 0 {
			paths = strings.Join(t.readOnly, ",")
		}
		fmt.Fprintf(&buf, "%s\t%s\t%s\t%s\n", t.typ, t.version, codes, paths)
	}
	return buf.Bytes()
}
