package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/atg-go/atg/sim/kql"
)

func (s *Simulator) serveARM(c *call) {
	r := c.r
	path := strings.TrimSuffix(r.URL.Path, "/")
	lp := strings.ToLower(path)
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	kind := "read"
	switch method {
	case http.MethodPut, http.MethodPatch, http.MethodPost:
		kind = "write"
	case http.MethodDelete:
		kind = "delete"
	}
	s.stats.inc("kind:arm." + kind)

	// Tenant-level calls.
	if !strings.HasPrefix(lp, "/subscriptions/") {
		if !s.armThrottle(c, "", kind) {
			return
		}
		switch {
		case lp == "/subscriptions" && method == http.MethodGet:
			s.listSubscriptions(c)
		case lp == "/tenants" && method == http.MethodGet:
			writeJSON(c.w, http.StatusOK, map[string]any{"value": []any{map[string]any{"id": "/tenants/" + c.t.id, "tenantId": c.t.id,
				"tenantCategory": "Home", "displayName": c.t.name, "defaultDomain": c.t.domain, "domains": []any{c.t.domain}}}})
		case strings.HasPrefix(lp, "/providers/microsoft.authorization/roledefinitions/") && method == http.MethodGet:
			s.getRoleDefinition(c, "", path[strings.LastIndexByte(path, '/')+1:])
		case s.serveManagementGroupTree(c, lp):
		case (lp == "/providers/microsoft.management/managementgroups" || strings.HasPrefix(lp, "/providers/microsoft.management/managementgroups/")) && method == http.MethodGet:
			rest := strings.Trim(path[len("/providers/Microsoft.Management/managementGroups"):], "/")
			var segs []string
			if rest != "" {
				segs = strings.Split(rest, "/")
			}
			s.serveManagementGroups(c, segs)
		case lp == "/providers" && method == http.MethodGet:
			s.st.mu.RLock()
			v := providersJSON(s.st.types, "")
			s.st.mu.RUnlock()
			writeJSON(c.w, http.StatusOK, map[string]any{"value": v})
		default:
			armErr(c.w, http.StatusNotFound, "NotFound", fmt.Sprintf("The requested path '%s' is not supported by the simulator.", path))
		}
		return
	}
	p, ok := parsePath(path)
	if !ok {
		armErr(c.w, http.StatusBadRequest, "InvalidRequestUri", fmt.Sprintf("The request URI '%s' is not valid.", path))
		return
	}
	subID := strings.ToLower(p.sub)
	if !s.armThrottle(c, subID, kind) {
		return
	}
	s.st.mu.RLock()
	sub := s.st.subs[subID]
	var subTenant string
	if sub != nil {
		subTenant = sub.tenant
	}
	s.st.mu.RUnlock()
	if sub == nil {
		armErr(c.w, http.StatusNotFound, "SubscriptionNotFound", fmt.Sprintf("The subscription '%s' could not be found.", p.sub))
		return
	}
	if subTenant != c.t.id {
		armErr(c.w, http.StatusUnauthorized, "InvalidAuthenticationTokenTenant", fmt.Sprintf("The access token is from the wrong issuer 'https://sts.windows.net/%s/'. It must match the tenant 'https://sts.windows.net/%s/' associated with this subscription. Please use the authority (URL) 'https://login.windows.net/%s' to get the token.", c.t.id, subTenant, subTenant))
		return
	}
	q := r.URL.Query()
	apiVersion := q.Get("api-version")

	// Subscription-level endpoints without /providers/.
	if p.ns == "" && p.scope == "" {
		switch {
		case p.rg == "" && !p.collection: // /subscriptions/{s} or /subscriptions/{s}/resources etc.
			rest := strings.ToLower(strings.TrimPrefix(path[len("/subscriptions/")+len(p.sub):], "/"))
			switch {
			case rest == "" && method == http.MethodGet:
				if !s.checkVersion(c, apiVersion, subsAPIVersions, "Microsoft.Resources/subscriptions") {
					return
				}
				writeJSON(c.w, http.StatusOK, s.subscriptionJSON(sub))
			case rest == "locations" && method == http.MethodGet:
				if !s.checkVersion(c, apiVersion, subsAPIVersions, "Microsoft.Resources/subscriptions") {
					return
				}
				writeJSON(c.w, http.StatusOK, map[string]any{"value": locationsJSON(sub.id)})
			case rest == "tagnames" && method == http.MethodGet:
				if !s.checkVersion(c, apiVersion, rmAPIVersions, "Microsoft.Resources/tags") {
					return
				}
				s.listTagNames(c, sub)
			case rest == "resources" && method == http.MethodGet:
				if !s.checkVersion(c, apiVersion, rmAPIVersions, "Microsoft.Resources/resources") {
					return
				}
				s.listResources(c, sub, "")
			case strings.HasPrefix(rest, "operationresults/") && method == http.MethodGet:
				c.w.WriteHeader(http.StatusOK)
			default:
				armErr(c.w, http.StatusNotFound, "NotFound", fmt.Sprintf("The requested path '%s' is not supported by the simulator.", path))
			}
			return
		case p.rg == "" && p.collection: // /subscriptions/{s}/resourcegroups
			if method != http.MethodGet {
				armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.")
				return
			}
			if !s.checkVersion(c, apiVersion, rmAPIVersions, "Microsoft.Resources/resourceGroups") {
				return
			}
			s.listResourceGroups(c, sub)
			return
		default: // /subscriptions/{s}/resourceGroups/{rg}[/resources]
			rest := strings.ToLower(p.raw[strings.Index(strings.ToLower(p.raw), "/resourcegroups/")+len("/resourcegroups/")+len(p.rg):])
			if !s.checkVersion(c, apiVersion, rmAPIVersions, "Microsoft.Resources/resourceGroups") {
				return
			}
			switch rest {
			case "":
				s.resourceGroupOp(c, sub, p.rg, method)
			case "/moveresources", "/validatemoveresources":
				if method != http.MethodPost {
					armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.")
					return
				}
				s.moveResources(c, sub, p.rg, rest == "/validatemoveresources")
			case "/exporttemplate":
				if method != http.MethodPost {
					armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.")
					return
				}
				s.exportTemplate(c, sub, p.rg)
			case "/resources":
				s.st.mu.RLock()
				rg := sub.rgs[strings.ToLower(p.rg)]
				s.st.mu.RUnlock()
				if rg == nil {
					armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", p.rg))
					return
				}
				s.listResources(c, sub, rg.name)
			default:
				armErr(c.w, http.StatusNotFound, "NotFound", fmt.Sprintf("The requested path '%s' is not supported by the simulator.", path))
			}
			return
		}
	}

	// /subscriptions/{s}/providers[/{ns}[/register]]
	if p.rg == "" && strings.EqualFold(p.scope, "/subscriptions/"+p.sub) && (p.ns == "" || (len(p.types) <= 1 && (len(p.types) == 0 || strings.EqualFold(p.types[0], "register")))) {
		if !s.checkVersion(c, apiVersion, rmAPIVersions, "Microsoft.Resources/providers") {
			return
		}
		s.st.mu.RLock()
		v := providersJSON(s.st.types, p.ns)
		s.st.mu.RUnlock()
		for _, e := range v {
			e["id"] = "/subscriptions/" + sub.id + "/providers/" + e["namespace"].(string)
		}
		if p.ns == "" {
			writeJSON(c.w, http.StatusOK, map[string]any{"value": v})
			return
		}
		if len(v) == 0 {
			armErr(c.w, http.StatusNotFound, "InvalidResourceNamespace", fmt.Sprintf("The resource namespace '%s' is invalid.", p.ns))
			return
		}
		writeJSON(c.w, http.StatusOK, v[0])
		return
	}
	// Async operation status: /subscriptions/{s}/providers/{ns}/locations/{l}/operations/{id}
	if p.rg == "" && len(p.types) == 2 && strings.EqualFold(p.types[0], "locations") && (strings.EqualFold(p.types[1], "operations") || strings.EqualFold(p.types[1], "operationStatuses") || strings.EqualFold(p.types[1], "asyncoperations")) && !p.collection {
		s.asyncOperation(c, p.names[1])
		return
	}
	if p.rg == "" && len(p.types) == 2 && strings.EqualFold(p.types[0], "locations") && strings.EqualFold(p.types[1], "operationResults") && !p.collection {
		s.operationResult(c, p.names[1])
		return
	}
	// Template deployments at resource group scope.
	if strings.EqualFold(p.ns, "Microsoft.Resources") && len(p.types) == 1 && strings.EqualFold(p.types[0], "deployments") && p.rg != "" && !strings.Contains(strings.ToLower(p.scope), "/providers/") {
		if !s.checkVersion(c, apiVersion, rmAPIVersions, "Microsoft.Resources/deployments") {
			return
		}
		s.serveDeployment(c, sub, p, method)
		return
	}
	// Tags at a scope: {scope}/providers/Microsoft.Resources/tags/default.
	if strings.EqualFold(p.ns, "Microsoft.Resources") && len(p.types) == 1 && strings.EqualFold(p.types[0], "tags") && !p.collection {
		if !s.checkVersion(c, apiVersion, rmAPIVersions, "Microsoft.Resources/tags") {
			return
		}
		s.scopeTags(c, sub, p, method)
		return
	}
	// A VM's instance view.
	if strings.EqualFold(p.ns, "Microsoft.Compute") && len(p.types) == 2 && p.collection && strings.EqualFold(p.types[0], "virtualMachines") && strings.EqualFold(p.types[1], "instanceView") && method == http.MethodGet {
		if !s.checkVersion(c, apiVersion, versionsOf("Microsoft.Compute/virtualMachines", vCompute...), "Microsoft.Compute/virtualMachines") {
			return
		}
		key := strings.ToLower(strings.TrimSuffix(p.raw[:len(p.raw)-len("/instanceView")], "/"))
		s.st.mu.RLock()
		r := s.st.res[key]
		var iv map[string]any
		if r != nil {
			iv = vmInstanceView(r)
		}
		s.st.mu.RUnlock()
		if r == nil {
			s.notFound(c, armPath{ns: p.ns, types: p.types[:1], names: p.names, rg: p.rg, scope: p.scope})
			return
		}
		writeJSON(c.w, http.StatusOK, iv)
		return
	}
	// Governance: policy assignments and locks of a subscription.
	if s.serveGovernance(c, sub, p, method) {
		return
	}
	// Authorization: role definitions and role assignments.
	if strings.EqualFold(p.ns, "Microsoft.Authorization") && len(p.types) == 1 {
		switch strings.ToLower(p.types[0]) {
		case "roledefinitions":
			if !s.checkVersion(c, apiVersion, versionsOf("Microsoft.Authorization/roleDefinitions", vRoleDefs...), "Microsoft.Authorization/roleDefinitions") {
				return
			}
			if p.collection {
				s.listRoleDefinitions(c, sub)
			} else {
				s.getRoleDefinition(c, sub.id, p.names[0])
			}
			return
		case "roleassignments":
			if !s.checkVersion(c, apiVersion, versionsOf("Microsoft.Authorization/roleAssignments", vAuth...), "Microsoft.Authorization/roleAssignments") {
				return
			}
			if p.collection {
				s.listRoleAssignments(c, sub, p.scope)
				return
			}
		}
	}
	// DNS record sets of every type under one list.
	if s.serveRecordSets(c, p, method, apiVersion) {
		return
	}
	// What Azure answers without anyone having written it: implicit singletons, POST actions.
	if s.serveImplicit(c, p, method, apiVersion) {
		return
	}
	// Generic resources: instance or collection.
	typ := p.fullType()
	s.st.mu.RLock()
	info := s.st.types[strings.ToLower(typ)]
	s.st.mu.RUnlock()
	if info == nil {
		info = s.st.publishedType(p)
	}
	if info == nil {
		s.unknownType(c, p, apiVersion)
		return
	}
	if !s.typeVersion(c, apiVersion, info) {
		return
	}
	if p.rg != "" {
		s.st.mu.RLock()
		rg := sub.rgs[strings.ToLower(p.rg)]
		s.st.mu.RUnlock()
		if rg == nil {
			armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", p.rg))
			return
		}
	}
	if p.collection {
		if method != http.MethodGet {
			armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.")
			return
		}
		s.listCollection(c, sub, p, info)
		return
	}
	switch method {
	case http.MethodGet:
		s.getResource(c, p)
	case http.MethodPut:
		s.putResource(c, sub, p, info, apiVersion)
	case http.MethodPatch:
		s.patchResource(c, p)
	case http.MethodDelete:
		s.deleteResource(c, p)
	default:
		armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.")
	}
}

