package sim

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/atg-go/atg/sim/kql"
)

// argRow is one Resource Graph row, built lazily: filters read single columns and only the
// returned page is materialised.
type argRow struct {
	r      *resource      // resources / authorizationresources
	sub    *subscription  // resourcecontainers (subscription or RG row)
	rg     *resourceGroup // resourcecontainers RG row
	role   *builtinRole   // authorizationresources role definition row
	tenant string
	proj   map[string]any // set after project/summarize/extend
	st     *store         // renders properties as ARM's GET does (VNets with their subnets)
}

var argColumns = []string{"id", "name", "type", "tenantId", "kind", "location", "resourceGroup", "subscriptionId", "managedBy", "sku", "plan", "properties", "tags", "identity", "zones", "extendedLocation"}

func (a *argRow) get(col string) any {
	if a.proj != nil {
		return lookupPath(a.proj, col)
	}
	if i := strings.IndexByte(col, '.'); i > 0 {
		return lookupPath(map[string]any{col[:i]: a.get(col[:i])}, col)
	}
	switch {
	case a.r != nil:
		r := a.r
		switch strings.ToLower(col) {
		case "id":
			return r.id
		case "name":
			return r.body["name"]
		case "type":
			return r.ltyp
		case "tenantid":
			return a.tenant
		case "resourcegroup":
			return strings.ToLower(r.rg)
		case "subscriptionid":
			return r.sub
		case "kind", "location", "managedby":
			return strOr(r.body[lowerFirstMatch(r.body, col)])
		case "properties":
			if a.st != nil && (embedded[r.ltyp] != nil || inlineProps[r.ltyp] != nil) {
				return a.st.render(r)["properties"]
			}
			return r.body["properties"]
		default:
			return r.body[lowerFirstMatch(r.body, col)]
		}
	case a.rg != nil:
		switch strings.ToLower(col) {
		case "id":
			return a.rg.id
		case "name":
			return a.rg.name
		case "type":
			return "microsoft.resources/subscriptions/resourcegroups"
		case "tenantid":
			return a.tenant
		case "location":
			return a.rg.location
		case "resourcegroup":
			return strings.ToLower(a.rg.name)
		case "subscriptionid":
			return a.rg.sub
		case "managedby":
			return a.rg.managedBy
		case "kind":
			return ""
		case "properties":
			return map[string]any{"provisioningState": "Succeeded"}
		case "tags":
			return a.rg.tags
		}
	case a.sub != nil:
		switch strings.ToLower(col) {
		case "id":
			return "/subscriptions/" + a.sub.id
		case "name":
			return a.sub.name
		case "type":
			return "microsoft.resources/subscriptions"
		case "tenantid":
			return a.tenant
		case "subscriptionid":
			return a.sub.id
		case "kind", "location", "resourcegroup", "managedby":
			return ""
		case "properties":
			return map[string]any{"state": a.sub.state, "subscriptionPolicies": map[string]any{"locationPlacementId": "Public_2014-09-01", "quotaId": "EnterpriseAgreement_2014-09-01", "spendingLimit": "Off"}}
		case "tags":
			return map[string]any{}
		}
	case a.role != nil:
		j := roleDefJSON("", *a.role)
		switch strings.ToLower(col) {
		case "id":
			return j["id"]
		case "name":
			return a.role.guid
		case "type":
			return "microsoft.authorization/roledefinitions"
		case "tenantid":
			return a.tenant
		case "properties":
			return j["properties"]
		case "kind", "location", "resourcegroup", "subscriptionid", "managedby":
			return ""
		}
	}
	return nil
}

