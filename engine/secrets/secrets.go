// Package secrets is the one secret detector every output leaving the graph goes through: the
// spec, Terraform/Bicep/ARM, the explorer, graph exports, job artifacts, reports and logs.
//
// It judges values as well as names. Value rules are gitleaks' maintained default rule set
// (GitHub, Slack, JWT, PEM private keys, cloud tokens, … — used as a library, see gitleaks.go)
// plus a small table for Azure shapes (connection strings, SAS, signed URLs, storage keys,
// Azure DevOps PATs, passwords in URLs; see rules.go). Names add one rule: a value under a
// secret-like name (password, apiKey, an app setting called DB_PASSWORD, a tag called token)
// that is not a placeholder and is random enough.
//
// A finding is a JSON path and a rule id, never the value. Redaction replaces a whole string
// value with Marker(rule) (or whatever the caller puts there: an IaC input variable).
package secrets

import (
	"encoding/base64"
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	glconfig "github.com/zricethezav/gitleaks/v8/config"
)

// Finding is one secret found in a JSON value: where (a JSON path such as
// properties.siteConfig.appSettings[2].value or tags.conn) and which rule. Never the value.
type Finding struct {
	Path string `json:"path"`
	Rule string `json:"rule"`
}

// Marker is the text that stands for a redacted value: <redacted:RULE>.
func Marker(rule string) string { return "<redacted:" + rule + ">" }

// markerRE recognises markers (already-redacted values are not secrets).
var markerRE = regexp.MustCompile(`^<redacted:[a-z0-9-]+>$`)

// IsMarker reports whether s is a redaction marker.
func IsMarker(s string) bool { return markerRE.MatchString(s) }

var (
	loadOnce sync.Once
	glRules  []glRule
	glAllow  []*glconfig.Allowlist
	glAll    *glSet
	glErr    error
)

func gitleaks() ([]glRule, []*glconfig.Allowlist) {
	return gitleaksSet().rules, glAllow
}

func gitleaksSet() *glSet {
	loadOnce.Do(func() {
		glRules, glAllow, glErr = loadGitleaks()
		glAll = newGLSet(glRules, glAllow)
	})
	return glAll
}

// LoadError reports whether gitleaks' rule set failed to load (the Azure table still runs).
func LoadError() error {
	gitleaks()
	return glErr
}

// RuleIDs returns every value rule id the detector runs (Azure table, then gitleaks) and the
// name rule.
func RuleIDs() []string {
	var ids []string
	for _, r := range azureRules {
		ids = append(ids, r.id)
	}
	rs, _ := gitleaks()
	for _, r := range rs {
		ids = append(ids, r.r.RuleID)
	}
	return append(ids, RuleSecretName)
}

// minValueLen: shorter strings are never judged secret by value.
const minValueLen = 8

// CheckValue returns the rule that flags s as (or as containing) a secret, or "".
func CheckValue(s string) string {
	return checkValue(s, "", true)
}

// Check judges a JSON property value: by value, then by its property name.
func Check(key, s string) string {
	if r := checkValue(s, key, true); r != "" {
		return r
	}
	if IsSecretKey(key) && !describesSecretRE.MatchString(key) && nameSecret(key, s) {
		return RuleSecretName
	}
	return ""
}

// CheckSetting judges the value of a named setting (tag, app setting, environment variable,
// template parameter): by value, then by the setting's name.
func CheckSetting(name, s string) string {
	if r := checkValue(s, name, true); r != "" {
		return r
	}
	if (IsSecretSetting(name) || strongNameRE.MatchString(name)) && !notSecretSettingRE.MatchString(name) && !describesSecretRE.MatchString(name) && nameSecret(name, s) {
		return RuleSecretName
	}
	return ""
}

// dateRE matches timestamps (passwordLastSet, keyCreationTime…): facts about a secret.
var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}([T ][0-9:.]+)?(Z|[+-]\d{2}:?\d{2})?$`)

var guidRE = regexp.MustCompile(`^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// nameSecret decides whether s, found under a secret-like name, is a secret value.
func nameSecret(name, s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 6 || isPlaceholder(s) || IsMarker(s) {
		return false
	}
	if dateRE.MatchString(s) {
		return false
	}
	if strings.HasPrefix(s, "/subscriptions/") || strings.HasPrefix(s, "/providers/") {
		return false // a resource id (a Key Vault key's id, a secret's resource)
	}
	if strings.HasPrefix(s, "@Microsoft.KeyVault(") {
		return false // an App Service Key Vault reference: where the secret is, not the secret
	}
	if strings.Contains(s, "://") && !strings.Contains(s, "@") && !strings.Contains(s, "?") {
		return false // a plain URL (a secret's URI) carries no credential
	}
	if strings.Contains(s, "=") && strings.Contains(s, ";") || strings.HasPrefix(s, "InstrumentationKey=") {
		return false // a connection string: the value rules judged its parts
	}
	if strongNameRE.MatchString(name) {
		return entropy(s) >= 2.0
	}
	// weak names (key, customData, primaryKey…): a random-looking token
	if guidRE.MatchString(s) || strings.ContainsAny(s, " \t\n") {
		return false
	}
	return len(s) >= 16 && entropy(s) >= 3.5
}

