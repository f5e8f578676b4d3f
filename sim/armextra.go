package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// ARM endpoints beyond resource CRUD that clients call: subscription locations, tags (the
// subscription's tag names and the Microsoft.Resources/tags/default extension resource at any
// scope) and a VM's instance view.

func locationsJSON(subID string) []any {
	out := make([]any, 0, len(simLocations))
	for _, l := range simLocations {
		out = append(out, map[string]any{"id": "/subscriptions/" + subID + "/locations/" + l, "name": l, "type": "Region",
			"displayName": locationDisplayName(l), "regionalDisplayName": locationDisplayName(l),
			"metadata": map[string]any{"regionType": "Physical", "regionCategory": "Recommended"}})
	}
	return out
}

func locationDisplayName(l string) string {
	names := map[string]string{"eastus": "East US", "eastus2": "East US 2", "westus2": "West US 2", "westus3": "West US 3",
		"centralus": "Central US", "northeurope": "North Europe", "westeurope": "West Europe", "uksouth": "UK South",
		"swedencentral": "Sweden Central", "southeastasia": "Southeast Asia", "australiaeast": "Australia East", "japaneast": "Japan East"}
	if n, ok := names[l]; ok {
		return n
	}
	return l
}

// listTagNames serves GET /subscriptions/{s}/tagNames: every tag name on the subscription's
// resources and resource groups, with its values and counts.
func (s *Simulator) listTagNames(c *call, sub *subscription) {
	s.st.mu.RLock()
	counts := map[string]map[string]int{}
	names := map[string]string{}
	add := func(tags any) {
		m, _ := tags.(map[string]any)
		for k, v := range m {
			lk := strings.ToLower(k)
			if names[lk] == "" {
				names[lk] = k
				counts[lk] = map[string]int{}
			}
			counts[lk][fmt.Sprint(v)]++
		}
	}
	for _, rg := range sub.rgs {
		add(rg.tags)
	}
	for _, k := range sub.keys {
		if r := s.st.res[k]; r != nil {
			add(r.body["tags"])
		}
	}
	s.st.mu.RUnlock()
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	value := make([]any, 0, len(keys))
	for _, k := range keys {
		n := names[k]
		vals := make([]string, 0, len(counts[k]))
		total := 0
		for v, cnt := range counts[k] {
			vals = append(vals, v)
			total += cnt
		}
		sort.Strings(vals)
		vs := make([]any, 0, len(vals))
		for _, v := range vals {
			vs = append(vs, map[string]any{"id": "/subscriptions/" + sub.id + "/tagNames/" + n + "/tagValues/" + v, "tagValue": v,
				"count": map[string]any{"type": "Total", "value": counts[k][v]}})
		}
		value = append(value, map[string]any{"id": "/subscriptions/" + sub.id + "/tagNames/" + n, "tagName": n,
			"count": map[string]any{"type": "Total", "value": total}, "values": vs})
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"value": value})
}