// armThrottle applies the per-subscription (or tenant) per-principal token buckets.
func (s *Simulator) armThrottle(c *call, sub, kind string) bool {
	burst, rate := armReadBurst, armReadRate
	kinds := "reads"
	switch kind {
	case "write":
		burst, rate, kinds = armWriteBurst, armWriteRate, "writes"
	case "delete":
		burst, rate, kinds = armDeleteBurst, armDeleteRate, "deletes"
	}
	scope := "subscription"
	key := "arm|" + sub + "|" + c.principal + "|" + kind
	if sub == "" {
		scope = "tenant"
		key = "arm|tenant:" + c.t.id + "|" + c.principal + "|" + kind
	}
	v := s.thr.take(key, burst, rate)
	c.w.Header().Set("x-ms-ratelimit-remaining-"+scope+"-"+kinds, fmt.Sprint(v.remaining))
	if v.ok {
		return true
	}
	s.stats.inc("429:arm")
	s.retryHeaders(c.w, v.wait)
	what := "subscription '" + sub + "'"
	if sub == "" {
		what = "tenant '" + c.t.id + "'"
	}
	armErr(c.w, http.StatusTooManyRequests, "SubscriptionRequestsThrottled", fmt.Sprintf("Number of '%s' requests for %s actor '%s' exceeded. Please try again after '%s' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling", strings.TrimSuffix(kinds, "s"), what, c.principal, retryAfterSeconds(v.wait)))
	return false
}