func strOr(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func lowerFirstMatch(m map[string]any, col string) string { return kql.FieldKey(m, col) }

func lookupPath(m map[string]any, path string) any { return kql.LookupPath(m, path) }

func isPath(s string) bool { return kql.IsPath(s) }

func unquote(s string) (string, bool) { return kql.Unquote(s) }

// Get implements kql.Row.
func (a *argRow) Get(col string) any { return a.get(col) }

// Full implements kql.Row.
func (a *argRow) Full() map[string]any { return a.full() }

func (a *argRow) sortKey() string {
	if a.r != nil {
		return a.r.key
	}
	return strings.ToLower(fmt.Sprint(a.get("id")))
}

func (a *argRow) full() map[string]any {
	if a.proj != nil {
		return a.proj
	}
	out := make(map[string]any, len(argColumns))
	for _, c := range argColumns {
		out[c] = a.get(c)
	}
	return out
}

type argRequest struct {
	Subscriptions []string `json:"subscriptions"`
	Query         string   `json:"query"`
	Options       struct {
		Top          *int   `json:"$top"`
		Skip         *int   `json:"$skip"`
		SkipToken    string `json:"$skipToken"`
		ResultFormat string `json:"resultFormat"`
	} `json:"options"`
	ManagementGroups []string   `json:"managementGroups"`
	Facets           []argFacet `json:"facets"`
}

// argFacet is a facet request: counts of the result's rows per value of an expression.
type argFacet struct {
	Expression string `json:"expression"`
	Options    struct {
		Top       *int   `json:"$top"`
		SortBy    string `json:"sortBy"`
		SortOrder string `json:"sortOrder"`
		Filter    string `json:"filter"`
	} `json:"options"`
}

func argBadRequest(c *call, code, msg string, details ...map[string]any) {
	d := []any{}
	for _, x := range details {
		d = append(d, x)
	}
	writeJSON(c.w, http.StatusBadRequest, map[string]any{"error": map[string]any{"code": "BadRequest",
		"message": fmt.Sprintf("Please provide below info when asking for support: timestamp = %s, correlationId = %s.", time.Now().UTC().Format(time.RFC3339), c.w.Header().Get("x-ms-request-id")),
		"details": append([]any{map[string]any{"code": code, "message": msg}}, d...)}})
}

func (s *Simulator) serveARG(c *call) {
	s.stats.inc("kind:arg.query")
	v := s.thr.window("arg|"+c.principal, argQuota, argWindow)
	c.w.Header().Set("x-ms-user-quota-remaining", fmt.Sprint(v.remaining))
	c.w.Header().Set("x-ms-user-quota-resets-after", hms(v.resets))
	if !v.ok {
		s.stats.inc("429:arg")
		s.retryHeaders(c.w, v.wait)
		armErr(c.w, http.StatusTooManyRequests, "RateLimiting", fmt.Sprintf("Please provide below info when asking for support: timestamp = %s, correlationId = %s. Client application has been throttled and should not attempt to repeat the request until an amount of time has elapsed. Please see https://aka.ms/resourcegraph-throttling for help.", time.Now().UTC().Format(time.RFC3339), c.w.Header().Get("x-ms-request-id")))
		return
	}
	if c.r.Method != http.MethodPost {
		armErr(c.w, http.StatusMethodNotAllowed, "MethodNotAllowed", "Resource Graph queries are POST requests.")
		return
	}
	if !s.checkVersion(c, c.r.URL.Query().Get("api-version"), argAPIVersions, "Microsoft.ResourceGraph/resources") {
		return
	}
	b, err := io.ReadAll(io.LimitReader(c.r.Body, 8<<20))
	if err != nil {
		argBadRequest(c, "InvalidRequestContent", "The request content could not be read.")
		return
	}
	var req argRequest
	if err := json.Unmarshal(b, &req); err != nil {
		argBadRequest(c, "InvalidRequestContent", "The request content was invalid and could not be deserialized.")
		return
	}
	if len(req.Subscriptions) > 1000 {
		argBadRequest(c, "InvalidSubscriptionsCount", fmt.Sprintf("The number of subscriptions in the request (%d) exceeds the maximum of 1000.", len(req.Subscriptions)))
		return
	}
	top := 100
	if req.Options.Top != nil {
		top = *req.Options.Top
		if top < 1 || top > 1000 {
			argBadRequest(c, "InvalidQueryOptions", fmt.Sprintf("The value of $top (%d) must be between 1 and 1000.", top))
			return
		}
	}
	format := strings.ToLower(req.Options.ResultFormat)
	if format != "" && format != "objectarray" && format != "table" {
		argBadRequest(c, "InvalidResultFormat", fmt.Sprintf("The result format '%s' is invalid. Valid formats are 'table' and 'objectArray'.", req.Options.ResultFormat))
		return
	}
	q, err := kql.Parse(req.Query)
	if err != nil {
		ke := &kql.Error{Msg: err.Error()}
		errors.As(err, &ke)
		argBadRequest(c, "InvalidQuery", "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.",
			map[string]any{"code": "ParserFailure", "message": ke.Msg, "line": 1, "token": ke.Token})
		return
	}
	rows, idKept, cols := s.runKQL(c.t, req.Subscriptions, q)
	skip := 0
	if req.Options.Skip != nil && *req.Options.Skip > 0 {
		skip = *req.Options.Skip
	}
	if req.Options.SkipToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(req.Options.SkipToken)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "offset:"))
		if err != nil || err2 != nil || n < 0 {
			argBadRequest(c, "InvalidSkipToken", "The $skipToken is invalid.")
			return
		}
		skip = n
	}
	total := len(rows)
	start := min(skip, total)
	end := min(start+top, total)
	objs := make([]map[string]any, 0, end-start)
	for _, r := range rows[start:end] {
		objs = append(objs, r.Full())
	}
	var data any = objs
	if format == "table" {
		data = kql.Table(cols, objs)
	}
	out := map[string]any{"totalRecords": total, "count": len(objs), "data": data, "facets": s.facets(rows, req.Facets, format), "resultTruncated": "false"}
	if end < total {
		if idKept {
			out["$skipToken"] = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(end)))
		} else {
			out["resultTruncated"] = "true" // like ARG: paging needs the id column
		}
	}
	writeJSON(c.w, http.StatusOK, out)
}

