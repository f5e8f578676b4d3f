package model

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"
)

// Sanitize turns s into [a-z0-9_] starting with a letter (a local name).
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	lastUnderscore := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			lastUnderscore = false
		default:
			if !lastUnderscore && b.Len() > 0 {
				b.WriteByte('_')
				lastUnderscore = true
			}
		}
	}
	out := strings.TrimRight(b.String(), "_")
	if out == "" {
		out = "r"
	}
	if out[0] >= '0' && out[0] <= '9' {
		out = "r_" + out
	}
	if reserved[out] {
		out += "_r"
	}
	return out
}

// reserved are names that are keywords in Bicep or Terraform (a symbolic name must not be one).
var reserved = map[string]bool{
	"resource": true, "module": true, "param": true, "var": true, "output": true, "targetscope": true,
	"if": true, "for": true, "in": true, "true": true, "false": true, "null": true, "existing": true,
	"import": true, "using": true, "type": true, "func": true, "metadata": true, "provider": true,
	"locals": true, "data": true, "terraform": true, "count": true, "each": true, "self": true,
	"path": true, "module_r": true, "assert": true, "extension": true,
}

// ShortHash is a short stable hash of s (lower-cased) for disambiguation.
func ShortHash(s string) string {
	h := sha256.Sum256([]byte(strings.ToLower(s)))
	return hex.EncodeToString(h[:3])
}

// uniqueNames assigns each item (by id) a unique name from its candidates. Candidates are tried in
// order for a whole collision group at once, so an item's name does not depend on input order;
// the last resort appends a hash of the id.
func uniqueNames(ids []string, candidates func(id string) []string) map[string]string {
	out := make(map[string]string, len(ids))
	pending := append([]string(nil), ids...)
	sort.Strings(pending)
	used := map[string]bool{}
	for level := 0; len(pending) > 0; level++ {
		groups := map[string][]string{}
		for _, id := range pending {
			c := candidates(id)
			var name string
			if level < len(c) {
				name = c[level]
			} else {
				name = c[len(c)-1] + "_" + ShortHash(id)
			}
			groups[name] = append(groups[name], id)
		}
		names := make([]string, 0, len(groups))
		for n := range groups {
			names = append(names, n)
		}
		sort.Strings(names)
		var next []string
		for _, n := range names {
			g := groups[n]
			if len(g) == 1 && !used[n] {
				out[g[0]] = n
				used[n] = true
				continue
			}
			if level > len(candidates(g[0]))+1 {
				// pathological: append an index in id order
				for i, id := range g {
					nn := n + "_" + ShortHash(id)
					for j := 0; used[nn]; j++ {
						nn = n + "_" + ShortHash(id) + "_" + string(rune('a'+(i+j)%26))
					}
					out[id] = nn
					used[nn] = true
				}
				continue
			}
			next = append(next, g...)
		}
		sort.Strings(next)
		pending = next
	}
	return out
}

// NormalizeLocation lower-cases a location and removes spaces ("East US" -> "eastus").
func NormalizeLocation(l string) string {
	return strings.ToLower(strings.ReplaceAll(strings.TrimSpace(l), " ", ""))
}
