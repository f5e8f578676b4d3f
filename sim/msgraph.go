package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

var graphCollections = map[string]string{"users": "user", "groups": "group", "serviceprincipals": "servicePrincipal",
	"applications": "application", "devices": "device", "directoryroles": "directoryRole"}

var graphODataType = map[string]string{"user": "#microsoft.graph.user", "group": "#microsoft.graph.group",
	"servicePrincipal": "#microsoft.graph.servicePrincipal", "application": "#microsoft.graph.application",
	"device": "#microsoft.graph.device", "directoryRole": "#microsoft.graph.directoryRole"}

// graphNavs: the navigation properties each kind has (GET {col}/{id}/{nav}, $expand=nav).
// appRoleAssignments / appRoleAssignedTo are always empty: app roles are not modelled.
var graphNavs = map[string][]string{
	"user":             {"memberOf", "transitiveMemberOf", "ownedObjects", "registeredDevices", "ownedDevices", "appRoleAssignments"},
	"group":            {"members", "transitiveMembers", "memberOf", "transitiveMemberOf", "owners", "appRoleAssignments"},
	"servicePrincipal": {"memberOf", "transitiveMemberOf", "owners", "ownedObjects", "appRoleAssignments", "appRoleAssignedTo"},
	"application":      {"owners"},
	"device":           {"memberOf", "transitiveMemberOf", "registeredOwners", "registeredUsers"},
	"directoryRole":    {"members"},
}

func notFoundGraph(c *call, id string) {
	graphErr(c.w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id))
}

func (s *Simulator) serveGraph(c *call) {
	write := c.r.Method != http.MethodGet && c.r.Method != http.MethodHead
	s.stats.inc("kind:msgraph." + ifs(write, "write", "read"))
	v := s.thr.take("graph|"+c.t.id, graphBurst, graphRate)
	if !v.ok {
		s.stats.inc("429:msgraph")
		s.retryHeaders(c.w, v.wait)
		graphErr(c.w, http.StatusTooManyRequests, "TooManyRequests", "Too many requests. Please try again later.")
		return
	}
	rest := strings.Trim(strings.TrimPrefix(c.r.URL.Path, c.graphPrefix), "/")
	segs := strings.Split(rest, "/")
	col := strings.ToLower(segs[0])
	if col == "me" {
		// /me is the signed-in user: only delegated (user) tokens have one.
		s.st.mu.RLock()
		o := c.t.objects[strings.ToLower(c.principal)]
		s.st.mu.RUnlock()
		if o == nil || o.kind != "user" {
			graphErr(c.w, http.StatusBadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.")
			return
		}
		segs = append([]string{"users", o.id}, segs[1:]...)
		col = "users"
	}
	switch {
	case col == "organization" && len(segs) == 1 && !write:
		writeJSON(c.w, http.StatusOK, map[string]any{"@odata.context": c.base + c.graphPrefix + "/$metadata#organization",
			"value": []any{map[string]any{"id": c.t.id, "displayName": c.t.name, "tenantType": "AAD",
				"verifiedDomains": []any{map[string]any{"name": c.t.domain, "isDefault": true, "isInitial": true, "type": "Managed", "capabilities": "Email, OfficeCommunicationsOnline"}}}}})
		return
	case col == "directoryobjects" && len(segs) == 2 && !write:
		s.graphGet(c, "", segs[0], segs[1])
		return
	case col == "oauth2permissiongrants" && len(segs) == 1 && !write:
		s.graphGrants(c)
		return
	case col == "rolemanagement" && len(segs) == 3 && strings.EqualFold(segs[1], "directory") && !write:
		s.graphRoleManagement(c, segs[2])
		return
	}
	if s.serveUnits(c, segs, write) {
		return
	}
	kind, ok := graphCollections[col]
	if !ok {
		graphErr(c.w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[0]))
		return
	}
	switch {
	case len(segs) == 1 && !write:
		s.st.mu.RLock()
		ids := slices.Clone(c.t.order[kind])
		s.st.mu.RUnlock()
		s.graphList(c, kind, segs[0], ids)
	case len(segs) == 1 && c.r.Method == http.MethodPost && kind != "device" && kind != "directoryRole":
		s.graphCreate(c, kind, segs[0])
	case len(segs) == 2 && strings.EqualFold(segs[1], "delta") && !write:
		s.graphDelta(c, kind, segs[0])
	case len(segs) == 2 && segs[1] == "$count" && !write:
		if !s.needEventual(c, "$count") {
			return
		}
		s.st.mu.RLock()
		n := len(c.t.order[kind])
		s.st.mu.RUnlock()
		c.w.Header().Set("Content-Type", "text/plain")
		c.w.WriteHeader(http.StatusOK)
		fmt.Fprint(c.w, n)
	case len(segs) == 2 && !write:
		s.graphGet(c, kind, segs[0], segs[1])
	case len(segs) == 3 && !write:
		s.st.mu.RLock()
		o := c.t.objects[strings.ToLower(segs[1])]
		s.st.mu.RUnlock()
		if o == nil || o.kind != kind {
			notFoundGraph(c, segs[1])
			return
		}
		nav, ok := navName(kind, segs[2])
		if !ok {
			graphErr(c.w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[2]))
			return
		}
		s.st.mu.RLock()
		ids := s.st.navIDs(c.t, o, nav)
		s.st.mu.RUnlock()
		s.graphList(c, "", "directoryObjects", ids)
	case len(segs) == 4 && (kind == "group" && strings.EqualFold(segs[2], "members") || strings.EqualFold(segs[2], "owners") && (kind == "group" || kind == "application" || kind == "servicePrincipal")) && segs[3] == "$ref" && c.r.Method == http.MethodPost:
		s.graphAddMember(c, kind, segs[1], strings.ToLower(segs[2]))
	default:
		graphErr(c.w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Unsupported request: %s %s", c.r.Method, c.r.URL.Path))
	}
}

