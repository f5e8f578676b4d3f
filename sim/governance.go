package sim

import (
	"net/http"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Governance: the management group hierarchy (tenant root group -> groups -> subscriptions),
// policy assignments and resource locks. Every tenant has its root group (with its
// subscriptions under it, or under two child groups with Options.Governance); policy
// assignments and locks exist with Options.Governance. They are not resources of the truth
// (by_type, resource_ids); GovernanceTruth lists the edges a complete scan must find.
//
//	GET /providers/Microsoft.Management/managementGroups[/{id}?$expand=children&$recurse=true]
//	GET /subscriptions/{s}/providers/Microsoft.Authorization/policyAssignments
//	GET /subscriptions/{s}/providers/Microsoft.Authorization/locks

// GovernanceAPIVersions are the accepted api-versions (management groups, policy, locks).
var (
	mgAPIVersions     = []string{"2020-05-01", "2021-04-01", "2023-04-01"}
	policyAPIVersions = []string{"2021-06-01", "2022-06-01", "2023-04-01"}
	lockAPIVersions   = []string{"2016-09-01", "2020-05-01"}
	// exemptions are a preview API in every published version
	exemptionAPIVersions = []string{"2020-07-01-preview", "2022-07-01-preview", "2024-12-01-preview"}
)

type mgNode struct {
	id, name string
	children []string // child group ids
	subs     []string // subscription GUIDs
}

// managementGroups returns a tenant's groups, root first (caller holds the lock).
func (st *store) managementGroups(t *tenant) []mgNode {
	root := mgNode{id: t.id, name: "Tenant Root Group"}
	if !st.governance || len(t.subs) == 0 {
		root.subs = append(root.subs, t.subs...)
		return []mgNode{root}
	}
	platform := mgNode{id: "mg-platform", name: "Platform", subs: t.subs[:1]}
	landing := mgNode{id: "mg-landingzones", name: "Landing zones", subs: t.subs[1:]}
	root.children = []string{platform.id, landing.id}
	return []mgNode{root, platform, landing}
}

func mgID(id string) string { return "/providers/Microsoft.Management/managementGroups/" + id }

// governanceItems returns the policy assignments or locks of a subscription (with Governance).
func (st *store) governanceItems(sub *subscription, kind string) []map[string]any {
	if !st.governance {
		return nil
	}
	subID := "/subscriptions/" + sub.id
	var rgs []string
	for _, rg := range sub.rgs {
		rgs = append(rgs, rg.name)
	}
	sort.Strings(rgs)
	var out []map[string]any
	switch kind {
	case "policyassignments":
		out = append(out, map[string]any{"id": subID + "/providers/Microsoft.Authorization/policyAssignments/allowed-locations",
			"name": "allowed-locations", "type": "Microsoft.Authorization/policyAssignments",
			"properties": map[string]any{"displayName": "Allowed locations", "scope": subID, "enforcementMode": "Default",
				"policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
				"parameters":         map[string]any{"listOfAllowedLocations": map[string]any{"value": []any{"westeurope", "northeurope"}}}}})
		if len(rgs) > 0 {
			rg := subID + "/resourceGroups/" + rgs[0]
			out = append(out, map[string]any{"id": rg + "/providers/Microsoft.Authorization/policyAssignments/require-tag-env",
				"name": "require-tag-env", "type": "Microsoft.Authorization/policyAssignments",
				"properties": map[string]any{"displayName": "Require tag env", "scope": rg, "enforcementMode": "Default",
					"policyDefinitionId": "/providers/Microsoft.Authorization/policyDefinitions/871b6d14-10aa-478d-b590-94f262ecfa99"}})
		}
	case "policydefinitions":
		out = append(out, map[string]any{"id": subID + "/providers/Microsoft.Authorization/policyDefinitions/deny-public-ip",
			"name": "deny-public-ip", "type": "Microsoft.Authorization/policyDefinitions",
			"properties": map[string]any{"displayName": "Deny public IPs", "policyType": "Custom", "mode": "All",
				"policyRule": map[string]any{"if": map[string]any{"field": "type", "equals": "Microsoft.Network/publicIPAddresses"},
					"then": map[string]any{"effect": "deny"}}}})
	case "policyexemptions":
		if len(rgs) > 1 {
			rg := subID + "/resourceGroups/" + rgs[1]
			out = append(out, map[string]any{"id": rg + "/providers/Microsoft.Authorization/policyExemptions/legacy-region",
				"name": "legacy-region", "type": "Microsoft.Authorization/policyExemptions",
				"properties": map[string]any{"exemptionCategory": "Waiver", "displayName": "Legacy region",
					"policyAssignmentId": subID + "/providers/Microsoft.Authorization/policyAssignments/allowed-locations"}})
		}
	case "locks":
		if len(rgs) > 0 {
			rg := subID + "/resourceGroups/" + rgs[0]
			out = append(out, map[string]any{"id": rg + "/providers/Microsoft.Authorization/locks/do-not-delete",
				"name": "do-not-delete", "type": "Microsoft.Authorization/locks",
				"properties": map[string]any{"level": "CanNotDelete", "notes": "shared infrastructure"}})
		}
		var vault *resource // the Key Vault with the smallest id
		for _, k := range sub.keys {
			if r := st.res[k]; r != nil && r.ltyp == "microsoft.keyvault/vaults" && (vault == nil || r.key < vault.key) {
				vault = r
			}
		}
		if vault != nil {
			out = append(out, map[string]any{"id": vault.id + "/providers/Microsoft.Authorization/locks/read-only",
				"name": "read-only", "type": "Microsoft.Authorization/locks",
				"properties": map[string]any{"level": "ReadOnly"}})
		}
	}
	return out
}

// serveManagementGroupTree answers the list of management groups and one group (with
// $expand=children and $recurse) from the tenant's hierarchy; the paths below a group
// (descendants, subscriptions, role assignments) are serveManagementGroups' (armextra.go).
func (s *Simulator) serveManagementGroupTree(c *call, lp string) bool {
	const prefix = "/providers/microsoft.management/managementgroups"
	if !strings.HasPrefix(lp, prefix) || c.r.Method != http.MethodGet || strings.Contains(strings.Trim(lp[len(prefix):], "/"), "/") {
		return false
	}
	if !s.checkVersion(c, c.r.URL.Query().Get("api-version"), mgAPIVersions, "Microsoft.Management/managementGroups") {
		return true
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	groups := s.st.managementGroups(c.t)
	byID := map[string]mgNode{}
	for _, g := range groups {
		byID[strings.ToLower(g.id)] = g
	}
	var render func(g mgNode, recurse bool) map[string]any
	render = func(g mgNode, recurse bool) map[string]any {
		var kids []any
		for _, k := range g.children {
			child := byID[strings.ToLower(k)]
			m := map[string]any{"id": mgID(child.id), "type": "Microsoft.Management/managementGroups", "name": child.id, "displayName": child.name}
			if recurse {
				m["children"] = render(child, true)["properties"].(map[string]any)["children"]
			}
			kids = append(kids, m)
		}
		for _, sub := range g.subs {
			name := sub
			if sb := s.st.subs[sub]; sb != nil {
				name = sb.name
			}
			kids = append(kids, map[string]any{"id": "/subscriptions/" + sub, "type": "/subscriptions", "name": sub, "displayName": name})
		}
		return map[string]any{"id": mgID(g.id), "type": "Microsoft.Management/managementGroups", "name": g.id,
			"properties": map[string]any{"tenantId": c.t.id, "displayName": g.name, "children": kids}}
	}
	rest := strings.Trim(lp[len(prefix):], "/")
	if rest == "" {
		var v []any
		for _, g := range groups {
			m := render(g, false)
			delete(m["properties"].(map[string]any), "children")
			v = append(v, m)
		}
		writeJSON(c.w, http.StatusOK, map[string]any{"value": v})
		return true
	}
	g, ok := byID[rest]
	if !ok || strings.Contains(rest, "/") {
		armErr(c.w, http.StatusNotFound, "NotFound", "The management group '"+rest+"' was not found or you do not have access to it.")
		return true
	}
	q := c.r.URL.Query()
	expand := strings.EqualFold(q.Get("$expand"), "children")
	body := render(g, expand && strings.EqualFold(q.Get("$recurse"), "true"))
	if !expand {
		delete(body["properties"].(map[string]any), "children")
	}
	writeJSON(c.w, http.StatusOK, body)
	return true
}

// serveGovernance answers the subscription's policy assignment and lock lists.
func (s *Simulator) serveGovernance(c *call, sub *subscription, p armPath, method string) bool {
	if method != http.MethodGet || !p.collection || len(p.types) != 1 || !strings.EqualFold(p.ns, "Microsoft.Authorization") ||
		!strings.EqualFold(p.scope, "/subscriptions/"+p.sub) {
		return false
	}
	kind := strings.ToLower(p.types[0])
	versions := map[string][]string{"policyassignments": policyAPIVersions, "locks": lockAPIVersions,
		"policyexemptions": exemptionAPIVersions, "policydefinitions": policyAPIVersions, "policysetdefinitions": policyAPIVersions}[kind]
	if versions == nil {
		return false
	}
	if !s.checkVersion(c, c.r.URL.Query().Get("api-version"), versions, "Microsoft.Authorization/"+p.types[0]) {
		return true
	}
	s.st.mu.RLock()
	items := s.st.governanceItems(sub, kind)
	s.st.mu.RUnlock()
	v := make([]any, 0, len(items))
	for _, it := range items {
		v = append(v, it)
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"value": v})
	return true
}

// GovernanceEdge is one governance relationship a complete scan must find (graph node keys).
type GovernanceEdge struct {
	Type string `json:"type"` // CONTAINS, ASSIGNED_TO, LOCKS
	From string `json:"from"`
	To   string `json:"to"`
}

// GovernanceTruth lists a tenant's management group containment (tenant -> root group ->
// groups -> subscriptions), policy assignments (ASSIGNED_TO their scope) and locks (LOCKS
// their scope). They are in the truth's edges too.
func (s *Simulator) GovernanceTruth(tenantID string) []GovernanceEdge {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	t := s.st.tenantBy[strings.ToLower(tenantID)]
	if t == nil {
		return nil
	}
	return s.st.governanceEdges(t)
}

// governanceEdges computes GovernanceTruth (caller holds the lock).
func (st *store) governanceEdges(t *tenant) []GovernanceEdge {
	var out []GovernanceEdge
	low := strings.ToLower
	for i, g := range st.managementGroups(t) {
		if i == 0 {
			out = append(out, GovernanceEdge{"CONTAINS", low(t.id), low(mgID(g.id))})
		}
		for _, k := range g.children {
			out = append(out, GovernanceEdge{"CONTAINS", low(mgID(g.id)), low(mgID(k))})
		}
		for _, sub := range g.subs {
			out = append(out, GovernanceEdge{"CONTAINS", low(mgID(g.id)), "/subscriptions/" + low(sub)})
		}
	}
	for _, subID := range t.subs {
		sub := st.subs[subID]
		if sub == nil {
			continue
		}
		for _, it := range st.governanceItems(sub, "policyassignments") {
			scope, _ := it["properties"].(map[string]any)["scope"].(string)
			out = append(out, GovernanceEdge{"ASSIGNED_TO", low(it["id"].(string)), low(scope)})
		}
		for _, it := range st.governanceItems(sub, "locks") {
			id := it["id"].(string)
			out = append(out, GovernanceEdge{"LOCKS", low(id), low(id[:strings.Index(low(id), "/providers/microsoft.authorization/locks/")])})
		}
	}
	return out
}

// extraTruthEdges adds the directory and governance edges to a tenant's truth (their ends
// become truth nodes: role template ids, management groups, policy assignments, locks).
func (st *store) extraTruthEdges(t *tenant, nodes map[string]bool, add func(from, to string, typ graph.EdgeType)) {
	for _, rid := range t.order["directoryRole"] {
		if tmpl, _ := t.objects[rid].body["roleTemplateId"].(string); tmpl != "" {
			nodes[strings.ToLower(tmpl)] = true
		}
	}
	for _, e := range st.directoryEdges(t) {
		add(e.From, e.To, graph.EdgeType(e.Type))
	}
	for _, e := range st.governanceEdges(t) {
		nodes[e.From], nodes[e.To] = true, true
		add(e.From, e.To, graph.EdgeType(e.Type))
	}
}
