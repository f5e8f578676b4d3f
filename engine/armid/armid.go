// Package armid parses Azure Resource Manager ids as written (original casing kept), for the
// engine packages that need a resource's subscription, group, type and names from its id.
// engine/rules has its own normalised, level-based parser for graph keys.
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

// Parse parses an ARM id. It reports false for strings that are not ARM ids.
func Parse(s string) (ID, bool) {
	if len(s) < 15 || s[0] != '/' || !strings.EqualFold(s[:15], "/subscriptions/") {
		if strings.HasPrefix(strings.ToLower(s), "/providers/") {
			return parseProviders(s, ID{Raw: s}, strings.Split(strings.Trim(s, "/"), "/"))
		}
		return ID{}, false
	}
	segs := strings.Split(strings.TrimSuffix(s[1:], "/"), "/")
	for _, seg := range segs {
		if seg == "" {
			return ID{}, false
		}
	}
	id := ID{Raw: s}
	if len(segs) < 2 {
		return ID{}, false
	}
	id.Subscription = segs[1]
	rest := segs[2:]
	if len(rest) == 0 {
		id.Namespace, id.Types, id.Names = "Microsoft.Resources", []string{"subscriptions"}, []string{segs[1]}
		return id, true
	}
	if strings.EqualFold(rest[0], "resourceGroups") {
		if len(rest) < 2 {
			return ID{}, false
		}
		id.ResourceGroup = rest[1]
		rest = rest[2:]
		if len(rest) == 0 {
			id.Namespace, id.Types, id.Names = "Microsoft.Resources", []string{"resourceGroups"}, []string{id.ResourceGroup}
			return id, true
		}
	}
	return parseProviders(s, id, rest)
}

func parseProviders(raw string, id ID, rest []string) (ID, bool) {
	if len(rest) < 4 || !strings.EqualFold(rest[0], "providers") {
		return ID{}, false
	}
	// the last /providers/ segment that follows complete type/name pairs starts an extension resource
	last := 0
	for i := 4; i+4 <= len(rest); i += 2 {
		if strings.EqualFold(rest[i], "providers") && (len(rest)-i)%2 == 0 {
			last = i
		}
	}
	if last > 0 {
		trimmed := strings.TrimSuffix(raw, "/")
		tail := "/" + strings.Join(rest[last:], "/")
		id.Scope = trimmed[:len(trimmed)-len(tail)]
		rest = rest[last:]
	}
	id.Namespace = rest[1]
	pairs := rest[2:]
	if len(pairs)%2 != 0 || len(pairs) == 0 {
		return ID{}, false
	}
	for i := 0; i < len(pairs); i += 2 {
		id.Types = append(id.Types, pairs[i])
		id.Names = append(id.Names, pairs[i+1])
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
