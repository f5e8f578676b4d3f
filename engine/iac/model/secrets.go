package model

import (
	"crypto/sha256"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/jsonpath"
	"github.com/atg-go/atg/engine/secrets"
)

// SecretFinding is one place where the model left a source secret out: replaced by a sensitive
// input variable (Variable set) or removed (a write-only secret-named property; Variable "").
// secrets.json lists them. Never the value.
type SecretFinding struct {
	ID       string `json:"id"`  // source resource id
	Key      string `json:"key"` // the resource's key in the model
	Path     string `json:"path"`
	Rule     string `json:"rule"`
	Variable string `json:"variable,omitempty"`
}

// secretVars turns secrets found in resource JSON into sensitive input variables: one per
// distinct secret (the same connection string in a tag and an app setting is one input), named
// after where it was first found.
type secretVars struct {
	res    *resolver
	byHash map[[32]byte]string // sha256 of the value -> variable; only in memory while building
	used   map[string]bool
	found  []SecretFinding
}

func newSecretVars(res *resolver) *secretVars {
	return &secretVars{res: res, byHash: map[[32]byte]string{}, used: map[string]bool{}}
}

// maxVarName keeps generated names readable; longer ones end in a short hash of the full name.
const maxVarName = 64

// replacer returns the ReplaceFunc for one resource.
func (s *secretVars) replacer(r *Resource) secrets.ReplaceFunc {
	return func(path, rule, setting, value string) any {
		h := sha256.Sum256([]byte(value))
		name, ok := s.byHash[h]
		if !ok {
			// named after where it was found: the tag, the setting, or the property path
			where := strings.TrimPrefix(path, "properties.")
			switch {
			case strings.HasPrefix(path, "tags") && setting != "":
				where = "tag_" + setting
			case setting != "":
				where = setting
			}
			name = Sanitize(r.Key + "_" + where)
			if len(name) > maxVarName {
				name = strings.TrimRight(name[:maxVarName-9], "_") + "_" + ShortHash(name)
			}
			base := name
			for i := 2; s.used[name] || s.res.vars[name] != nil; i++ {
				name = base + "_" + itoa(i)
			}
			s.used[name] = true
			s.byHash[h] = name
			s.res.addVar(Variable{Name: name, Kind: VarSecret, Sensitive: true, Rule: rule,
				Description: "Secret (" + rule + ") found at " + path + " of " + r.Type + " " + r.Name +
					"; never copied from the source"})
		}
		s.found = append(s.found, SecretFinding{ID: r.ID, Key: r.Key, Path: path, Rule: rule, Variable: name})
		return Var{Name: name}
	}
}

// body replaces the secrets in a resource's cleaned properties.
func (s *secretVars) body(r *Resource, body map[string]any) map[string]any {
	w := &secrets.Walker{Replace: s.replacer(r), Whole: true}
	out, _ := w.Value(body, "properties", "properties", false).(map[string]any)
	return out
}

// tags replaces secrets in tag values (a storage connection string in a tag is common).
func (s *secretVars) tags(r *Resource) {
	if len(r.Tags) == 0 {
		return
	}
	w := &secrets.Walker{Replace: s.replacer(r), Whole: true}
	for _, k := range sortedKeys(r.Tags) {
		v, ok := r.Tags[k].(string)
		if !ok {
			continue
		}
		r.Tags[k] = w.String(v, jsonpath.Join("tags", k), k, true)
	}
}

// finish records the removed secret properties too and sorts the findings into the model.
func (s *secretVars) finish(m *Model) {
	ids := map[string]string{}
	for _, r := range m.Resources {
		ids[r.Key] = r.ID
	}
	for _, d := range m.Dropped {
		rule := secrets.RuleSecretName
		if strings.Contains(d.Reason, "Key Vault") {
			rule = "key-vault-reference"
		}
		s.found = append(s.found, SecretFinding{ID: ids[d.Key], Key: d.Key, Path: d.Path, Rule: rule})
	}
	sort.SliceStable(s.found, func(i, j int) bool {
		if s.found[i].Key != s.found[j].Key {
			return s.found[i].Key < s.found[j].Key
		}
		return s.found[i].Path < s.found[j].Path
	})
	m.Secrets = s.found
}
