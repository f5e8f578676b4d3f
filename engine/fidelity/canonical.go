package fidelity

import (
	"fmt"
	"sort"
	"strings"
)

// canonical rewrites a value into the form two equal resources share whichever order or
// spelling ARM chose for each (the input is not modified):
//
//   - a collection of named elements (subnets, security rules, frontends — objects with a
//     "name") is ordered by name: ARM keeps the order of creation, which the copy need not share;
//   - zones are a set: sorted;
//   - a single value in its singular form (addressPrefix, destinationPortRange) is the
//     one-element list of its plural form (addressPrefixes, destinationPortRanges): Azure
//     answers with either, depending on how the resource was written;
//   - a private IP address Azure assigned (privateIPAllocationMethod Dynamic) is not part of
//     the configuration: it is dropped.
func canonical(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[k] = canonical(k, vv)
		}
		for k, vv := range out {
			s, ok := vv.(string)
			if !ok {
				continue
			}
			plural := pluralOf(k)
			if plural == "" {
				continue
			}
			if pl, _ := out[plural].([]any); len(pl) == 0 {
				out[plural] = []any{s}
				delete(out, k)
			}
		}
		if m, _ := out["privateIPAllocationMethod"].(string); strings.EqualFold(m, "Dynamic") {
			delete(out, "privateIPAddress")
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = canonical(key, vv)
		}
		if strings.EqualFold(key, "zones") {
			sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
		} else if named(out) {
			sort.SliceStable(out, func(i, j int) bool {
				return strings.ToLower(out[i].(map[string]any)["name"].(string)) < strings.ToLower(out[j].(map[string]any)["name"].(string))
			})
		}
		return out
	}
	return v
}

// pluralOf is the list form of a singular network property ("" when k has none).
func pluralOf(k string) string {
	switch {
	case strings.HasSuffix(k, "AddressPrefix") || k == "addressPrefix":
		return k + "es"
	case strings.HasSuffix(k, "PortRange"):
		return k + "s"
	}
	return ""
}

// named reports whether every element is an object with a string name.
func named(a []any) bool {
	if len(a) < 2 {
		return false
	}
	for _, x := range a {
		m, ok := x.(map[string]any)
		if !ok {
			return false
		}
		if _, ok := m["name"].(string); !ok {
			return false
		}
	}
	return true
}
