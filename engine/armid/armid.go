// Package armid parses Azure Resource Manager ids as written (original casing kept), for the
// engine packages that need a resource's subscription, group, type and names from its id.
// ParseKey is the second entry point: the lower-cased, level-based form the graph rules use for
// node keys (key.go).
package armid

import (
	"strings"
)

// ID is a parsed Azure Resource Manager id.
//
//	/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{t1}/{n1}[/{t2}/{n2}…][/providers/{ns2}/{t}/{n}]
//
// For an extension resource (a second /providers/ segment) Scope holds the id of the resource it
// extends and Namespace/Types/Names describe the extension itself.
type ID struct {
	Raw           string
	Subscription  string
	ResourceGroup string
	Scope         string // id of the extended resource for extension resources, else ""
	Namespace     string
	Types         []string
	Names         []string
}

// Parse parses an ARM id. It reports false for strings that are not ARM ids. Like the graph's
// level-based form (ParseKey, which must agree: FuzzParsersAgree) it tolerates
// Microsoft's quirks: surrounding spaces, trailing slashes and the doubled
// "providers/providers" segment some ids carry. Raw is the id without those spaces and slashes.
func Parse(s string) (ID, bool) {
	s = strings.TrimSpace(s)
	for strings.HasSuffix(s, "/") {
		s = s[:len(s)-1]
	}
	if len(s) < 2 || s[0] != '/' {
		return ID{}, false
	}
	segs := strings.Split(s[1:], "/")
	for _, seg := range segs {
		if seg == "" {
			return ID{}, false
		}
	}
	id := ID{Raw: s}
	if strings.EqualFold(segs[0], "providers") {
		return parseProviders(id, nil, segs)
	}
	if !strings.EqualFold(segs[0], "subscriptions") || len(segs) < 2 {
		return ID{}, false
	}
	id.Subscription = segs[1]
	head, rest := segs[:2], segs[2:]
	if len(rest) == 0 {
		id.Namespace, id.Types, id.Names = "Microsoft.Resources", []string{"subscriptions"}, []string{segs[1]}
		return id, true
	}
	if strings.EqualFold(rest[0], "resourceGroups") {
		if len(rest) < 2 {
			return ID{}, false
		}
		id.ResourceGroup = rest[1]
		head, rest = segs[:4], rest[2:]
		if len(rest) == 0 {
			id.Namespace, id.Types, id.Names = "Microsoft.Resources", []string{"resourceGroups"}, []string{id.ResourceGroup}
			return id, true
		}
	}
	return parseProviders(id, head, rest)
}

// parseProviders parses the provider blocks of an id: rest starts with "providers"; head holds
// the segments before it (subscription, resource group). Each block is
// providers/{ns}/{type}/{name}[/{type}/{name}…]; the last block is the resource itself and
// the ones before it, with head, its scope (an extension resource).
func parseProviders(id ID, head, rest []string) (ID, bool) {
	var blocks [][]string // each: ns, t1, n1, t2, n2…
	for i := 0; i < len(rest); {
		if !strings.EqualFold(rest[i], "providers") {
			return ID{}, false
		}
		for i < len(rest) && strings.EqualFold(rest[i], "providers") { // "providers/providers"
			i++
		}
		if i >= len(rest) {
			return ID{}, false
		}
		b := []string{rest[i]}
		i++
		for i < len(rest) && !strings.EqualFold(rest[i], "providers") {
			if i+1 >= len(rest) {
				return ID{}, false // a type without a name
			}
			b = append(b, rest[i], rest[i+1])
			i += 2
		}
		if len(b) == 1 {
			return ID{}, false // a namespace without a type
		}
		blocks = append(blocks, b)
	}
	if len(blocks) == 0 {
		return ID{}, false
	}
	last := blocks[len(blocks)-1]
	if len(blocks) > 1 {
		scope := append([]string{}, head...)
		for _, b := range blocks[:len(blocks)-1] {
			scope = append(append(scope, "providers"), b...)
		}
		id.Scope = "/" + strings.Join(scope, "/")
	}
	id.Namespace = last[0]
	for i := 1; i < len(last); i += 2 {
		id.Types = append(id.Types, last[i])
		id.Names = append(id.Names, last[i+1])
	}
	return id, true
}

// Type is the full resource type, e.g. Microsoft.Network/virtualNetworks/subnets.
func (a ID) Type() string { return a.Namespace + "/" + strings.Join(a.Types, "/") }

// LastName is the resource's own name (the last segment), e.g. subnet1.
func (a ID) LastName() string {
	if len(a.Names) == 0 {
		return ""
	}
	return a.Names[len(a.Names)-1]
}

// Name is the full ARM name, e.g. vnet1/subnet1.
func (a ID) Name() string { return strings.Join(a.Names, "/") }

// ParentID returns the id of the parent resource of a child resource, or "".
func (a ID) ParentID() string {
	if len(a.Types) < 2 {
		return ""
	}
	// strip the last two segments
	s := strings.TrimSuffix(a.Raw, "/")
	for i := 0; i < 2; i++ {
		j := strings.LastIndexByte(s, '/')
		if j < 0 {
			return ""
		}
		s = s[:j]
	}
	return s
}

// ResourceGroupID returns /subscriptions/{s}/resourceGroups/{rg}, or "" when the id is not in a resource group.
func (a ID) ResourceGroupID() string {
	if a.ResourceGroup == "" {
		return ""
	}
	return "/subscriptions/" + a.Subscription + "/resourceGroups/" + a.ResourceGroup
}

// LooksLike reports whether s is worth treating as an ARM id reference.
func LooksLike(s string) bool {
	ls := len(s)
	if ls < 15 || s[0] != '/' {
		return false
	}
	l := strings.ToLower(s[:15])
	return l == "/subscriptions/" || strings.HasPrefix(l, "/providers/")
}
