package secrets

import (
	"context"
	"log/slog"
	"regexp"
	"sort"
	"strings"
)

// namedValueRE finds name/value pairs in text: "name": "value", name=value, name: value.
var namedValueRE = regexp.MustCompile(`(?i)["']?([A-Za-z0-9_.\-]{2,64})["']?\s*[:=]\s*"((?:[^"\\]|\\.){6,})"|` +
	`(?i)\b([A-Za-z0-9_.\-]{2,64})=([^\s"'&;,]{6,})`)

// RedactText replaces every secret inside free text (a log message, an error, a report line)
// with its marker, leaving the rest readable.
func RedactText(s string) string {
	if len(s) < minValueLen {
		return s
	}
	type span struct {
		from, to int
		rule     string
	}
	var spans []span
	lower := strings.ToLower(s)
	for i := range azureRules {
		r := &azureRules[i]
		if len(r.keywords) > 0 && !anyContains(lower, r.keywords) {
			continue
		}
		for _, m := range r.re.FindAllStringSubmatchIndex(s, -1) {
			g := 2 * r.group
			if m[g] < 0 {
				continue
			}
			sec := s[m[g]:m[g+1]]
			if len(sec) < r.minLen || isPlaceholder(sec) || (r.entropy > 0 && entropy(sec) < r.entropy) {
				continue
			}
			spans = append(spans, span{m[g], m[g+1], r.id})
		}
	}
	set := gitleaksSet()
	allow := set.allow
	for _, i := range set.candidates(lower) {
		g := &set.rules[i]
		for _, loc := range g.r.Regex.FindAllStringSubmatchIndex(s, -1) {
			from, to := loc[0], loc[1]
			if g.r.SecretGroup > 0 && 2*g.r.SecretGroup+1 < len(loc) && loc[2*g.r.SecretGroup] >= 0 {
				from, to = loc[2*g.r.SecretGroup], loc[2*g.r.SecretGroup+1]
			} else if g.r.SecretGroup == 0 {
				for j := 2; j+1 < len(loc); j += 2 {
					if loc[j] >= 0 && loc[j+1] > loc[j] {
						from, to = loc[j], loc[j+1]
						break
					}
				}
			}
			sec := s[from:to]
			if g.r.Entropy != 0 && entropy(sec) <= g.r.Entropy {
				continue
			}
			if allowed(allow, sec, s[loc[0]:loc[1]]) || allowed(g.r.Allowlists, sec, s[loc[0]:loc[1]]) {
				continue
			}
			spans = append(spans, span{from, to, g.r.RuleID})
		}
	}
	// name = value and "name": "value" pairs whose name says secret (JSON, query strings,
	// command lines, config files)
	if strings.ContainsAny(s, ":=") {
		for _, m := range namedValueRE.FindAllStringSubmatchIndex(s, -1) {
			g := 2 // "name": "value"
			if m[g] < 0 {
				g = 6 // name=value
			}
			if m[g] < 0 || m[g+2] < 0 {
				continue
			}
			name, val := s[m[g]:m[g+1]], s[m[g+2]:m[g+3]]
			if (strongNameRE.MatchString(name) || IsSecretKey(name)) && !describesSecretRE.MatchString(name) && nameSecret(name, val) {
				spans = append(spans, span{m[g+2], m[g+3], RuleSecretName})
			}
		}
	}
	if len(spans) == 0 {
		// a whole value that only decodes to a secret
		if r := checkValue(s, "", true); r != "" {
			return Marker(r)
		}
		return s
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].from != spans[j].from {
			return spans[i].from < spans[j].from
		}
		return spans[i].to > spans[j].to
	})
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.from < at { // overlaps a span already replaced
			if sp.to > at {
				at = sp.to
			}
			continue
		}
		b.WriteString(s[at:sp.from])
		b.WriteString(Marker(sp.rule))
		at = sp.to
	}
	b.WriteString(s[at:])
	return b.String()
}

// RedactAttr is a slog ReplaceAttr function: string values (and errors, Stringers) with a secret
// inside have it replaced by its marker; attributes with a secret-like name lose their value.
func RedactAttr(_ []string, a slog.Attr) slog.Attr {
	return redactAttr(a)
}

func redactAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		if strongNameRE.MatchString(a.Key) && nameSecret(a.Key, s) {
			return slog.String(a.Key, Marker(RuleSecretName))
		}
		if t := RedactText(s); t != s {
			return slog.String(a.Key, t)
		}
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]slog.Attr, len(attrs))
		for i, x := range attrs {
			out[i] = redactAttr(x)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(out...)}
	case slog.KindAny:
		var s string
		switch x := v.Any().(type) {
		case map[string]any, []any, map[string]string:
			out, _ := Redact(x, a.Key)
			return slog.Any(a.Key, out)
		case error:
			s = x.Error()
		case interface{ String() string }:
			s = x.String()
		default:
			return slog.Attr{Key: a.Key, Value: v}
		}
		if t := RedactText(s); t != s {
			return slog.String(a.Key, t)
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Handler wraps a slog.Handler so that no record reaches it with a detected secret: the message
// and every attribute (including those added with With) pass through RedactText / RedactAttr.
type Handler struct {
	inner slog.Handler
}

// NewHandler returns h wrapped by the redacting handler (h itself when it already is one).
func NewHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(*Handler); ok {
		return h
	}
	return &Handler{inner: h}
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

// Handle implements slog.Handler.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, RedactText(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		out[i] = redactAttr(a)
	}
	return &Handler{inner: h.inner.WithAttrs(out)}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	return &Handler{inner: h.inner.WithGroup(name)}
}