// scopeTags serves {scope}/providers/Microsoft.Resources/tags/default: GET, PUT (replace),
// PATCH ({"operation": "Merge|Replace|Delete", "properties": {"tags": …}}) and DELETE, at a
// resource, resource group or subscription scope.
func (s *Simulator) scopeTags(c *call, sub *subscription, p armPath, method string) {
	scope := strings.TrimSuffix(p.scope, "/")
	lscope := strings.ToLower(scope)
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	var get func() map[string]any
	var set func(map[string]any)
	sp, _ := parsePath(scope)
	switch {
	case s.st.res[lscope] != nil:
		r := s.st.res[lscope]
		get = func() map[string]any { m, _ := r.body["tags"].(map[string]any); return m }
		set = func(t map[string]any) {
			nb := make(map[string]any, len(r.body))
			for k, v := range r.body {
				nb[k] = v
			}
			nb["tags"] = t
			nr := *r
			nr.body = nb
			s.st.res[lscope] = &nr
		}
	case sp.rg != "" && sp.ns == "" && sub.rgs[strings.ToLower(sp.rg)] != nil:
		rg := sub.rgs[strings.ToLower(sp.rg)]
		get = func() map[string]any { return rg.tags }
		set = func(t map[string]any) { rg.tags = t }
	case sp.rg == "" && sp.ns == "":
		get = func() map[string]any { return sub.tags }
		set = func(t map[string]any) { sub.tags = t }
	default:
		armErr(c.w, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("The Resource '%s' was not found.", scope))
		return
	}
	switch method {
	case http.MethodGet:
	case http.MethodPut, http.MethodPatch:
		var in struct {
			Operation  string `json:"operation"`
			Properties struct {
				Tags map[string]any `json:"tags"`
			} `json:"properties"`
		}
		if !readJSON(c, &in) {
			return
		}
		cur := map[string]any{}
		for k, v := range get() {
			cur[k] = v
		}
		switch {
		case method == http.MethodPut || strings.EqualFold(in.Operation, "Replace"):
			cur = in.Properties.Tags
		case strings.EqualFold(in.Operation, "Merge"):
			for k, v := range in.Properties.Tags {
				cur[k] = v
			}
		case strings.EqualFold(in.Operation, "Delete"):
			for k, v := range in.Properties.Tags {
				if fmt.Sprint(cur[k]) == fmt.Sprint(v) {
					delete(cur, k)
				}
			}
		default:
			armErr(c.w, http.StatusBadRequest, "InvalidTagOperation", fmt.Sprintf("The tag operation '%s' is invalid. Valid operations are Merge, Replace and Delete.", in.Operation))
			return
		}
		if cur == nil {
			cur = map[string]any{}
		}
		set(cur)
	case http.MethodDelete:
		set(map[string]any{})
		c.w.WriteHeader(http.StatusOK)
		return
	default:
		armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.")
		return
	}
	tags := get()
	if tags == nil {
		tags = map[string]any{}
	}
	writeJSON(c.w, http.StatusOK, map[string]any{"id": scope + "/providers/Microsoft.Resources/tags/default", "name": "default",
		"type": "Microsoft.Resources/tags", "properties": map[string]any{"tags": tags}})
}

// vmInstanceView is a VM's instance view (GET …/instanceView, or $expand=instanceView):
// provisioned and running, with its disks.
func vmInstanceView(r *resource) map[string]any {
	props, _ := r.body["properties"].(map[string]any)
	state := fmt.Sprint(props["provisioningState"])
	if state == "" || state == "<nil>" {
		state = "Succeeded"
	}
	disks := []any{}
	if sp := mmap(props, "storageProfile"); sp != nil {
		if od := mmap(sp, "osDisk"); od != nil {
			disks = append(disks, map[string]any{"name": od["name"], "statuses": []any{map[string]any{"code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded"}}})
		}
		if dds, ok := sp["dataDisks"].([]any); ok {
			for _, d := range dds {
				if dm, ok := d.(map[string]any); ok {
					disks = append(disks, map[string]any{"name": dm["name"], "statuses": []any{map[string]any{"code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded"}}})
				}
			}
		}
	}
	return map[string]any{
		"computerName": mstr(mmap(props, "osProfile"), "computerName"),
		"osName":       "ubuntu", "osVersion": "22.04",
		"vmAgent":          map[string]any{"vmAgentVersion": "2.11.1.12", "statuses": []any{map[string]any{"code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Ready", "message": "Guest Agent is running"}}},
		"disks":            disks,
		"hyperVGeneration": "V2",
		"statuses": []any{
			map[string]any{"code": "ProvisioningState/" + strings.ToLower(state), "level": "Info", "displayStatus": "Provisioning " + strings.ToLower(state)},
			map[string]any{"code": "PowerState/running", "level": "Info", "displayStatus": "VM running"},
		},
	}
}

