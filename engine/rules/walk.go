package rules

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/jsonpath"
)

// hit is a string in a node's JSON that carries an ARM id or a Key Vault reference.
type hit struct {
	path string // JSON path, e.g. properties.ipConfigurations[0].properties.subnet.id
	ids  []armid.Key
	// vaults are Key Vault names referenced by URI (https://<name>.vault.azure.net/…) or
	// @Microsoft.KeyVault(VaultName=<name>;…).
	vaults []string
}

type pathElem struct {
	key string
	idx int // -1 for a map key
}

func renderPath(stack []pathElem) string {
	var b strings.Builder
	for i, p := range stack {
		if p.idx >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(p.idx))
			b.WriteByte(']')
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p.key)
	}
	return b.String()
}

// walkHits walks v (props of a node, rooted at key root) and returns every string carrying
// an ARM id or a Key Vault reference.
func walkHits(root string, v any, out []hit) []hit {
	stack := make([]pathElem, 0, 16)
	stack = append(stack, pathElem{key: root, idx: -1})
	return walkValue(v, stack, out)
}

func walkValue(v any, stack []pathElem, out []hit) []hit {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			out = walkValue(c, append(stack, pathElem{key: k, idx: -1}), out)
		}
	case []any:
		for i, c := range x {
			out = walkValue(c, append(stack, pathElem{idx: i}), out)
		}
	case []map[string]any:
		for i, c := range x {
			out = walkValue(c, append(stack, pathElem{idx: i}), out)
		}
	case []string:
		for i, c := range x {
			out = walkValue(c, append(stack, pathElem{idx: i}), out)
		}
	case map[string]string:
		for k, c := range x {
			out = walkValue(c, append(stack, pathElem{key: k, idx: -1}), out)
		}
	case string:
		if h, ok := scanString(x); ok {
			h.path = renderPath(stack)
			out = append(out, h)
		}
	}
	return out
}

// scanString finds ARM ids and Key Vault references in one string, including ids embedded
// in longer strings (URLs, expressions).
func scanString(s string) (hit, bool) {
	var h hit
	if len(s) < 8 {
		return h, false
	}
	if strings.IndexByte(s, '/') >= 0 {
		off := 0
		lead := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
		if lead < len(s) && s[lead] == '/' {
			c := cutID(s[lead:])
			if a, ok := armid.ParseKey(c); ok {
				h.ids = append(h.ids, a)
			}
			off = lead + max(len(c), 1)
		}
		for off < len(s) {
			j := indexFold(s[off:], "/subscriptions/")
			if j < 0 {
				break
			}
			j += off
			c := cutID(s[j:])
			if a, ok := armid.ParseKey(c); ok {
				h.ids = append(h.ids, a)
			}
			off = j + max(len(c), 1)
		}
	}
	if indexFold(s, "vault") >= 0 {
		h.vaults = vaultNamesIn(s)
	}
	return h, len(h.ids) > 0 || len(h.vaults) > 0
}

// cutID returns the ARM id at the start of s: up to whitespace, a quote, a query string or
// an expression delimiter.
func cutID(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r', '"', '\'', '?', '#', ')', '(', ',', ';', '|', '<', '>', '\\', ']', '[', '`':
			return s[:i]
		}
	}
	return s
}

// indexFold is strings.Index with ASCII case folding; sub must be lower-case.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	first := sub[0]
	for i := 0; i+n <= len(s); i++ {
		c := s[i]
		if c|0x20 != first && c != first {
			continue
		}
		ok := true
		for k := 1; k < n; k++ {
			c := s[i+k]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[k] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// vaultNamesIn returns Key Vault names referenced in s by URL
// (https://<name>.vault.azure.net/…, any cloud suffix, vault-int test hosts; bare host names
// such as a private endpoint's DNS records are not references) or by
// @Microsoft.KeyVault(VaultName=<name>;…). Names are lower-cased, sorted and unique.
func vaultNamesIn(s string) []string {
	var names []string
	for off := 0; off < len(s); {
		j := indexFold(s[off:], ".vault")
		if j < 0 {
			break
		}
		j += off
		rest := s[j+len(".vault"):]
		if strings.HasPrefix(rest, ".") || strings.HasPrefix(strings.ToLower(rest), "-int.") {
			k := j
			for k > 0 && isVaultNameChar(s[k-1]) {
				k--
			}
			if k < j && k > 0 && (s[k-1] == '/' || s[k-1] == '=') { // in a URL or SecretUri=…
				names = append(names, strings.ToLower(s[k:j]))
			}
		}
		off = j + len(".vault")
	}
	for off := 0; off < len(s); {
		j := indexFold(s[off:], "vaultname=")
		if j < 0 {
			break
		}
		j += off + len("vaultname=")
		k := j
		for k < len(s) && isVaultNameChar(s[k]) {
			k++
		}
		if k > j {
			names = append(names, strings.ToLower(s[j:k]))
		}
		off = k
	}
	if len(names) > 1 {
		sort.Strings(names)
		u := names[:1]
		for _, n := range names[1:] {
			if n != u[len(u)-1] {
				u = append(u, n)
			}
		}
		names = u
	}
	return names
}

func isVaultNameChar(c byte) bool {
	return c == '-' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// --- small accessors over JSON-compatible values ---

// str returns v as a string ("" when it is not one).
func str(v any) string {
	s, _ := v.(string)
	return s
}

// scalar renders a JSON scalar as a string (for tag values).
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	default:
		return fmt.Sprint(x)
	}
}

// list returns v as a slice of values.
func list(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case []map[string]any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = c
		}
		return out
	case []map[string]string:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = c
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = c
		}
		return out
	}
	return nil
}

// idAt returns the string at keys under v, or the "id" field of the object there.
func idAt(v any, keys ...string) string {
	x := jsonpath.Keys(v, keys...)
	if s, ok := x.(string); ok {
		return s
	}
	return str(jsonpath.Field(x, "id"))
}

// related reports whether a and b are the same id or one is an ancestor of the other.
func related(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return strings.HasPrefix(b, a) && (len(a) == len(b) || b[len(a)] == '/')
}
