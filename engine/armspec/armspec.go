// Package armspec answers what the Azure REST API specifications say about a resource type:
// which of its properties are readOnly (set by Azure, never sent in a PUT) and which status codes
// its create (PUT) answers. The data is generated from the specs by tools/armspec and embedded
// (armspec.tsv; its header names the spec commit and the regenerate command):
//
//	make arm-spec SPECS=/path/to/azure-rest-api-specs
//
// Every type the specs address with a GET or a PUT is covered, in every namespace: child types
// (Microsoft.Network/virtualNetworks/subnets), singletons (…/blobServices) and extension types
// (Microsoft.Insights/diagnosticSettings) too, from the newest stable api-version (the newest
// preview when there is none). Lookups are case-insensitive. The package imports only the
// standard library, so every layer may use it.
package armspec

import (
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

//go:embed armspec.tsv
var data string

// Entry is one type's data.
type Entry struct {
	Type       string // spelling of the specs
	APIVersion string // the api-version the data was read from
	Codes      []int  // the PUT's 2xx status codes (nil when the specs have no PUT)
	paths      string // encoded readOnly paths, parsed on first use
	once       sync.Once
	tree       *node
	err        error
}

// node is a trie of readOnly paths over lower-cased segments.
type node struct {
	readOnly bool
	kids     map[string]*node
}

var index = sync.OnceValue(func() map[string]*Entry {
	m := map[string]*Entry{}
	for _, line := range strings.Split(data, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		e, err := parseLine(line)
		if err != nil {
			continue // TestEveryEntryParses keeps this from happening
		}
		m[strings.ToLower(e.Type)] = e
	}
	return m
})

// Source returns the repositories and commits the data was generated from ("; "-separated):
// the REST specs, and the Bicep type index generated from newer specs when it was used.
func Source() string {
	var out []string
	for _, line := range strings.Split(data[:min(len(data), 2048)], "\n") {
		if s, ok := strings.CutPrefix(line, "# source: "); ok {
			out = append(out, s)
		}
	}
	return strings.Join(out, "; ")
}

// Lookup returns a type's entry (known false when the specs do not describe the type).
func Lookup(armType string) (*Entry, bool) {
	e, ok := index()[strings.ToLower(armType)]
	return e, ok
}

// Types returns every type the data describes, lower-cased, in no particular order.
func Types() []string {
	m := index()
	out := make([]string, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	return out
}

// ReadOnly reports whether the property at path of a resource of armType is readOnly: it or
// one of its prefixes is marked so in the specs. Segments are property names (case-insensitive),
// "[]" for an array's items; a map's keys are any names. known is false when the specs do not
// describe the type (then readOnly is false).
//
//	ReadOnly("Microsoft.Network/virtualNetworks", "properties", "subnets", "[]", "properties", "ipConfigurations") // true, true
func ReadOnly(armType string, path ...string) (readOnly, known bool) {
	e, ok := Lookup(armType)
	if !ok {
		return false, false
	}
	return e.ReadOnly(path...), true
}

// ReadOnly is the package's ReadOnly for this entry.
func (e *Entry) ReadOnly(path ...string) bool {
	t, err := e.parsed()
	if err != nil || t == nil {
		return false
	}
	return t.match(path)
}

func (n *node) match(path []string) bool {
	if n.readOnly {
		return true
	}
	if len(path) == 0 || n.kids == nil {
		return false
	}
	seg := strings.ToLower(path[0])
	if k := n.kids[seg]; k != nil && k.match(path[1:]) {
		return true
	}
	if seg != "[]" {
		if k := n.kids["*"]; k != nil && k.match(path[1:]) {
			return true
		}
	}
	return false
}

// CreateStatus returns the 2xx status codes the type's PUT answers, ascending (known false when
// the specs have no PUT for the type).
func CreateStatus(armType string) (codes []int, known bool) {
	e, ok := Lookup(armType)
	if !ok || len(e.Codes) == 0 {
		return nil, false
	}
	return append([]int(nil), e.Codes...), true
}

// Paths returns the type's readOnly paths as segment lists (an error when the data is corrupt).
func (e *Entry) Paths() ([][]string, error) {
	if e.paths == "-" || e.paths == "" {
		return nil, nil
	}
	var out [][]string
	for _, p := range strings.Split(e.paths, ",") {
		segs, err := decodePath(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.Type, err)
		}
		out = append(out, segs)
	}
	return out, nil
}

// parsed returns the type's paths as a trie, parsed once.
func (e *Entry) parsed() (*node, error) {
	e.once.Do(func() {
		paths, err := e.Paths()
		if err != nil {
			e.err = err
			return
		}
		root := &node{}
		for _, segs := range paths {
			n := root
			for _, s := range segs {
				if n.kids == nil {
					n.kids = map[string]*node{}
				}
				k := n.kids[s]
				if k == nil {
					k = &node{}
					n.kids[s] = k
				}
				n = k
			}
			n.readOnly = true
		}
		e.tree = root
	})
	return e.tree, e.err
}

// parseLine reads "Type<TAB>api-version<TAB>codes<TAB>paths".
func parseLine(line string) (*Entry, error) {
	f := strings.Split(line, "\t")
	if len(f) != 4 || !strings.Contains(f[0], "/") || f[1] == "" {
		return nil, fmt.Errorf("malformed line %.80q", line)
	}
	e := &Entry{Type: f[0], APIVersion: f[1], paths: f[3]}
	if f[2] != "-" {
		for _, c := range strings.Split(f[2], ",") {
			n, err := strconv.Atoi(c)
			if err != nil || n < 200 || n > 299 {
				return nil, fmt.Errorf("%s: bad status code %q", f[0], c)
			}
			e.Codes = append(e.Codes, n)
		}
	}
	return e, nil
}

// decodePath splits an encoded path ("properties.subnets[].properties.ipConfigurations") into
// lower-cased segments ("properties", "subnets", "[]", …); "*" stands for any map key.
func decodePath(p string) ([]string, error) {
	if p == "" {
		return nil, errors.New("empty path")
	}
	var segs []string
	for _, part := range strings.Split(p, ".") {
		name := part
		arrays := 0
		for strings.HasSuffix(name, "[]") {
			name = name[:len(name)-2]
			arrays++
		}
		if name == "" {
			return nil, fmt.Errorf("path %q: empty segment", p)
		}
		if name != "*" {
			var err error
			if name, err = unescape(name); err != nil {
				return nil, fmt.Errorf("path %q: %w", p, err)
			}
		}
		segs = append(segs, strings.ToLower(name))
		for range arrays {
			segs = append(segs, "[]")
		}
	}
	return segs, nil
}

func unescape(s string) (string, error) {
	if strings.ContainsAny(s, "[]*,") {
		return "", fmt.Errorf("unescaped character in %q", s)
	}
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape in %q", s)
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), nil
}
