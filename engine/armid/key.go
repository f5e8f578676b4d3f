package armid

import (
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Key is an ARM id parsed in node-key form: lower-cased and level-based, for the graph rules
// (engine/rules), whose node keys are normalised ids. Every prefix of the id that names
// something (subscription, resource group, each type/name pair of each provider block) is a Level.
// ParseKey and Parse accept the same ids and agree on their subscription, resource group and
// type (FuzzParsersAgree).
//
// Parsing is tolerant of Microsoft's quirks: case differences (the id is lower-cased),
// trailing slashes, and the doubled "providers/providers" segment. Levels are byte
// ranges of ID, so a level's ID is always a substring of ID and compares equal to the
// key of the node it names.
type Key struct {
	ID     string  // normalised id (lower-cased, trimmed, no trailing slash)
	Levels []Level // outermost first; the last is the id itself
}

// Level is one named prefix of an ARM id.
type Level struct {
	End   int         // ID[:End] is the prefix's id
	Label graph.Label // Subscription, ResourceGroup, Resource, RoleDefinition or RoleAssignment
	Type  string      // lower-cased ARM type for provider levels (e.g. microsoft.network/virtualnetworks/subnets)
	Block int         // provider block index (0 = first /providers/ block); -1 for subscription/RG levels
}

// CleanKey is the node-key form of an id: graph.NormalizeID plus every trailing slash removed.
func CleanKey(s string) string {
	s = graph.NormalizeID(s)
	for strings.HasSuffix(s, "/") {
		s = s[:len(s)-1]
	}
	return s
}

// ParseKey parses an ARM id into its node-key form. ok is false when s is not a well-formed ARM id (a missing
// name after a type, an empty segment, a misspelt "providers", …).
func ParseKey(s string) (Key, bool) {
	id := CleanKey(s)
	if len(id) < 2 || id[0] != '/' {
		return Key{}, false
	}
	// tokenise into [start,end) ranges
	type tok struct{ s, e int }
	toks := make([]tok, 0, 12)
	start := 1
	for i := 1; i <= len(id); i++ {
		if i == len(id) || id[i] == '/' {
			if i == start {
				return Key{}, false // empty segment ("//")
			}
			toks = append(toks, tok{start, i})
			start = i + 1
		}
	}
	seg := func(i int) string { return id[toks[i].s:toks[i].e] }
	n := len(toks)
	levels := make([]Level, 0, 4)
	i := 0
	if seg(0) == "subscriptions" {
		if n < 2 {
			return Key{}, false
		}
		levels = append(levels, Level{End: toks[1].e, Label: graph.LabelSubscription, Block: -1})
		i = 2
		if i < n && seg(i) == "resourcegroups" {
			if i+1 >= n {
				return Key{}, false
			}
			levels = append(levels, Level{End: toks[i+1].e, Label: graph.LabelResourceGroup, Block: -1})
			i += 2
		}
	}
	block := 0
	for i < n {
		if seg(i) != "providers" {
			return Key{}, false
		}
		for i < n && seg(i) == "providers" { // "providers/providers" typo
			i++
		}
		if i >= n {
			return Key{}, false
		}
		ns := i
		i++
		// the block's full type (ns/t1/t2/…); each level's type is a prefix of it
		j, size := i, toks[ns].e-toks[ns].s
		for j < n && seg(j) != "providers" {
			if j+1 >= n {
				return Key{}, false // type without a name
			}
			size += 1 + toks[j].e - toks[j].s
			j += 2
		}
		if j == i {
			return Key{}, false
		}
		var b strings.Builder
		b.Grow(size)
		b.WriteString(seg(ns))
		ends := make([]int, 0, (j-i)/2)
		for k := i; k < j; k += 2 {
			b.WriteByte('/')
			b.WriteString(seg(k))
			ends = append(ends, b.Len())
		}
		full := b.String()
		for p, k := 0, i; k < j; p, k = p+1, k+2 {
			lbl := graph.LabelResource
			if p == 0 && seg(ns) == "microsoft.authorization" {
				switch seg(k) {
				case "roledefinitions":
					lbl = graph.LabelRoleDefinition
				case "roleassignments":
					lbl = graph.LabelRoleAssignment
				}
			}
			levels = append(levels, Level{End: toks[k+1].e, Label: lbl, Type: full[:ends[p]], Block: block})
		}
		i = j
		block++
	}
	if len(levels) == 0 {
		return Key{}, false
	}
	return Key{ID: id, Levels: levels}, true
}

// Last is the level of the id itself.
func (a Key) Last() Level { return a.Levels[len(a.Levels)-1] }

// Label is the node label the id names.
func (a Key) Label() graph.Label { return a.Last().Label }

// Type is the lower-cased ARM type of a provider id ("" for subscriptions and resource groups).
func (a Key) Type() string { return a.Last().Type }

// Prefix returns the id of level i.
func (a Key) Prefix(i int) string { return a.ID[:a.Levels[i].End] }

// Parent returns the id and label of the closest enclosing level: the parent resource of a
// child resource, the scope of an extension resource, the resource group of a top-level
// resource, the subscription of a resource group. ok is false at the top.
func (a Key) Parent() (string, graph.Label, bool) {
	if len(a.Levels) < 2 {
		return "", "", false
	}
	p := a.Levels[len(a.Levels)-2]
	return a.ID[:p.End], p.Label, true
}

// Root returns the top-level resource of the id's last provider block (a vault for a vault
// key, a namespace for an event hub authorization rule), or the id itself.
func (a Key) Root() (string, string) {
	last := a.Last()
	if last.Block < 0 {
		return a.ID, last.Type
	}
	for _, l := range a.Levels {
		if l.Block == last.Block {
			return a.ID[:l.End], l.Type
		}
	}
	return a.ID, last.Type
}

// Subscription returns the subscription GUID of the id, or "".
func (a Key) Subscription() string {
	if a.Levels[0].Label != graph.LabelSubscription {
		return ""
	}
	return a.ID[len("/subscriptions/"):a.Levels[0].End]
}

// ResourceGroup returns the (lower-cased) resource group name of the id, or "".
func (a Key) ResourceGroup() string {
	if len(a.Levels) < 2 || a.Levels[1].Label != graph.LabelResourceGroup {
		return ""
	}
	return a.ID[a.Levels[0].End+len("/resourcegroups/") : a.Levels[1].End]
}

// ExtensionScope returns the scope of an extension resource id (<scope>/providers/<ns>/<type>/<name>):
// the lower-cased id before its last provider block, "/" for a tenant-level id, "" when id is
// not an ARM id or names no provider resource.
func ExtensionScope(id string) string {
	a, ok := ParseKey(id)
	if !ok {
		return ""
	}
	last := a.Last()
	for i, l := range a.Levels {
		if l.Block == last.Block {
			if i == 0 {
				return "/"
			}
			return a.Prefix(i - 1)
		}
	}
	return ""
}