func navName(kind, seg string) (string, bool) {
	for _, n := range graphNavs[kind] {
		if strings.EqualFold(n, seg) {
			return n, true
		}
	}
	return "", false
}

// needEventual enforces Graph's advanced-query rule: $count and $search on directory objects
// need the ConsistencyLevel: eventual header.
func (s *Simulator) needEventual(c *call, what string) bool {
	if strings.EqualFold(c.r.Header.Get("ConsistencyLevel"), "eventual") {
		return true
	}
	if what == "$search" {
		graphErr(c.w, http.StatusBadRequest, "Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
	} else {
		graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "$count is not currently supported without the ConsistencyLevel: eventual header.")
	}
	return false
}

// graphGet serves GET {col}/{id} (kind "" for directoryObjects: any kind) with $select and $expand.
func (s *Simulator) graphGet(c *call, kind, segment, id string) {
	q := c.r.URL.Query()
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	o := c.t.objects[strings.ToLower(id)]
	if o == nil || kind != "" && o.kind != kind {
		notFoundGraph(c, id)
		return
	}
	body := selectFields(o, q.Get("$select"), kind == "")
	if e := q.Get("$expand"); e != "" {
		if err := s.st.expand(c.t, o, body, e); err != nil {
			graphErr(c.w, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
	}
	body["@odata.context"] = c.base + c.graphPrefix + "/$metadata#" + segment + "/$entity"
	writeJSON(c.w, http.StatusOK, body)
}

// selectFields renders an object with $select applied (id is always returned, as Graph does).
func selectFields(o *dirObject, sel string, withType bool) map[string]any {
	out := map[string]any{}
	if sel == "" {
		for k, v := range o.body {
			out[k] = v
		}
	} else {
		out["id"] = o.id
		for _, f := range strings.Split(sel, ",") {
			f = strings.TrimSpace(f)
			if v, ok := o.body[lowerFirstMatch(o.body, f)]; ok {
				out[f] = v
			} else if f != "" {
				out[f] = nil
			}
		}
	}
	if withType {
		out["@odata.type"] = graphODataType[o.kind]
	}
	return out
}

// graphQuery is a list request's parsed OData options.
type graphQuery struct {
	top       int
	filter    odataExpr
	search    [][]searchClause
	orderBy   []odataOrder
	count     bool
	expand    string
	sel       string
	offset    int
	hasFilter bool
}

// parseGraphQuery reads $top, $filter, $search, $orderby, $count, $expand, $select and
// $skiptoken; it writes Graph's error and returns false for what Graph would refuse.
func (s *Simulator) parseGraphQuery(c *call) (graphQuery, bool) {
	q := c.r.URL.Query()
	gq := graphQuery{top: s.opts.GraphPage, sel: q.Get("$select"), expand: q.Get("$expand")}
	if t := q.Get("$top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 999 {
			graphErr(c.w, http.StatusBadRequest, "Request_UnsupportedQuery", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and 999 inclusive.", t))
			return gq, false
		}
		gq.top = n
	}
	if gq.expand != "" && gq.top > 100 {
		gq.top = 100 // $expand on directory objects: at most 100 objects a page, whatever $top says
	}
	if f := q.Get("$filter"); f != "" {
		e, err := parseFilterOData(f)
		if err != nil {
			graphErr(c.w, http.StatusBadRequest, "BadRequest", "Invalid filter clause: "+err.Error())
			return gq, false
		}
		gq.filter, gq.hasFilter = e, true
	}
	if sr := q.Get("$search"); sr != "" {
		if !s.needEventual(c, "$search") {
			return gq, false
		}
		g, err := parseSearch(sr)
		if err != nil {
			graphErr(c.w, http.StatusBadRequest, "Request_UnsupportedQuery", err.Error())
			return gq, false
		}
		gq.search = g
	}
	if ob := q.Get("$orderby"); ob != "" {
		keys, err := parseOrderBy(ob)
		if err != nil {
			graphErr(c.w, http.StatusBadRequest, "BadRequest", err.Error())
			return gq, false
		}
		if gq.hasFilter && !strings.EqualFold(c.r.Header.Get("ConsistencyLevel"), "eventual") {
			graphErr(c.w, http.StatusBadRequest, "Request_UnsupportedQuery", "Sorting not supported for current query.")
			return gq, false
		}
		gq.orderBy = keys
	}
	switch strings.ToLower(q.Get("$count")) {
	case "":
	case "true":
		if !s.needEventual(c, "$count") {
			return gq, false
		}
		gq.count = true
	case "false":
	default:
		graphErr(c.w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Invalid $count value '%s'.", q.Get("$count")))
		return gq, false
	}
	if tok := q.Get("$skiptoken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(string(raw))
		if err != nil || err2 != nil || n < 0 {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "Invalid $skiptoken.")
			return gq, false
		}
		gq.offset = n
	}
	return gq, true
}

// graphList pages the objects ids (kind "" renders @odata.type, as directoryObjects lists do).
func (s *Simulator) graphList(c *call, kind, segment string, ids []string) {
	gq, ok := s.parseGraphQuery(c)
	if !ok {
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	var objs []*dirObject
	for _, id := range ids {
		o := c.t.objects[id]
		if o == nil {
			continue
		}
		if gq.filter != nil && !gq.filter.eval(o.body, "", nil) {
			continue
		}
		if gq.search != nil && !searchMatch(o.body, gq.search) {
			continue
		}
		objs = append(objs, o)
	}
	if gq.orderBy != nil {
		sortObjects(objs, gq.orderBy)
	}
	start := min(gq.offset, len(objs))
	end := min(start+gq.top, len(objs))
	value := make([]any, 0, end-start)
	for _, o := range objs[start:end] {
		m := selectFields(o, gq.sel, kind == "")
		if gq.expand != "" {
			if err := s.st.expand(c.t, o, m, gq.expand); err != nil {
				graphErr(c.w, http.StatusBadRequest, "BadRequest", err.Error())
				return
			}
		}
		value = append(value, m)
	}
	out := map[string]any{"@odata.context": c.base + c.graphPrefix + "/$metadata#" + segment, "value": value}
	if gq.count {
		out["@odata.count"] = len(objs)
	}
	if end < len(objs) {
		nq := c.r.URL.Query()
		nq.Set("$skiptoken", base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))))
		out["@odata.nextLink"] = c.base + c.r.URL.Path + "?" + nq.Encode()
	}
	writeJSON(c.w, http.StatusOK, out)
}

