package secrets

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/jsonpath"
)

// ReplaceFunc returns what stands in place of a secret string found at path by rule (a marker,
// an IaC input variable). setting is the name of the setting the value belongs to (a tag key,
// an app setting or environment variable name, a parameter name), "" for a plain property.
// value is given only so that equal secrets can share one stand-in; a ReplaceFunc must never
// store or print it.
type ReplaceFunc func(path, rule, setting, value string) any

// MarkerFunc replaces every secret with its marker.
func MarkerFunc(_, rule, _, _ string) any { return Marker(rule) }

// Walker walks JSON values (maps, arrays, strings, strings holding JSON) and reports secrets.
type Walker struct {
	// Replace, when set, builds the redacted copy; nil only reports.
	Replace ReplaceFunc
	// Whole makes a string holding JSON that holds a secret be replaced whole (one finding at
	// the string's path) instead of re-encoded with its inner secrets replaced.
	Whole bool
	// Findings collects what was found, in walk order.
	Findings []Finding
}

// Scan returns the secrets in v, whose JSON path is path ("" for the root), sorted by path.
func Scan(v any, path string) []Finding {
	w := &Walker{}
	w.Value(v, path, "", false)
	sortFindings(w.Findings)
	return w.Findings
}

// Redact returns a copy of v with every secret string replaced by its marker, and the findings.
// v itself is not changed.
func Redact(v any, path string) (any, []Finding) {
	w := &Walker{Replace: MarkerFunc}
	out := w.Value(v, path, "", false)
	sortFindings(w.Findings)
	return out, w.Findings
}

// RedactMap is Redact for a map of properties (a node's props): each top-level key is its own
// path root.
func RedactMap(m map[string]any) (map[string]any, []Finding) {
	w := &Walker{Replace: MarkerFunc}
	out, _ := w.Map(m, "", false).(map[string]any)
	sortFindings(w.Findings)
	return out, w.Findings
}

func sortFindings(f []Finding) {
	sort.Slice(f, func(i, j int) bool { return f[i].Path < f[j].Path })
}

// Value walks v at path. name is the name v is known by (its property name, or for the value of
// a name/value setting, the setting's name); setting says name is a setting name (tags, app
// settings, env vars, parameters) rather than a JSON property name. It returns v or, when
// Replace is set, a copy with secrets replaced.
func (w *Walker) Value(v any, path, name string, setting bool) any {
	switch t := v.(type) {
	case string:
		return w.String(t, path, name, setting)
	case map[string]any:
		return w.Map(t, path, false)
	case []any:
		var out []any
		if w.Replace != nil {
			out = make([]any, len(t))
		}
		if !setting {
			name = "" // permissions.secrets: ["get", "list"] names a list, not its items
		}
		for i, x := range t {
			y := w.Value(x, jsonpath.Index(path, i), name, setting)
			if out != nil {
				out[i] = y
			}
		}
		if out == nil {
			return v
		}
		return out
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, x := range t {
			m[k] = x
		}
		return w.Map(m, path, false)
	default:
		return v
	}
}

// valueKeys are the property names that hold the value of a name/value setting.
var valueKeys = map[string]bool{"value": true, "securevalue": true, "secretvalue": true, "defaultvalue": true}

// settingNameKeys name the setting a sibling value belongs to: app settings and env vars
// {name, value}, App Configuration {key, value}, API Management named values {displayName, value}.
var settingNameKeys = []string{"name", "key", "displayName", "variableName"}

// settingMaps are property names whose members are settings named by their keys.
var settingMaps = map[string]bool{"tags": true, "appsettings": true, "parameters": true, "environmentvariables": true,
	"env": true, "variables": true, "settings": true, "protectedsettings": true, "connectionstrings": true, "headers": true}

// Map walks an object. settingKeys says its keys are setting names (a tags map).
func (w *Walker) Map(m map[string]any, path string, settingKeys bool) any {
	settingName := ""
	for _, k := range settingNameKeys {
		if n, ok := m[k].(string); ok && n != "" {
			settingName = n
			break
		}
	}
	var out map[string]any
	if w.Replace != nil {
		out = make(map[string]any, len(m))
	}
	for _, k := range sortedKeys(m) {
		v := m[k]
		lk := strings.ToLower(k)
		name, setting := k, settingKeys
		switch {
		case valueKeys[lk] && settingName != "":
			name, setting = settingName, true // {name: DB_PASSWORD, value: …}
		case valueKeys[lk] && settingName == "":
			// {value: …} under a named parameter: the parent's name judges it
			parent := ""
			if i := strings.LastIndexAny(path, ".]"); i >= 0 && i+1 < len(path) {
				parent = path[i+1:]
			} else if path != "" && !strings.HasSuffix(path, "]") {
				parent = path
			}
			if parent != "" && parent != "properties" {
				name, setting = parent, true
			}
		}
		var y any
		if _, isMap := v.(map[string]any); isMap && settingMaps[lk] {
			y = w.Map(v.(map[string]any), jsonpath.Join(path, k), true)
		} else {
			y = w.Value(v, jsonpath.Join(path, k), name, setting)
		}
		if out != nil {
			out[k] = y
		}
	}
	if out == nil {
		return m
	}
	return out
}

// String judges one string value; a string holding a JSON object or array is walked inside
// (its paths continue after the string's path) and, when redacting, re-encoded.
func (w *Walker) String(s, path, name string, setting bool) any {
	if inner, ok := jsonInside(s); ok {
		before := len(w.Findings)
		y := w.Value(inner, path, name, setting)
		if len(w.Findings) == before || w.Replace == nil {
			return s
		}
		if w.Whole {
			f := w.Findings[before]
			w.Findings = w.Findings[:before]
			w.Findings = append(w.Findings, Finding{Path: path, Rule: f.Rule})
			return w.Replace(path, f.Rule, settingOf(name, setting), s)
		}
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(y); err != nil {
			return Marker(w.Findings[before].Rule)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	var rule string
	if setting {
		rule = CheckSetting(name, s)
	} else {
		rule = Check(name, s)
	}
	if rule == "" {
		return s
	}
	w.Findings = append(w.Findings, Finding{Path: path, Rule: rule})
	if w.Replace == nil {
		return s
	}
	return w.Replace(path, rule, settingOf(name, setting), s)
}

func settingOf(name string, setting bool) string {
	if setting {
		return name
	}
	return ""
}

// jsonInside parses s when it holds a JSON object or array.
func jsonInside(s string) (any, bool) {
	t := strings.TrimSpace(s)
	if len(t) < 2 || !(t[0] == '{' && t[len(t)-1] == '}' || t[0] == '[' && t[len(t)-1] == ']') {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return nil, false
	}
	return v, true
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