// Management groups: every tenant has its Tenant Root Group (named by the tenant id) holding
// its subscriptions. GET …/managementGroups, …/managementGroups/{id} ($expand=children,
// $recurse), …/managementGroups/{id}/descendants and …/managementGroups/{id}/subscriptions.
func (s *Simulator) serveManagementGroups(c *call, rest []string) {
	typ := "Microsoft.Management/managementGroups"
	if len(rest) == 4 && strings.EqualFold(rest[1], "providers") {
		typ = rest[2] + "/" + rest[3]
	}
	if !s.checkVersion(c, c.r.URL.Query().Get("api-version"), versionsOf(typ), typ) {
		return
	}
	t := c.t
	rootID := "/providers/Microsoft.Management/managementGroups/" + t.id
	root := map[string]any{"id": rootID, "type": "Microsoft.Management/managementGroups", "name": t.id,
		"properties": map[string]any{"tenantId": t.id, "displayName": "Tenant Root Group"}}
	s.st.mu.RLock()
	var subs []map[string]any
	for _, sid := range t.subs {
		sub := s.st.subs[sid]
		subs = append(subs, map[string]any{"id": "/subscriptions/" + sub.id, "type": "/subscriptions", "name": sub.id, "displayName": sub.name})
	}
	s.st.mu.RUnlock()
	if len(rest) == 0 {
		writeJSON(c.w, http.StatusOK, map[string]any{"value": []any{root}})
		return
	}
	if !strings.EqualFold(rest[0], t.id) {
		armErr(c.w, http.StatusNotFound, "NotFound", fmt.Sprintf("'%s' not found", rest[0]))
		return
	}
	switch {
	case len(rest) == 1:
		props := root["properties"].(map[string]any)
		props["details"] = map[string]any{"version": 1, "updatedTime": "2025-01-15T09:00:00Z", "updatedBy": "00000000-0000-0000-0000-000000000000"}
		if strings.Contains(strings.ToLower(c.r.URL.Query().Get("$expand")), "children") {
			children := make([]any, 0, len(subs))
			for _, s := range subs {
				children = append(children, s)
			}
			props["children"] = children
		}
		writeJSON(c.w, http.StatusOK, root)
	case len(rest) == 4 && strings.EqualFold(rest[1], "providers") && strings.EqualFold(rest[2], "Microsoft.Authorization") &&
		(strings.EqualFold(rest[3], "roleAssignments") || strings.EqualFold(rest[3], "roleDefinitions")):
		// nothing is assigned at management group scope in simulated tenants
		writeJSON(c.w, http.StatusOK, map[string]any{"value": []any{}})
	case len(rest) == 2 && strings.EqualFold(rest[1], "descendants"):
		value := make([]any, 0, len(subs))
		for _, sub := range subs {
			value = append(value, map[string]any{"id": sub["id"], "type": "Microsoft.Management/managementGroups/subscriptions", "name": sub["name"],
				"properties": map[string]any{"displayName": sub["displayName"], "parent": map[string]any{"id": rootID}}})
		}
		writeJSON(c.w, http.StatusOK, map[string]any{"value": value})
	case len(rest) == 2 && strings.EqualFold(rest[1], "subscriptions"):
		value := make([]any, 0, len(subs))
		for _, sub := range subs {
			value = append(value, map[string]any{"id": rootID + "/subscriptions/" + fmt.Sprint(sub["name"]), "type": "Microsoft.Management/managementGroups/subscriptions",
				"name": sub["name"], "properties": map[string]any{"tenant": t.id, "displayName": sub["displayName"], "parent": map[string]any{"id": rootID}, "state": "Active"}})
		}
		writeJSON(c.w, http.StatusOK, map[string]any{"value": value})
	default:
		armErr(c.w, http.StatusNotFound, "NotFound", fmt.Sprintf("The requested path '%s' is not supported by the simulator.", c.r.URL.Path))
	}
}