func (s *Simulator) graphCreate(c *call, kind, segment string) {
	b, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	var in map[string]any
	if err != nil || json.Unmarshal(b, &in) != nil || in == nil {
		graphErr(c.w, http.StatusBadRequest, "BadRequest", "Unable to read JSON request payload.")
		return
	}
	required := map[string][]string{
		"user":             {"displayName", "userPrincipalName", "mailNickname", "accountEnabled", "passwordProfile"},
		"group":            {"displayName", "mailNickname", "mailEnabled", "securityEnabled"},
		"application":      {"displayName"},
		"servicePrincipal": {"appId"},
	}[kind]
	for _, f := range required {
		if in[f] == nil {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("Property '%s' is required when creating the object.", f))
			return
		}
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t := c.t
	delete(in, "passwordProfile") // never stored nor returned
	id := uuidFrom(hash64(s.opts.Seed, "graph", t.id, kind, fmt.Sprint(len(t.objects)), fmt.Sprint(in["displayName"])))
	switch kind {
	case "user":
		upn, _ := in["userPrincipalName"].(string)
		_, dom, _ := strings.Cut(upn, "@")
		if !strings.EqualFold(dom, t.domain) {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization (%s).", t.domain))
			return
		}
		for _, oid := range t.order["user"] {
			if strings.EqualFold(fmt.Sprint(t.objects[oid].body["userPrincipalName"]), upn) {
				graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "Another object with the same value for property userPrincipalName already exists.")
				return
			}
		}
	case "application":
		in["appId"] = uuidFrom(hash64(s.opts.Seed, "appid", id))
	case "servicePrincipal":
		found := false
		for _, oid := range t.order["application"] {
			if strings.EqualFold(fmt.Sprint(t.objects[oid].body["appId"]), fmt.Sprint(in["appId"])) {
				found = true
				in["displayName"] = t.objects[oid].body["displayName"]
			}
		}
		if !found {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("The appId '%v' of the service principal does not reference a valid application object.", in["appId"]))
			return
		}
		if in["servicePrincipalType"] == nil {
			in["servicePrincipalType"] = "Application"
		}
	}
	in["id"] = id
	o := &dirObject{kind: kind, id: id, body: in}
	t.addObject(o)
	out := selectFields(o, "", false)
	out["@odata.context"] = c.base + c.graphPrefix + "/$metadata#" + segment + "/$entity"
	writeJSON(c.w, http.StatusCreated, out)
}

