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

// ImportedResourceGroup is the resource group --from DIR re-homes every envelope into.
const ImportedResourceGroup = "rg-imported"

var (
	reRGPrefix  = regexp.MustCompile(`(?i)/subscriptions/[^/"]+/resourceGroups/[^/"]+`)
	reSubPrefix = regexp.MustCompile(`(?i)/subscriptions/[^/"]+`)
)

// loadDir loads ARM envelopes (one object, or {"value":[…]}, per *.json file) re-homed into
// sub / rg-imported: every /subscriptions/{x}/resourceGroups/{y} prefix in the JSON is rewritten
// to the simulated subscription and resource group, so references between files stay consistent.
// manifest.json (the testdata manifest) supplies api versions for types the simulator lacks.
func loadDir(st *store, t *tenant, sub *subscription, dir string) (int, error) {
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
	rgPrefix := "/subscriptions/" + sub.id + "/resourceGroups/" + ImportedResourceGroup
	var rg *resourceGroup
	n := 0
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	for _, f := range files {
		if filepath.Base(f) == "manifest.json" {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			return n, fmt.Errorf("sim: reading %s: %w", f, err)
		}
		text := reRGPrefix.ReplaceAllString(string(raw), rgPrefix)
		text = reSubPrefix.ReplaceAllStringFunc(text, func(string) string { return "/subscriptions/" + sub.id })
		var doc map[string]any
		if err := json.Unmarshal([]byte(text), &doc); err != nil {
			return n, fmt.Errorf("sim: parsing %s: %w", f, err)
		}
		items := []any{doc}
		if v, ok := doc["value"].([]any); ok && doc["id"] == nil {
			items = v
		}
		for _, it := range items {
			body, ok := it.(map[string]any)
			if !ok {
				continue
			}
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
			info := st.types[lt]
			if info == nil {
				info = &typeInfo{Type: typ, APIVersions: []string{"2023-01-01"}, Tracked: body["location"] != nil && len(p.types) == 1,
					InARG: len(p.types) == 1 && !strings.Contains(strings.ToLower(p.scope), "/providers/")}
				st.types[lt] = info
			}
			if v := versions[lt]; v != "" && !contains(info.APIVersions, v) {
				info.APIVersions = append(info.APIVersions, v)
			}
			if p.rg != "" && rg == nil {
				loc, _ := body["location"].(string)
				if loc == "" {
					loc = "eastus"
				}
				rg = st.addRG(sub, ImportedResourceGroup, normLocation(loc), map[string]any{"source": "from-dir"})
			}
			if p.rg == "" && lt != "microsoft.authorization/roleassignments" {
				continue
			}
			body["type"] = info.Type
			if lt == "microsoft.authorization/roleassignments" {
				if props, ok := body["properties"].(map[string]any); ok && props["scope"] == nil {
					props["scope"] = p.scope
				}
			}
			// write-only values in an example (protectedSettings, passwords) are kept apart: no GET returns them
			props, _ := body["properties"].(map[string]any)
			st.put(&resource{id: id, key: strings.ToLower(id), typ: info.Type, ltyp: lt, sub: sub.id, rg: ifs(p.rg != "", ImportedResourceGroup, ""),
				parent: p.parentKey(), body: body, secrets: takeWriteOnly(lt, props), created: now, changed: now})
			n++
		}
	}
	return n, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
