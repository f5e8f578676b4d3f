// Package translate rewrites an IaC model for another tenant, subscription or region: tenant and
// subscription ids, principal ids through an identity map, locations, and globally unique names
// (with a deterministic suffix that respects each type's naming rules). Every rewrite is reported.
// Generate-iac and create-tenant both use it.
package translate

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/iac/model"
)

// Options say what to translate to. Zero fields leave the corresponding values alone.
type Options struct {
	TargetTenantID     string            `json:"target_tenant_id,omitempty"`
	TargetSubscription string            `json:"target_subscription,omitempty"`
	TargetLocation     string            `json:"target_location,omitempty"`
	NameSuffix         string            `json:"name_suffix,omitempty"`
	IdentityMap        map[string]string `json:"-"` // source principal id -> target principal id
	// UniqueNames renames globally unique resources even without NameSuffix (suffix derived
	// from the target); set by default when any target is given.
	UniqueNames bool `json:"unique_names,omitempty"`
}

// Active reports whether any translation is asked for.
func (o Options) Active() bool {
	return o.TargetTenantID != "" || o.TargetSubscription != "" || o.TargetLocation != "" || o.NameSuffix != "" ||
		len(o.IdentityMap) > 0 || o.UniqueNames
}

// Rewrite is one change.
type Rewrite struct {
	Key    string `json:"key,omitempty"` // model resource key or variable name
	Field  string `json:"field"`
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
}

// Report is translation.json.
type Report struct {
	Options  Options         `json:"options"`
	Rewrites []Rewrite       `json:"rewrites"`
	Skipped  []model.Skipped `json:"skipped"`
}

// LoadIdentityMap reads {"<source principal id>": "<target principal id>"}.
func LoadIdentityMap(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read identity map: %w", err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse identity map %s: %w", path, err)
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out, nil
}

// NameRule describes a globally unique name: allowed characters, length and case.
type NameRule struct {
	Min, Max   int
	Lower      bool
	Hyphens    bool // '-' allowed (never first or last)
	StartAlpha bool
}

// GlobalNames are the types whose names are global DNS names.
var GlobalNames = map[string]NameRule{
	"microsoft.storage/storageaccounts":              {Min: 3, Max: 24, Lower: true},
	"microsoft.keyvault/vaults":                      {Min: 3, Max: 24, Hyphens: true, StartAlpha: true},
	"microsoft.web/sites":                            {Min: 2, Max: 60, Hyphens: true},
	"microsoft.web/staticsites":                      {Min: 2, Max: 60, Hyphens: true},
	"microsoft.sql/servers":                          {Min: 1, Max: 63, Lower: true, Hyphens: true},
	"microsoft.containerregistry/registries":         {Min: 5, Max: 50},
	"microsoft.documentdb/databaseaccounts":          {Min: 3, Max: 44, Lower: true, Hyphens: true},
	"microsoft.cache/redis":                          {Min: 1, Max: 63, Hyphens: true},
	"microsoft.servicebus/namespaces":                {Min: 6, Max: 50, Hyphens: true, StartAlpha: true},
	"microsoft.eventhub/namespaces":                  {Min: 6, Max: 50, Hyphens: true, StartAlpha: true},
	"microsoft.appconfiguration/configurationstores": {Min: 5, Max: 50, Hyphens: true},
	"microsoft.search/searchservices":                {Min: 2, Max: 60, Lower: true, Hyphens: true},
	"microsoft.apimanagement/service":                {Min: 1, Max: 50, Hyphens: true, StartAlpha: true},
	"microsoft.dbforpostgresql/flexibleservers":      {Min: 3, Max: 63, Lower: true, Hyphens: true},
	"microsoft.dbformysql/flexibleservers":           {Min: 3, Max: 63, Lower: true, Hyphens: true},
	"microsoft.cognitiveservices/accounts":           {Min: 2, Max: 64, Hyphens: true},
	"microsoft.eventgrid/topics":                     {Min: 3, Max: 50, Hyphens: true},
	"microsoft.signalrservice/signalr":               {Min: 3, Max: 63, Hyphens: true, StartAlpha: true},
	"microsoft.app/containerapps":                    {Min: 2, Max: 32, Lower: true, Hyphens: true, StartAlpha: true},
}

