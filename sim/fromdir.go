package sim

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// ImportedResourceGroup is the resource group --from DIR --from-rehome re-homes every envelope into.
const ImportedResourceGroup = "rg-imported"

var (
	reRGPrefix  = regexp.MustCompile(`(?i)/subscriptions/[^/"]+/resourceGroups/[^/"]+`)
	reSubPrefix = regexp.MustCompile(`(?i)/subscriptions/[^/"]+`)
)

// envelope is one ARM object read from a --from file.
type envelope struct {
	file string
	body map[string]any
}

// loadDir loads ARM envelopes (one object, or {"value":[…]}, per *.json file) keeping what they
// say: every distinct subscription id (a GUID) becomes a subscription of tenant t, every
// resource group one resource group (original casing), every id and name stays as it is, so
// same-named resources in different groups stay distinct. Two envelopes with the same id are a
// collision, reported as an error. With rehome (for example payloads whose ids are
// placeholders such as {subscription-id}) every /subscriptions/{x}/resourceGroups/{y} prefix is
// rewritten to target / rg-imported instead, so references between files stay consistent;
// resources that then share an id are reported too. manifest.json (the testdata manifest)
// supplies api versions for types the simulator lacks.
func loadDir(st *store, t *tenant, target *subscription, dir string, rehome bool) (int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return 0, fmt.Errorf("sim: listing %s: %w", dir, err)
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("sim: no *.json files in %s", dir)
	}
	sort.Strings(files)
	versions := map[string]string{}
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil {
		var m []struct {
			Type       string `json:"type"`
			APIVersion string `json:"api_version"`
		}
		if json.Unmarshal(b, &m) == nil {
			for _, e := range m {
				versions[strings.ToLower(e.Type)] = e.APIVersion
			}
		}
	}
	var envs []envelope
	for _, f := range files {
		if filepath.Base(f) == "manifest.json" {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			return 0, fmt.Errorf("sim: reading %s: %w", f, err)
		}
		text := string(raw)
		if rehome {
			rgPrefix := "/subscriptions/" + target.id + "/resourceGroups/" + ImportedResourceGroup
			text = reRGPrefix.ReplaceAllString(text, rgPrefix)
			text = reSubPrefix.ReplaceAllStringFunc(text, func(string) string { return "/subscriptions/" + target.id })
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(text), &doc); err != nil {
			return 0, fmt.Errorf("sim: parsing %s: %w", f, err)
		}
		items := []any{doc}
		if v, ok := doc["value"].([]any); ok && doc["id"] == nil {
			items = v
		}
		for _, it := range items {
			if body, ok := it.(map[string]any); ok {
				envs = append(envs, envelope{file: filepath.Base(f), body: body})
			}
		}
	}
	return loadEnvelopes(st, t, target, envs, versions, rehome)
}

// loadEnvelopes stores envelopes (see loadDir); target is the re-homing subscription.
func loadEnvelopes(st *store, t *tenant, target *subscription, envs []envelope, versions map[string]string, rehome bool) (int, error) {
	seen := map[string]string{} // key -> file
	var collisions []string
	n := 0
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	for _, e := range envs {
		body := e.body
		id, _ := body["id"].(string)
		p, ok := parsePath(id)
		if !ok || p.ns == "" || p.collection {
			continue
		}
		typ := p.fullType()
		lt := strings.ToLower(typ)
		if lt == "microsoft.authorization/roledefinitions" {
			continue // built-in role definitions are served from the simulator's own list
		}
		if p.rg == "" && lt != "microsoft.authorization/roleassignments" {
			continue
		}
		key := strings.ToLower(id)
		if prev, dup := seen[key]; dup {
			collisions = append(collisions, fmt.Sprintf("%s (%s and %s)", id, prev, e.file))
			continue
		}
		seen[key] = e.file
		sub := target
		if !rehome {
			if !isGUID(p.sub) {
				return n, fmt.Errorf("sim: %s: subscription %q of %s is not a GUID; use --from-rehome for example payloads with placeholder ids", e.file, p.sub, id)
			}
			if sub = st.subs[strings.ToLower(p.sub)]; sub == nil {
				sub = st.addSubscription(t, strings.ToLower(p.sub), "imported-"+strings.ToLower(p.sub)[:8])
			} else if sub.tenant != t.id {
				return n, fmt.Errorf("sim: %s: subscription %s belongs to another simulated tenant", e.file, p.sub)
			}
		}
		info := st.types[lt]
		if info == nil {
			info = &typeInfo{Type: typ, APIVersions: versionsOf(typ, "2023-01-01"), Tracked: body["location"] != nil && len(p.types) == 1,
				InARG: len(p.types) == 1 && !strings.Contains(strings.ToLower(p.scope), "/providers/"), AnyVersion: len(published[lt]) == 0}
			st.types[lt] = info
		}
		if v := versions[lt]; v != "" && !contains(info.APIVersions, v) {
			info.APIVersions = append(info.APIVersions, v)
		}
		rgNameFor := ""
		if p.rg != "" {
			rgNameFor = p.rg
			if rehome {
				rgNameFor = ImportedResourceGroup
			}
			if sub.rgs[strings.ToLower(rgNameFor)] == nil {
				loc, _ := body["location"].(string)
				if loc == "" {
					loc = "eastus"
				}
				var tags map[string]any
				if rehome {
					tags = map[string]any{"source": "from-dir"}
				}
				st.addRG(sub, rgNameFor, normLocation(loc), tags)
			}
			rgNameFor = sub.rgs[strings.ToLower(rgNameFor)].name
		}
		body["type"] = info.Type
		if lt == "microsoft.authorization/roleassignments" {
			if props, ok := body["properties"].(map[string]any); ok && props["scope"] == nil {
				props["scope"] = p.scope
			}
		}
		if body["name"] == nil {
			body["name"] = p.names[len(p.names)-1]
		}
		// write-only values in an example (protectedSettings, passwords) are kept apart: no GET returns them
		props, _ := body["properties"].(map[string]any)
		st.put(&resource{id: id, key: key, typ: info.Type, ltyp: lt, sub: sub.id, rg: rgNameFor,
			parent: p.parentKey(), body: body, secrets: takeWriteOnly(lt, props), created: now, changed: now})
		n++
	}
	if len(collisions) > 0 {
		sort.Strings(collisions)
		return n, fmt.Errorf("sim: %d resource ids collide (the same id twice%s): %s", len(collisions),
			ifs(rehome, ", after re-homing into one resource group", ""), strings.Join(collisions[:min(len(collisions), 10)], "; "))
	}
	return n, nil
}

var reGUID = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isGUID(s string) bool { return reGUID.MatchString(s) }

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
