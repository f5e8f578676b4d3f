package spec

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
)

// anonymizer replaces names, ids, principals, domains and addresses with stable pseudonyms:
// HMAC-SHA256 keyed by the per-graph seed over the full scope (lower-cased id path), so the same
// input always gives the same pseudonym and two same-named resources in different scopes differ.
type anonymizer struct {
	key    []byte
	frozen bool
	names  map[string]string // lower source name -> pseudonym (for free-text replacement)
	order  []string          // names by length, longest first
}

var (
	guidAnyRE = regexp.MustCompile(`(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	emailRE   = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	ipv4RE    = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)
	hostRE    = regexp.MustCompile(`(?i)\b[a-z0-9-]+(\.[a-z0-9-]+)*\.(com|net|org|io|azure\.com|windows\.net|azurewebsites\.net|core\.windows\.net|microsoft\.com|onmicrosoft\.com)\b`)
)

func newAnonymizer(seed string) *anonymizer {
	return &anonymizer{key: []byte("atg-anonymize|" + seed), names: map[string]string{}}
}

func (a *anonymizer) hash(scope string, n int) string {
	h := hmac.New(sha256.New, a.key)
	h.Write([]byte(strings.ToLower(scope)))
	return hex.EncodeToString(h.Sum(nil))[:n]
}

func (a *anonymizer) guid(scope string) string {
	h := a.hash("guid|"+scope, 32)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// prefix is a short readable hint of the type ("virtualnetworks" -> "vir").
func prefix(typeSeg string) string {
	t := strings.ToLower(typeSeg)
	if len(t) > 3 {
		t = t[:3]
	}
	return t
}

// id pseudonymises every name segment of an ARM id, each with the scope up to it.
func (a *anonymizer) id(s string) string {
	segs := strings.Split(s, "/")
	scope := ""
	for i := 1; i+1 < len(segs); i += 2 {
		typ, name := segs[i], segs[i+1]
		scope += "/" + strings.ToLower(typ) + "/" + strings.ToLower(name)
		switch {
		case strings.EqualFold(typ, "providers"):
			continue
		case strings.EqualFold(typ, "subscriptions"):
			segs[i+1] = a.guid("sub|" + strings.ToLower(name))
		case guidAnyRE.MatchString(name) && len(name) == 36:
			segs[i+1] = a.guid(scope)
		default:
			segs[i+1] = prefix(typ) + "-" + a.hash(scope, 8)
			a.remember(name, segs[i+1])
		}
	}
	return strings.Join(segs, "/")
}

func (a *anonymizer) remember(name, pseudo string) {
	if len(name) < 4 || a.frozen {
		return
	}
	l := strings.ToLower(name)
	if _, ok := a.names[l]; !ok {
		a.names[l] = pseudo
		a.order = append(a.order, l)
	}
}

// text scrubs free text: ids, GUIDs, e-mail addresses, host names, IPv4 addresses and known names.
func (a *anonymizer) text(s string) string {
	if armid.LooksLike(s) {
		return a.id(s)
	}
	s = guidAnyRE.ReplaceAllStringFunc(s, func(g string) string { return a.guid("guid|" + strings.ToLower(g)) })
	s = emailRE.ReplaceAllStringFunc(s, func(e string) string { return "user-" + a.hash("mail|"+e, 8) + "@example.invalid" })
	s = hostRE.ReplaceAllStringFunc(s, func(h string) string { return "host-" + a.hash("host|"+h, 8) + ".example.invalid" })
	s = ipv4RE.ReplaceAllStringFunc(s, func(ip string) string {
		if strings.HasPrefix(ip, "10.") || strings.HasPrefix(ip, "192.168.") || strings.HasPrefix(ip, "172.") || ip == "0.0.0.0" {
			return ip // private ranges describe topology, not the owner
		}
		return "203.0.113." + hexByte(a.hash("ip|"+ip, 2))
	})
	low := strings.ToLower(s)
	for _, n := range a.order {
		if i := strings.Index(low, n); i >= 0 {
			s = s[:i] + a.names[n] + s[i+len(n):]
			low = strings.ToLower(s)
		}
	}
	return s
}

func hexByte(h string) string {
	var v int
	for _, c := range h {
		v = v*16 + strings.IndexRune("0123456789abcdef", c)
	}
	return itoa(v % 255)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

func (a *anonymizer) value(v any) any {
	switch t := v.(type) {
	case string:
		return a.text(t)
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			if armid.LooksLike(k) {
				out[a.id(k)] = a.value(x)
				continue
			}
			out[k] = a.value(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = a.value(x)
		}
		return out
	default:
		return v
	}
}

// nodes returns anonymised copies of the nodes. Names are learnt from every id first, so free
// text that mentions a resource name is scrubbed too.
func (a *anonymizer) nodes(in []graph.Node) []graph.Node {
	ids := make([]string, 0, len(in))
	for _, n := range in {
		if id, _ := n.Props[graph.PropID].(string); id != "" {
			ids = append(ids, id)
		}
	}
	for _, n := range in {
		walkIDs(n.Props, func(s string) { ids = append(ids, s) })
	}
	sort.Strings(ids)
	for _, id := range ids {
		a.id(id)
	}
	sort.Slice(a.order, func(i, j int) bool {
		if len(a.order[i]) != len(a.order[j]) {
			return len(a.order[i]) > len(a.order[j])
		}
		return a.order[i] < a.order[j]
	})
	a.frozen = true
	out := make([]graph.Node, 0, len(in))
	for _, n := range in {
		c := n
		c.TenantID = a.guid("tenant|" + n.TenantID)
		props := make(map[string]any, len(n.Props))
		for k, v := range n.Props {
			switch k {
			case graph.PropType, graph.PropTypeDisplay, graph.PropAPIVersion, graph.PropLocation, graph.PropKind,
				graph.PropSKU, graph.PropZones, "role_type", "principal_type", "service_principal_type", "account_enabled",
				"user_type", "security_enabled", "mail_enabled", "state":
				props[k] = v
			case graph.PropTags:
				tags := map[string]any{}
				if tm, ok := v.(map[string]any); ok {
					for tk, tv := range tm {
						tags[tk] = "v-" + a.hash("tag|"+tk+"|"+toString(tv), 8)
					}
				}
				props[k] = tags
			case graph.PropSubscription:
				props[k] = a.guid("sub|" + strings.ToLower(toString(v)))
			case graph.PropResourceGroup:
				if id, _ := n.Props[graph.PropID].(string); id != "" {
					if p, ok := armid.Parse(a.id(id)); ok {
						props[k] = p.ResourceGroup
						continue
					}
				}
				props[k] = "res-" + a.hash("rg|"+toString(v), 8)
			case graph.PropName:
				if id, _ := n.Props[graph.PropID].(string); id != "" {
					p := strings.Split(a.id(id), "/")
					props[k] = p[len(p)-1]
				} else {
					props[k] = "name-" + a.hash("name|"+n.ID+"|"+toString(v), 8)
				}
			case "role_name":
				if n.Props["role_type"] == "BuiltInRole" {
					props[k] = v
				} else {
					props[k] = "role-" + a.hash("role|"+toString(v), 8)
				}
			case "display_name", "user_principal_name", "mail", "mail_nickname", "app_id", "default_domain", "description":
				props[k] = a.hash(k+"|"+n.ID+"|"+toString(v), 10)
			default:
				props[k] = a.value(v)
			}
		}
		c.Props = props
		if armid.LooksLike(n.ID) {
			c.ID = graph.NormalizeID(a.id(n.ID))
		} else {
			c.ID = a.text(n.ID)
			if len(n.ID) == 36 && guidAnyRE.MatchString(n.ID) {
				c.ID = a.guid("guid|" + strings.ToLower(n.ID))
			}
		}
		out = append(out, c)
	}
	return out
}

func toString(v any) string {
	s, _ := v.(string)
	return s
}

func walkIDs(v any, fn func(string)) {
	switch t := v.(type) {
	case string:
		if armid.LooksLike(t) {
			fn(t)
		}
	case map[string]any:
		for k, x := range t {
			if armid.LooksLike(k) {
				fn(k)
			}
			walkIDs(x, fn)
		}
	case []any:
		for _, x := range t {
			walkIDs(x, fn)
		}
	}
}