// runKQL evaluates q over the caller's tenant, restricted to subs when given.
func (s *Simulator) runKQL(t *tenant, subs []string, q *kql.Query) ([]kql.Row, bool, []string) {
	s.st.mu.Lock()
	for _, sid := range t.subs {
		s.st.ensureSorted(s.st.subs[sid])
	}
	s.st.mu.Unlock()
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	allowed := map[string]bool{}
	for _, x := range subs {
		allowed[strings.ToLower(x)] = true
	}
	var rows []*argRow
	if q.Table == "resourcechanges" || q.Table == "resourcecontainerchanges" {
		for _, r := range s.st.changeRows(t, q.Table == "resourcecontainerchanges", s.opts.Now().UTC()) {
			if sid, _ := r.proj["subscriptionId"].(string); len(allowed) == 0 || allowed[sid] {
				rows = append(rows, r)
			}
		}
	}
	for _, sid := range t.subs {
		if len(allowed) > 0 && !allowed[sid] || q.Table == "resourcechanges" || q.Table == "resourcecontainerchanges" {
			continue
		}
		sub := s.st.subs[sid]
		switch q.Table {
		case "resourcecontainers":
			rows = append(rows, &argRow{sub: sub, tenant: t.id})
			for _, rg := range sub.rgs {
				rows = append(rows, &argRow{rg: rg, tenant: t.id})
			}
		default:
			for _, k := range sub.keys {
				r := s.st.res[k]
				if r == nil {
					continue
				}
				isRA := r.ltyp == "microsoft.authorization/roleassignments"
				if q.Table == "authorizationresources" && isRA || q.Table == "resources" && s.st.listable(r) {
					rows = append(rows, &argRow{r: r, tenant: t.id, st: s.st})
				}
			}
		}
	}
	if q.Table == "authorizationresources" {
		for i := range builtinRoles {
			rows = append(rows, &argRow{role: &builtinRoles[i], tenant: t.id})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].sortKey() < rows[j].sortKey() })
	in := make([]kql.Row, len(rows))
	for i, r := range rows {
		in[i] = r
	}
	res := kql.Eval(q, in, argColumns)
	return res.Rows, res.IDKept, res.Columns
}

// facets computes ARG facets over the query's rows: count per value of the expression (a
// column path), sorted by count (or the value) and cut to $top (default 10, 1..1000). An
// invalid facet is a FacetError, as ARG reports it, without failing the query.
func (s *Simulator) facets(rows []kql.Row, reqs []argFacet, format string) []any {
	out := []any{}
	for _, f := range reqs {
		fail := func(code, msg string) {
			out = append(out, map[string]any{"expression": f.Expression, "resultType": "FacetError",
				"errors": []any{map[string]any{"code": code, "message": msg}}})
		}
		expr := strings.TrimSpace(f.Expression)
		if !isPath(expr) {
			fail("InvalidFacetExpression", fmt.Sprintf("The facet expression '%s' is not supported: use a column.", f.Expression))
			continue
		}
		if f.Options.Filter != "" {
			fail("UnsupportedFacetOption", "Facet filters are not supported by the simulator.")
			continue
		}
		top := 10
		if f.Options.Top != nil {
			top = *f.Options.Top
		}
		if top < 1 || top > 1000 {
			fail("InvalidFacetOptions", fmt.Sprintf("The value of $top (%d) must be between 1 and 1000.", top))
			continue
		}
		counts := map[string]int{}
		vals := map[string]any{}
		for _, r := range rows {
			v := r.Get(expr)
			k := fmt.Sprint(v)
			counts[k]++
			vals[k] = v
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		byCount := f.Options.SortBy == "" || strings.EqualFold(f.Options.SortBy, "count")
		desc := !strings.EqualFold(f.Options.SortOrder, "asc")
		sort.Slice(keys, func(i, j int) bool {
			a, b := keys[i], keys[j]
			if byCount && counts[a] != counts[b] {
				return (counts[a] < counts[b]) != desc
			}
			if !byCount {
				return (a < b) != desc
			}
			return a < b
		})
		name := expr[strings.LastIndexByte(expr, '.')+1:]
		total := len(keys)
		if len(keys) > top {
			keys = keys[:top]
		}
		objs := make([]map[string]any, 0, len(keys))
		for _, k := range keys {
			objs = append(objs, map[string]any{name: vals[k], "count": counts[k]})
		}
		var data any = objs
		if format == "table" {
			data = kql.Table([]string{name, "count"}, objs)
		}
		out = append(out, map[string]any{"expression": f.Expression, "resultType": "FacetResult", "totalRecords": total, "count": len(objs), "data": data})
	}
	return out
}