// checkValue runs the value rules on s (and on s base64-decoded when it is text).
func checkValue(s, name string, decode bool) string {
	if len(s) < minValueLen || IsMarker(s) {
		return ""
	}
	lower := strings.ToLower(s)
	for _, r := range azureRules {
		if r.match(s, lower) {
			return r.id
		}
	}
	g := gitleaksSet()
	// gitleaks' rules read source lines; give them the name as the line would
	line, lowerLine := s, lower
	if name != "" {
		line = name + ` = "` + s + `"`
		lowerLine = strings.ToLower(line)
	}
	for _, i := range g.candidates(lowerLine) {
		if glMatch(&g.rules[i], g.allow, line, s) {
			return g.rules[i].r.RuleID
		}
	}
	if decode {
		if d, ok := decodeBase64Text(s); ok {
			return checkValue(d, "", false)
		}
	}
	return ""
}

func (r *rule) match(s, lower string) bool {
	if len(r.keywords) > 0 && !anyContains(lower, r.keywords) {
		return false
	}
	for _, m := range r.re.FindAllStringSubmatchIndex(s, -1) {
		g := 2 * r.group
		if m[g] < 0 {
			continue
		}
		sec := s[m[g]:m[g+1]]
		if len(sec) < r.minLen || isPlaceholder(sec) {
			continue
		}
		if r.entropy > 0 && entropy(sec) < r.entropy {
			continue
		}
		return true
	}
	return false
}

func anyContains(lower string, kws []string) bool {
	for _, k := range kws {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}

// glMatch applies one gitleaks rule (its keywords already found) like gitleaks' detector does:
// secret group, entropy, global and rule allowlists. The secret must lie in value.
func glMatch(g *glRule, allow []*glconfig.Allowlist, line, value string) bool {
	r := &g.r
	for _, loc := range r.Regex.FindAllStringSubmatchIndex(line, -1) {
		match := line[loc[0]:loc[1]]
		secret := match
		if r.SecretGroup > 0 && 2*r.SecretGroup+1 < len(loc) && loc[2*r.SecretGroup] >= 0 {
			secret = line[loc[2*r.SecretGroup]:loc[2*r.SecretGroup+1]]
		} else if r.SecretGroup == 0 {
			for i := 2; i+1 < len(loc); i += 2 {
				if loc[i] >= 0 && loc[i+1] > loc[i] {
					secret = line[loc[i]:loc[i+1]]
					break
				}
			}
		}
		if !strings.Contains(value, secret) {
			continue
		}
		if r.Entropy != 0 && entropy(secret) <= r.Entropy {
			continue
		}
		if allowed(allow, secret, match) || allowed(r.Allowlists, secret, match) {
			continue
		}
		return true
	}
	return false
}

// decodeBase64Text decodes s when it is standard base64 of printable text (customData, a
// base64 cloud-init script, an encoded settings blob).
func decodeBase64Text(s string) (string, bool) {
	if len(s) < 24 || len(s)%4 != 0 || len(s) > 1<<20 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return "", false
		}
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) {
		return "", false
	}
	printable := 0
	for _, r := range string(b) {
		if unicode.IsPrint(r) || r == '\n' || r == '\r' || r == '\t' {
			printable++
		}
	}
	if printable*10 < utf8.RuneCount(b)*9 {
		return "", false
	}
	return string(b), true
}

// entropy is the Shannon entropy of s in bits per character (as gitleaks computes it).
func entropy(s string) float64 {
	if s == "" {
		return 0
	}
	counts := map[rune]int{}
	n := 0
	for _, c := range s {
		counts[c]++
		n++
	}
	var e float64
	for _, c := range counts {
		f := float64(c) / float64(n)
		e -= f * math.Log2(f)
	}
	return e
}