var nonAlnum = regexp.MustCompile(`[^a-zA-Z0-9-]`)

// UniqueName applies rule to name + suffix: invalid characters removed, truncated so the suffix
// always fits, hyphens only where allowed.
func UniqueName(name, suffix string, rule NameRule) string {
	clean := func(s string) string {
		s = nonAlnum.ReplaceAllString(s, "")
		if !rule.Hyphens {
			s = strings.ReplaceAll(s, "-", "")
		}
		if rule.Lower {
			s = strings.ToLower(s)
		}
		return s
	}
	base, sfx := clean(name), clean(suffix)
	if sfx == "" {
		return base
	}
	sep := ""
	if rule.Hyphens {
		sep = "-"
	}
	room := rule.Max - len(sfx) - len(sep)
	if room < 1 {
		room = 1
	}
	if len(base) > room {
		base = base[:room]
	}
	base = strings.TrimRight(base, "-")
	out := base + sep + sfx
	if rule.StartAlpha && (out == "" || !(out[0] >= 'a' && out[0] <= 'z' || out[0] >= 'A' && out[0] <= 'Z')) {
		out = "a" + out
		if len(out) > rule.Max {
			out = out[:rule.Max]
		}
	}
	out = strings.Trim(out, "-")
	for len(out) < rule.Min {
		out += "0"
	}
	return out
}

