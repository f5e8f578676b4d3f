package secrets

import (
	"fmt"
	"sort"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/spf13/viper"
	glconfig "github.com/zricethezav/gitleaks/v8/config"
)

// GitleaksVersion is the gitleaks release whose default rule set (config/gitleaks.toml, embedded
// in its config package) the detector uses; go.mod pins the same version.
const GitleaksVersion = "v8.30.1"

// excludedGitleaksRules are default rules the detector does not run, with the reason.
var excludedGitleaksRules = map[string]string{
	// generic-api-key needs a key=value line of source code and fires on any high-entropy
	// token next to "key"/"token"/"auth"; on ARM JSON the name-aware rule (secret-name) does
	// this job with the JSON property name instead of surrounding text.
	"generic-api-key": "context-free in ARM JSON; replaced by secret-name",
}

// glRule is one gitleaks rule prepared for value checks.
type glRule struct {
	r        glconfig.Rule
	keywords []string // lower-case
}

// glSet is the loaded rule set with its keyword prefilter: one Aho-Corasick pass over a value
// finds the rules whose keywords occur (as gitleaks' detector does), so a value costs one scan
// plus the few expressions that can match, not ~200 expressions.
type glSet struct {
	rules  []glRule
	allow  []*glconfig.Allowlist
	trie   *ahocorasick.Trie
	byKW   [][]int // keyword pattern index -> rule indices
	always []int   // rules without keywords
	nKW    int
}

func newGLSet(rules []glRule, allow []*glconfig.Allowlist) *glSet {
	g := &glSet{rules: rules, allow: allow}
	idx := map[string]int{}
	var kws []string
	for i, r := range rules {
		if len(r.keywords) == 0 {
			g.always = append(g.always, i)
			continue
		}
		for _, k := range r.keywords {
			j, ok := idx[k]
			if !ok {
				j = len(kws)
				idx[k] = j
				kws = append(kws, k)
				g.byKW = append(g.byKW, nil)
			}
			g.byKW[j] = append(g.byKW[j], i)
		}
	}
	g.trie = ahocorasick.NewTrieBuilder().AddStrings(kws).Build()
	g.nKW = len(kws)
	return g
}

// candidates returns, in rule order, the rules that may match lower (a lower-cased text).
func (g *glSet) candidates(lower string) []int {
	out := append([]int(nil), g.always...)
	ms := g.trie.MatchString(lower)
	if len(ms) == 0 {
		return out
	}
	seen := map[int]bool{}
	for _, m := range ms {
		for _, i := range g.byKW[m.Pattern()] {
			if !seen[i] {
				seen[i] = true
				out = append(out, i)
			}
		}
	}
	sort.Ints(out)
	return out
}

// loadGitleaks parses gitleaks' embedded default configuration with viper, exactly as gitleaks
// does, and returns the content rules (path-only rules and exclusions left out), sorted by id.
func loadGitleaks() ([]glRule, []*glconfig.Allowlist, error) {
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(strings.NewReader(glconfig.DefaultConfig)); err != nil {
		return nil, nil, fmt.Errorf("read gitleaks default config: %w", err)
	}
	var vc glconfig.ViperConfig
	if err := v.Unmarshal(&vc); err != nil {
		return nil, nil, fmt.Errorf("decode gitleaks default config: %w", err)
	}
	cfg, err := vc.Translate()
	if err != nil {
		return nil, nil, fmt.Errorf("translate gitleaks default config: %w", err)
	}
	var out []glRule
	for id, r := range cfg.Rules {
		if r.Regex == nil || r.Path != nil || r.SkipReport || excludedGitleaksRules[id] != "" {
			continue
		}
		kw := make([]string, len(r.Keywords))
		for i, k := range r.Keywords {
			kw[i] = strings.ToLower(k)
		}
		out = append(out, glRule{r: r, keywords: kw})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].r.RuleID < out[j].r.RuleID })
	return out, cfg.Allowlists, nil
}

// allowed applies gitleaks' allowlist semantics (regexes and stop words; commits and paths do
// not exist here) to a secret and its whole match.
func allowed(lists []*glconfig.Allowlist, secret, match string) bool {
	for _, a := range lists {
		target := secret
		if a.RegexTarget == "match" || a.RegexTarget == "line" {
			target = match
		}
		regexOK := a.RegexAllowed(target)
		stop, _ := a.ContainsStopWord(secret)
		if a.MatchCondition == glconfig.AllowlistMatchAnd {
			if len(a.Commits) > 0 || len(a.Paths) > 0 {
				continue // needs a commit or a path: never true for a value
			}
			ok := len(a.Regexes) > 0 || len(a.StopWords) > 0
			if len(a.Regexes) > 0 && !regexOK {
				ok = false
			}
			if len(a.StopWords) > 0 && !stop {
				ok = false
			}
			if ok {
				return true
			}
			continue
		}
		if regexOK || stop {
			return true
		}
	}
	return false
}
