package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

var graphCollections = map[string]string{"users": "user", "groups": "group", "serviceprincipals": "servicePrincipal", "applications": "application"}

var graphODataType = map[string]string{"user": "#microsoft.graph.user", "group": "#microsoft.graph.group",
	"servicePrincipal": "#microsoft.graph.servicePrincipal", "application": "#microsoft.graph.application"}

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
	rest := strings.Trim(strings.TrimPrefix(c.r.URL.Path, s.opts.GraphPrefix), "/")
	segs := strings.Split(rest, "/")
	col := strings.ToLower(segs[0])
	if col == "organization" && len(segs) == 1 && !write {
		writeJSON(c.w, http.StatusOK, map[string]any{"@odata.context": c.base + s.opts.GraphPrefix + "/$metadata#organization",
			"value": []any{map[string]any{"id": c.t.id, "displayName": c.t.name, "tenantType": "AAD",
				"verifiedDomains": []any{map[string]any{"name": c.t.domain, "isDefault": true, "isInitial": true, "type": "Managed", "capabilities": "Email, OfficeCommunicationsOnline"}}}}})
		return
	}
	kind, ok := graphCollections[col]
	if !ok {
		graphErr(c.w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Resource not found for the segment '%s'.", segs[0]))
		return
	}
	switch {
	case len(segs) == 1 && !write:
		s.graphList(c, kind, segs[0], nil)
	case len(segs) == 1 && c.r.Method == http.MethodPost:
		s.graphCreate(c, kind, segs[0])
	case len(segs) == 2 && !write:
		s.st.mu.RLock()
		o := c.t.objects[strings.ToLower(segs[1])]
		var body map[string]any
		if o != nil && o.kind == kind {
			body = selectFields(o, c.r.URL.Query().Get("$select"), false)
			body["@odata.context"] = c.base + s.opts.GraphPrefix + "/$metadata#" + segs[0] + "/$entity"
		}
		s.st.mu.RUnlock()
		if body == nil {
			graphErr(c.w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", segs[1]))
			return
		}
		writeJSON(c.w, http.StatusOK, body)
	case len(segs) == 3 && kind == "group" && strings.EqualFold(segs[2], "members") && !write:
		s.st.mu.RLock()
		o := c.t.objects[strings.ToLower(segs[1])]
		var ids []string
		if o != nil && o.kind == "group" {
			for _, m := range c.t.members[o.id] {
				ids = append(ids, m.id)
			}
		}
		s.st.mu.RUnlock()
		if o == nil || o.kind != "group" {
			graphErr(c.w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", segs[1]))
			return
		}
		s.graphList(c, "", "directoryObjects", ids)
	case len(segs) == 4 && kind == "group" && strings.EqualFold(segs[2], "members") && segs[3] == "$ref" && c.r.Method == http.MethodPost:
		s.graphAddMember(c, segs[1])
	default:
		graphErr(c.w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("Unsupported request: %s %s", c.r.Method, c.r.URL.Path))
	}
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

func (s *Simulator) graphList(c *call, kind, segment string, ids []string) {
	q := c.r.URL.Query()
	top := s.opts.GraphPage
	if t := q.Get("$top"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 || n > 999 {
			graphErr(c.w, http.StatusBadRequest, "Request_UnsupportedQuery", fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and 999 inclusive.", t))
			return
		}
		top = n
	}
	var fltField, fltValue string
	if f := q.Get("$filter"); f != "" {
		parts := strings.SplitN(f, " ", 3)
		v, ok := unquote(strings.TrimSpace(partsOr(parts, 2)))
		if len(parts) != 3 || !strings.EqualFold(parts[1], "eq") || !ok {
			graphErr(c.w, http.StatusBadRequest, "Request_UnsupportedQuery", "Unsupported query: the simulator supports $filter=<property> eq '<value>' only.")
			return
		}
		fltField, fltValue = parts[0], v
	}
	offset := 0
	if tok := q.Get("$skiptoken"); tok != "" {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		n, err2 := strconv.Atoi(string(raw))
		if err != nil || err2 != nil || n < 0 {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "Invalid $skiptoken.")
			return
		}
		offset = n
	}
	s.st.mu.RLock()
	if ids == nil {
		ids = c.t.order[kind]
	}
	var objs []*dirObject
	for _, id := range ids {
		o := c.t.objects[id]
		if o == nil {
			continue
		}
		if fltField != "" && !strings.EqualFold(fmt.Sprint(o.body[lowerFirstMatch(o.body, fltField)]), fltValue) {
			continue
		}
		objs = append(objs, o)
	}
	start := min(offset, len(objs))
	end := min(start+top, len(objs))
	value := make([]any, 0, end-start)
	for _, o := range objs[start:end] {
		value = append(value, selectFields(o, q.Get("$select"), kind == ""))
	}
	s.st.mu.RUnlock()
	out := map[string]any{"@odata.context": c.base + s.opts.GraphPrefix + "/$metadata#" + segment, "value": value}
	if end < len(objs) {
		nq := c.r.URL.Query()
		nq.Set("$skiptoken", base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))))
		out["@odata.nextLink"] = c.base + c.r.URL.Path + "?" + nq.Encode()
	}
	writeJSON(c.w, http.StatusOK, out)
}

func partsOr(p []string, i int) string {
	if i < len(p) {
		return p[i]
	}
	return ""
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
	out["@odata.context"] = c.base + s.opts.GraphPrefix + "/$metadata#" + segment + "/$entity"
	writeJSON(c.w, http.StatusCreated, out)
}

func (s *Simulator) graphAddMember(c *call, groupID string) {
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
	g := t.objects[strings.ToLower(groupID)]
	m := t.objects[mid]
	if g == nil || g.kind != "group" || m == nil {
		missing := groupID
		if g != nil {
			missing = mid
		}
		graphErr(c.w, http.StatusNotFound, "Request_ResourceNotFound", fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", missing))
		return
	}
	if m.kind == "application" {
		graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "Applications cannot be group members.")
		return
	}
	for _, x := range t.members[g.id] {
		if x.id == m.id {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "One or more added object references already exist for the following modified properties: 'members'.")
			return
		}
	}
	t.members[g.id] = append(t.members[g.id], memberRef{id: m.id, kind: m.kind})
	c.w.WriteHeader(http.StatusNoContent)
}