func (s *Simulator) subscriptionJSON(sub *subscription) map[string]any {
	return map[string]any{"id": "/subscriptions/" + sub.id, "subscriptionId": sub.id, "tenantId": sub.tenant,
		"displayName": sub.name, "state": sub.state, "authorizationSource": "RoleBased", "managedByTenants": []any{},
		"tags":                 map[string]any{},
		"subscriptionPolicies": map[string]any{"locationPlacementId": "Public_2014-09-01", "quotaId": "EnterpriseAgreement_2014-09-01", "spendingLimit": "Off"}}
}

// page slices a sorted list of keys after the skip token; it returns the page and the next
// token ("" when done). Tokens are opaque (base64 of the last key), so deletes between pages
// don't skip items.
func pageAfter(keys []string, token string, size int) ([]string, string) {
	start := 0
	if token != "" {
		if b, err := base64.RawURLEncoding.DecodeString(token); err == nil {
			last := string(b)
			start = sort.SearchStrings(keys, last)
			if start < len(keys) && keys[start] == last {
				start++
			}
		}
	}
	end := min(start+size, len(keys))
	if start > len(keys) {
		start = len(keys)
	}
	out := keys[start:end]
	if end < len(keys) && len(out) > 0 {
		return out, base64.RawURLEncoding.EncodeToString([]byte(out[len(out)-1]))
	}
	return out, ""
}

