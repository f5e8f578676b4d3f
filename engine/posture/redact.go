package posture

import (
	"regexp"
	"strings"
)

// Redactor masks a value found at a JSON path before it leaves the engine (evidence, MCP
// get-resource). It is a plain func so the project's secret scrubber can be plugged in
// (posture.Options.Redact, mcp options) without this package depending on it.
type Redactor func(path string, v any) any

// Masked replaces a redacted value.
const Masked = "[REDACTED]"

var secretKey = regexp.MustCompile(`(?i)(password|passwd|pwd|secret|token|apikey|api_key|accesskey|access_key|accountkey|account_key|connectionstring|connection_string|sas|signature|credential|privatekey|private_key|clientsecret|keydata|primarykey|secondarykey|instrumentationkey)`)

var secretValue = regexp.MustCompile(`(?i)(accountkey=|sharedaccesskey=|sharedaccesssignature|[?&]sig=|password=|pwd=|-----begin [a-z ]*private key-----|instrumentationkey=)`)

// SecretLikeKey reports whether a JSON key name (or a path's last segment) suggests a secret.
func SecretLikeKey(k string) bool {
	if i := strings.LastIndexAny(k, ".]"); i >= 0 && i < len(k)-1 {
		k = k[i+1:]
	}
	// secret *references* are not secrets
	lk := strings.ToLower(k)
	if strings.HasSuffix(lk, "id") || strings.HasSuffix(lk, "uri") || strings.HasSuffix(lk, "url") || strings.HasSuffix(lk, "name") {
		return false
	}
	return secretKey.MatchString(k)
}

// DefaultRedactor masks values whose key looks secret-like, strings that look like connection
// strings, keys or signed URLs, and walks objects and lists (an app-setting-style
// {"name": "DB_PASSWORD", "value": …} pair is judged by its name).
func DefaultRedactor(path string, v any) any { return redact(path, v) }

func redact(key string, v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		name, _ := x["name"].(string)
		for k, e := range x {
			switch {
			case (k == "value" || k == "Value") && name != "" && SecretLikeKey(name):
				out[k] = maskValue(e)
			case SecretLikeKey(k):
				out[k] = maskValue(e)
			default:
				out[k] = redact(k, e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = redact(key, e)
		}
		return out
	case string:
		if SecretLikeKey(key) || secretValue.MatchString(x) {
			return maskValue(x)
		}
		return x
	case float64, int, int64:
		if SecretLikeKey(key) {
			return Masked
		}
		return v
	default: // nil, bool: never a secret
		return v
	}
}

func maskValue(v any) any {
	switch v.(type) {
	case nil, bool:
		return v
	case map[string]any, []any:
		return redact("secret", v)
	}
	if s, ok := v.(string); ok && (s == "" || strings.HasPrefix(s, "@Microsoft.KeyVault(")) {
		return s // empty, or a reference to a secret rather than the secret itself
	}
	return Masked
}

// RedactProps returns a redacted deep copy of a node's props.
func RedactProps(props map[string]any, r Redactor) map[string]any {
	if r == nil {
		r = DefaultRedactor
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = r(k, v)
	}
	return out
}