// Apply translates m in place and returns the report.
func Apply(m *model.Model, o Options) (*Report, error) {
	rep := &Report{Options: o}
	add := func(key, field, from, to, reason string) {
		if from != to {
			rep.Rewrites = append(rep.Rewrites, Rewrite{Key: key, Field: field, From: from, To: to, Reason: reason})
		}
	}
	srcSubs := map[string]bool{}
	for _, s := range m.Subscriptions {
		srcSubs[strings.ToLower(s)] = true
	}
	// variables: tenant, subscription, out-of-scope ids
	for i := range m.Variables {
		v := &m.Variables[i]
		if v.Default == nil {
			continue
		}
		switch v.Kind {
		case model.VarTenant:
			if o.TargetTenantID != "" {
				add(v.Name, "default", *v.Default, o.TargetTenantID, "target tenant")
				t := o.TargetTenantID
				v.Default = &t
			}
		case model.VarSubscription:
			if o.TargetSubscription != "" {
				add(v.Name, "default", *v.Default, o.TargetSubscription, "target subscription")
				t := o.TargetSubscription
				v.Default = &t
			}
		case model.VarReference:
			if o.TargetSubscription != "" {
				if p, ok := armid.Parse(*v.Default); ok && p.Subscription != "" {
					n := "/subscriptions/" + o.TargetSubscription + (*v.Default)[len("/subscriptions/")+len(p.Subscription):]
					add(v.Name, "default", *v.Default, n, "subscription of an out-of-scope id")
					v.Default = &n
				}
			}
		}
	}
	suffix := o.NameSuffix
	uniq := o.UniqueNames || suffix != ""
	keep := m.Resources[:0]
	renamed := map[string]string{} // lower source id -> new last name
	for _, r := range m.Resources {
		if o.TargetLocation != "" && r.Location != "" && r.Location != "global" {
			to := model.NormalizeLocation(o.TargetLocation)
			add(r.Key, "location", r.Location, to, "target location")
			r.Location = to
		}
		if o.TargetSubscription != "" && r.Subscription != "" {
			add(r.Key, "subscription", r.Subscription, o.TargetSubscription, "target subscription")
			r.Subscription = o.TargetSubscription
		}
		if why := principals(r, o, add); why != "" {
			m.Skipped = append(m.Skipped, model.Skipped{ID: r.ID, Type: r.Type, Reason: why})
			rep.Skipped = append(rep.Skipped, model.Skipped{ID: r.ID, Type: r.Type, Reason: why})
			continue
		}
		if rule, ok := GlobalNames[r.LowerType()]; ok && uniq {
			sfx := suffix
			if sfx == "" {
				sfx = model.ShortHash(o.TargetTenantID + "|" + o.TargetSubscription + "|" + r.ID)
			}
			to := UniqueName(r.Name, sfx, rule)
			add(r.Key, "name", r.Name, to, "globally unique name")
			renamed[strings.ToLower(r.ID)] = to
			r.Name = to
		}
		keep = append(keep, r)
	}
	m.Resources = keep
	// children of renamed resources carry the new parent name
	for _, r := range m.Resources {
		if p, ok := armid.Parse(r.ID); !ok || p.Scope != "" {
			continue // extension resources keep their own name; their scope is a reference
		}
		for src, to := range renamed {
			if strings.HasPrefix(strings.ToLower(r.ID), src+"/") {
				p, _ := armid.Parse(src)
				segs := r.NameSegments()
				i := len(p.Names) - 1
				if i < len(segs) {
					from := r.Name
					segs[i] = to
					r.Name = strings.Join(segs, "/")
					add(r.Key, "name", from, r.Name, "parent renamed")
				}
			}
		}
	}
	// references to removed resources are dropped from dependencies
	live := map[string]bool{}
	for _, r := range m.Resources {
		live[r.Key] = true
	}
	for _, r := range m.Resources {
		deps := r.DependsOn[:0]
		for _, d := range r.DependsOn {
			if live[d] {
				deps = append(deps, d)
			}
		}
		r.DependsOn = deps
	}
	sort.SliceStable(rep.Rewrites, func(i, j int) bool {
		a, b := rep.Rewrites[i], rep.Rewrites[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Field < b.Field
	})
	sort.Slice(m.Skipped, func(i, j int) bool { return strings.ToLower(m.Skipped[i].ID) < strings.ToLower(m.Skipped[j].ID) })
	if rep.Rewrites == nil {
		rep.Rewrites = []Rewrite{}
	}
	if rep.Skipped == nil {
		rep.Skipped = []model.Skipped{}
	}
	return rep, nil
}

// principals maps principal ids; it returns a skip reason for role assignments whose principal
// has no mapping.
func principals(r *model.Resource, o Options, add func(key, field, from, to, reason string)) string {
	if o.IdentityMap == nil && o.TargetTenantID == "" {
		return ""
	}
	lookup := func(id string) (string, bool) {
		t, ok := o.IdentityMap[strings.ToLower(id)]
		return t, ok
	}
	switch r.LowerType() {
	case "microsoft.authorization/roleassignments":
		pid, ok := r.Body["principalId"].(string)
		if !ok {
			return "" // a reference to an identity created with the deployment
		}
		to, found := lookup(pid)
		if !found {
			return "principal " + pid + " has no entry in the identity map"
		}
		add(r.Key, "properties.principalId", pid, to, "identity map")
		r.Body["principalId"] = to
	case "microsoft.keyvault/vaults":
		pols, _ := r.Body["accessPolicies"].([]any)
		var kept []any
		for i, p := range pols {
			pm, _ := p.(map[string]any)
			oid, _ := pm["objectId"].(string)
			if to, found := lookup(oid); found {
				add(r.Key, fmt.Sprintf("properties.accessPolicies[%d].objectId", i), oid, to, "identity map")
				pm["objectId"] = to
				kept = append(kept, pm)
			} else {
				add(r.Key, fmt.Sprintf("properties.accessPolicies[%d]", i), oid, "", "access policy dropped: principal not in the identity map")
			}
		}
		if pols != nil {
			if kept == nil {
				kept = []any{}
			}
			r.Body["accessPolicies"] = kept
		}
	}
	return ""
}