// nextLink builds the absolute next page URL for the current request.
func (c *call) nextLink(token, param string) string {
	q := c.r.URL.Query()
	q.Del("$skiptoken")
	q.Del("$skipToken")
	q.Set(param, token)
	return c.base + c.r.URL.Path + "?" + q.Encode()
}

func (c *call) skipToken() string {
	q := c.r.URL.Query()
	if t := q.Get("$skiptoken"); t != "" {
		return t
	}
	return q.Get("$skipToken")
}

func (c *call) pageSize(def int) int {
	if t := c.r.URL.Query().Get("$top"); t != "" {
		var n int
		if _, err := fmt.Sscan(t, &n); err == nil && n > 0 && n < def {
			return n
		}
	}
	return def
}

func (s *Simulator) writePage(c *call, keys []string, render func(string) any, size int) {
	pageKeys, next := pageAfter(keys, c.skipToken(), size)
	value := make([]any, 0, len(pageKeys))
	for _, k := range pageKeys {
		if v := render(k); v != nil {
			value = append(value, v)
		}
	}
	out := map[string]any{"value": value}
	if next != "" {
		out["nextLink"] = c.nextLink(next, "$skiptoken")
	}
	writeJSON(c.w, http.StatusOK, out)
}

func (s *Simulator) listSubscriptions(c *call) {
	if !s.checkVersion(c, c.r.URL.Query().Get("api-version"), subsAPIVersions, "Microsoft.Resources/subscriptions") {
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	keys := slices.Clone(c.t.subs)
	sort.Strings(keys)
	s.writePage(c, keys, func(k string) any { return s.subscriptionJSON(s.st.subs[k]) }, min(s.opts.PageSize, 100))
}

func rgJSON(rg *resourceGroup) map[string]any {
	m := map[string]any{"id": rg.id, "name": rg.name, "type": "Microsoft.Resources/resourceGroups", "location": rg.location,
		"properties": map[string]any{"provisioningState": "Succeeded"}}
	if rg.tags != nil {
		m["tags"] = rg.tags
	}
	if rg.managedBy != "" {
		m["managedBy"] = rg.managedBy
	}
	return m
}

// listResourceGroups serves GET /subscriptions/{s}/resourcegroups; $filter is ARM's for
// resource groups: tagName eq 'n' [and tagValue eq 'v'] (anything else is 400).
func (s *Simulator) listResourceGroups(c *call, sub *subscription) {
	f, err := parseFilter(c.r.URL.Query().Get("$filter"))
	if err == nil {
		for _, x := range f {
			if x.field != "tagname" && x.field != "tagvalue" {
				err = fmt.Errorf("Invalid $filter '%s': resource groups can be filtered by tagName and tagValue only.", c.r.URL.Query().Get("$filter"))
			}
		}
	}
	if err != nil {
		armErr(c.w, http.StatusBadRequest, "InvalidFilterInQueryString", err.Error())
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	keys := make([]string, 0, len(sub.rgs))
	for k := range sub.rgs {
		if f.matchTags(sub.rgs[k].tags) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	s.writePage(c, keys, func(k string) any { return rgJSON(sub.rgs[k]) }, c.pageSize(s.opts.PageSize))
}

func (s *Simulator) resourceGroupOp(c *call, sub *subscription, name, method string) {
	lname := strings.ToLower(name)
	switch method {
	case http.MethodGet:
		s.st.mu.RLock()
		rg := sub.rgs[lname]
		var body map[string]any
		if rg != nil {
			body = rgJSON(rg)
		}
		s.st.mu.RUnlock()
		if rg == nil {
			armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", name))
			return
		}
		if c.r.Method == http.MethodHead {
			c.w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(c.w, http.StatusOK, body)
	case http.MethodPut, http.MethodPatch:
		var in struct {
			Location  string         `json:"location"`
			Tags      map[string]any `json:"tags"`
			ManagedBy string         `json:"managedBy"`
		}
		if !readJSON(c, &in) {
			return
		}
		s.st.mu.Lock()
		rg := sub.rgs[lname]
		status := http.StatusOK
		if rg == nil {
			if method == http.MethodPatch {
				s.st.mu.Unlock()
				armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", name))
				return
			}
			if in.Location == "" {
				s.st.mu.Unlock()
				armErr(c.w, http.StatusBadRequest, "LocationRequired", "The location property is required for this definition.")
				return
			}
			rg = s.st.addRG(sub, name, normLocation(in.Location), in.Tags)
			status = http.StatusCreated
		} else {
			if in.Location != "" && !strings.EqualFold(normLocation(in.Location), rg.location) {
				s.st.mu.Unlock()
				armErr(c.w, http.StatusConflict, "InvalidResourceGroupLocation", fmt.Sprintf("Invalid resource group location '%s'. The Resource group already exists in location '%s'.", in.Location, rg.location))
				return
			}
			if in.Tags != nil || method == http.MethodPut {
				rg.tags = in.Tags
			}
		}
		if in.ManagedBy != "" {
			rg.managedBy = in.ManagedBy
		}
		if status == http.StatusOK {
			s.st.recordContainer("Update", rg)
		}
		body := rgJSON(rg)
		s.st.mu.Unlock()
		writeJSON(c.w, status, body)
	case http.MethodDelete:
		s.st.mu.Lock()
		ok := s.st.deleteRG(sub.id, name)
		s.st.mu.Unlock()
		if !ok {
			armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", name))
			return
		}
		op := fmt.Sprintf("RESOURCEGROUPDELETIONJOB-%d", s.opSeq.Add(1))
		c.w.Header().Set("Location", c.base+"/subscriptions/"+sub.id+"/operationresults/"+op+"?api-version="+c.r.URL.Query().Get("api-version"))
		c.w.Header().Set("Retry-After", "0")
		c.w.WriteHeader(http.StatusAccepted)
	default:
		armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The requested method is not allowed.")
	}
}

// deleteRG removes a resource group and everything in it (caller holds the write lock).
func (st *store) deleteRG(subID, name string) bool {
	sub := st.subs[strings.ToLower(subID)]
	if sub == nil {
		return false
	}
	lname := strings.ToLower(name)
	if sub.rgs[lname] == nil {
		return false
	}
	prefix := strings.ToLower(rgID(sub.id, name)) + "/"
	var doomed []string
	for _, k := range sub.keys {
		if strings.HasPrefix(k, prefix) {
			doomed = append(doomed, k)
		}
	}
	for _, k := range doomed {
		st.remove(k)
	}
	st.recordContainer("Delete", sub.rgs[lname])
	delete(sub.rgs, lname)
	return true
}

func normLocation(l string) string { return strings.ToLower(strings.ReplaceAll(l, " ", "")) }

func readJSON(c *call, v any) bool {
	b, err := io.ReadAll(io.LimitReader(c.r.Body, 32<<20))
	if err != nil {
		armErr(c.w, http.StatusBadRequest, "InvalidRequestContent", "The request content could not be read.")
		return false
	}
	if err := json.Unmarshal(b, v); err != nil {
		armErr(c.w, http.StatusBadRequest, "InvalidRequestContent", fmt.Sprintf("The request content was invalid and could not be deserialized: '%v'.", err))
		return false
	}
	return true
}

// listable reports whether /resources lists and Resource Graph's resources table hold r.
func (st *store) listable(r *resource) bool {
	if r.ltyp == "microsoft.authorization/roleassignments" {
		return false
	}
	info := st.types[r.ltyp]
	if r.parent != "" {
		// child resources: only the tracked child types Azure lists there (web app slots)
		return info != nil && info.Tracked && info.InARG
	}
	if info != nil {
		return info.InARG
	}
	return true
}

var envelopeFields = []string{"id", "name", "type", "location", "tags", "sku", "kind", "identity", "managedBy", "plan", "zones", "extendedLocation"}

// listResources serves /subscriptions/{s}[/resourceGroups/{rg}]/resources: envelopes without
// properties, as ARM does; $expand=createdTime,changedTime,provisioningState adds those.
func (s *Simulator) listResources(c *call, sub *subscription, rgName string) {
	q := c.r.URL.Query()
	f, err := parseFilter(q.Get("$filter"))
	if err != nil {
		armErr(c.w, http.StatusBadRequest, "InvalidFilterInQueryString", err.Error())
		return
	}
	expand := strings.ToLower(q.Get("$expand"))
	s.st.mu.Lock()
	s.st.ensureSorted(sub)
	s.st.mu.Unlock()
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	keys := make([]string, 0, len(sub.keys))
	for _, k := range sub.keys {
		r := s.st.res[k]
		if r == nil || !s.st.listable(r) || (rgName != "" && !strings.EqualFold(r.rg, rgName)) || !f.match(r) {
			continue
		}
		keys = append(keys, k)
	}
	s.writePage(c, keys, func(k string) any {
		r := s.st.res[k]
		m := map[string]any{}
		for _, fld := range envelopeFields {
			if v, ok := r.body[fld]; ok && v != nil {
				m[fld] = v
			}
		}
		if strings.Contains(expand, "createdtime") {
			m["createdTime"] = r.created.Format(time.RFC3339Nano)
		}
		if strings.Contains(expand, "changedtime") {
			m["changedTime"] = r.changed.Format(time.RFC3339Nano)
		}
		if strings.Contains(expand, "provisioningstate") {
			if p, ok := r.body["properties"].(map[string]any); ok {
				m["provisioningState"] = p["provisioningState"]
			}
		}
		return m
	}, c.pageSize(s.opts.PageSize))
}

// filter is the $filter subset of the resources list: field eq 'value' joined by and.
type filter []struct{ field, value string }

func parseFilter(s string) (filter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var f filter
	for _, part := range splitFold(s, " and ") {
		fields := strings.SplitN(strings.TrimSpace(part), " ", 3)
		if len(fields) != 3 || !strings.EqualFold(fields[1], "eq") {
			return nil, fmt.Errorf("Invalid $filter '%s'. Supported: resourceType, resourceGroup, name, location, tagName, tagValue with 'eq', joined by 'and'.", s)
		}
		fld := strings.ToLower(fields[0])
		switch fld {
		case "resourcetype", "resourcegroup", "name", "location", "tagname", "tagvalue":
		default:
			return nil, fmt.Errorf("Invalid $filter '%s': unsupported field '%s'.", s, fields[0])
		}
		f = append(f, struct{ field, value string }{fld, strings.Trim(fields[2], "'")})
	}
	return f, nil
}

func splitFold(s, sep string) []string { return kql.SplitFold(s, sep) }

// matchTags applies tagName/tagValue conditions: a tag with that name (and value) exists.
func (f filter) matchTags(tags map[string]any) bool {
	var name, value string
	hasValue := false
	for _, c := range f {
		switch c.field {
		case "tagname":
			name = c.value
		case "tagvalue":
			value, hasValue = c.value, true
		}
	}
	if name == "" {
		return !hasValue
	}
	for k, v := range tags {
		if strings.EqualFold(k, name) && (!hasValue || fmt.Sprint(v) == value) {
			return true
		}
	}
	return false
}

func (f filter) match(r *resource) bool {
	tags, _ := r.body["tags"].(map[string]any)
	if !f.matchTags(tags) {
		return false
	}
	for _, c := range f {
		var v string
		switch c.field {
		case "tagname", "tagvalue":
			continue
		case "resourcetype":
			v = r.typ
		case "resourcegroup":
			v = r.rg
		case "name":
			v, _ = r.body["name"].(string)
		case "location":
			v, _ = r.body["location"].(string)
		}
		if !strings.EqualFold(v, c.value) {
			return false
		}
	}
	return true
}

// render returns the GET body of a resource: the stored body with inline child arrays
// (subnets and peerings of VNets, as ARM embeds them).
func (st *store) render(r *resource) map[string]any {
	if r.ltyp == "microsoft.network/virtualnetworks/subnets" {
		return st.renderSubnet(r)
	}
	m := make(map[string]any, len(r.body)+1)
	for k, v := range r.body {
		m[k] = v
	}
	emb := embedded[r.ltyp]
	if emb == nil {
		st.mergeInline(r, m)
		return m
	}
	props := map[string]any{}
	if p, ok := r.body["properties"].(map[string]any); ok {
		for k, v := range p {
			props[k] = v
		}
	}
	for childType, prop := range emb {
		kids := st.childrenOf(r.key, childType)
		arr := make([]any, 0, len(kids))
		for _, k := range kids {
			arr = append(arr, st.render(k))
		}
		props[prop] = arr
	}
	m["properties"] = props
	return m
}

// embedded maps parent type -> child type -> the parent property ARM inlines them under.
var embedded = map[string]map[string]string{
	"microsoft.network/virtualnetworks": {
		"microsoft.network/virtualnetworks/subnets":                "subnets",
		"microsoft.network/virtualnetworks/virtualnetworkpeerings": "virtualNetworkPeerings",
	},
}

func (s *Simulator) notFound(c *call, p armPath) {
	if len(p.types) > 1 || strings.Contains(strings.ToLower(p.scope), "/providers/") {
		s.st.mu.RLock()
		_, parentOK := s.st.res[p.parentKey()]
		s.st.mu.RUnlock()
		if !parentOK {
			armErr(c.w, http.StatusNotFound, "ParentResourceNotFound", fmt.Sprintf("Can not perform requested operation on nested resource. Parent resource '%s' not found.", p.parentKey()))
			return
		}
	}
	armErr(c.w, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("The Resource '%s/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix", p.fullType(), strings.Join(p.names, "/"), p.rg))
}

func (s *Simulator) getResource(c *call, p armPath) {
	key := strings.ToLower(p.raw)
	s.st.mu.RLock()
	r := s.st.res[key]
	var body map[string]any
	if r != nil {
		body = s.st.render(r)
		if r.ltyp == "microsoft.compute/virtualmachines" && strings.EqualFold(c.r.URL.Query().Get("$expand"), "instanceView") {
			props := map[string]any{}
			for k, v := range body["properties"].(map[string]any) {
				props[k] = v
			}
			props["instanceView"] = vmInstanceView(r)
			body["properties"] = props
		}
	}
	s.st.mu.RUnlock()
	if r == nil {
		s.notFound(c, p)
		return
	}
	if c.r.Method == http.MethodHead { // ARM's existence check: 204, no body
		c.w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(c.w, http.StatusOK, body)
}

// listCollection serves child collections (…/virtualNetworks/{v}/subnets), extension
// collections ({id}/providers/Microsoft.Insights/diagnosticSettings, role assignments at a
// resource or RG scope) and type lists (…/providers/Microsoft.Network/virtualNetworks).
func (s *Simulator) listCollection(c *call, sub *subscription, p armPath, info *typeInfo) {
	ltyp := strings.ToLower(info.Type)
	parent := p.parentKey()
	s.st.mu.Lock()
	s.st.ensureSorted(sub)
	s.st.mu.Unlock()
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	var keys []string
	if parent != "" {
		if s.st.res[parent] == nil {
			armErr(c.w, http.StatusNotFound, "ParentResourceNotFound", fmt.Sprintf("Can not perform requested operation on nested resource. Parent resource '%s' not found.", parent))
			return
		}
		for _, r := range s.st.childrenOf(parent, ltyp) {
			keys = append(keys, r.key)
		}
	} else {
		for _, k := range sub.keys {
			r := s.st.res[k]
			if r != nil && r.ltyp == ltyp && r.parent == "" && (p.rg == "" || strings.EqualFold(r.rg, p.rg)) {
				keys = append(keys, k)
			}
		}
	}
	s.writePage(c, keys, func(k string) any { return s.st.render(s.st.res[k]) }, c.pageSize(s.opts.PageSize))
}

// unknownType answers a request for a type the simulator does not know as ARM does for an
// unknown namespace (400 InvalidResourceNamespace) or an unknown type of a known one (404
// InvalidResourceType).
func (s *Simulator) unknownType(c *call, p armPath, apiVersion string) {
	s.st.mu.RLock()
	known := false
	for _, t := range s.st.types {
		if strings.EqualFold(namespaceOf(t.Type), p.ns) {
			known = true
			break
		}
	}
	s.st.mu.RUnlock()
	if !known {
		armErr(c.w, http.StatusBadRequest, "InvalidResourceNamespace", fmt.Sprintf("The resource namespace '%s' is invalid.", p.ns))
		return
	}
	armErr(c.w, http.StatusNotFound, "InvalidResourceType", fmt.Sprintf("The resource type '%s' could not be found in the namespace '%s' for api version '%s'.", strings.Join(p.types, "/"), p.ns, apiVersion))
}