// graphAddMember serves POST {groups|applications|servicePrincipals}/{id}/{members|owners}/$ref.
func (s *Simulator) graphAddMember(c *call, kind, targetID, nav string) {
	var in struct {
		ID string `json:"@odata.id"`
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, 1<<20))
	if err != nil || json.Unmarshal(b, &in) != nil || in.ID == "" {
		graphErr(c.w, http.StatusBadRequest, "BadRequest", "Invalid reference: the body must be {\"@odata.id\": \"…/directoryObjects/{id}\"}.")
		return
	}
	mid := strings.ToLower(in.ID[strings.LastIndexByte(in.ID, '/')+1:])
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	t := c.t
	g := t.objects[strings.ToLower(targetID)]
	m := t.objects[mid]
	if g == nil || g.kind != kind || m == nil {
		missing := targetID
		if g != nil {
			missing = mid
		}
		notFoundGraph(c, missing)
		return
	}
	list := t.members
	if nav == "owners" {
		list = t.owners
		if m.kind != "user" && m.kind != "servicePrincipal" {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "Only users and service principals can be owners.")
			return
		}
	} else if m.kind == "application" || m.kind == "directoryRole" {
		graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "Applications cannot be group members.")
		return
	}
	for _, x := range list[g.id] {
		if x.id == m.id {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", fmt.Sprintf("One or more added object references already exist for the following modified properties: '%s'.", nav))
			return
		}
	}
	list[g.id] = append(list[g.id], memberRef{id: m.id, kind: m.kind})
	if nav == "owners" {
		t.touch(g)
	} else {
		t.logMember(g, m, false)
	}
	c.w.WriteHeader(http.StatusNoContent)
}
