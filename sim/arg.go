package sim

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
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

func lowerFirstMatch(m map[string]any, col string) string {
	if _, ok := m[col]; ok {
		return col
	}
	for k := range m {
		if strings.EqualFold(k, col) {
			return k
		}
	}
	return col
}

func lookupPath(m map[string]any, path string) any {
	var cur any = m
	for _, part := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[lowerFirstMatch(mm, part)]
	}
	return cur
}

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

// kql is the parsed query subset.
type kql struct {
	table  string
	stages []stage
}

type stage struct {
	kind  string // where | project | order | limit | count | summarize
	preds []pred
	cols  []projCol
	order []orderKey
	limit int
	by    string
}

type projCol struct{ name, src string }
type orderKey struct {
	col  string
	desc bool
}

type pred struct {
	col, op string
	vals    []string
}

// kqlError is a parse failure, rendered as ARG's BadRequest/InvalidQuery body.
type kqlError struct{ msg, token string }

func (e *kqlError) Error() string { return e.msg }

func splitPipes(q string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(q); i++ {
		ch := q[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '\'' || ch == '"':
			quote = ch
		case ch == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		cur.WriteByte(ch)
	}
	return append(out, strings.TrimSpace(cur.String()))
}

func parseKQL(q string) (*kql, error) {
	parts := splitPipes(strings.TrimSpace(q))
	k := &kql{table: strings.ToLower(parts[0])}
	switch k.table {
	case "resources", "resourcecontainers", "authorizationresources", "resourcechanges", "resourcecontainerchanges":
	default:
		return nil, &kqlError{msg: fmt.Sprintf("Table '%s' is not supported by the simulator (resources, resourcecontainers, authorizationresources, resourcechanges, resourcecontainerchanges).", parts[0]), token: parts[0]}
	}
	for _, p := range parts[1:] {
		word, rest, _ := strings.Cut(p, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToLower(word) {
		case "where":
			var preds []pred
			for _, c := range splitFold(rest, " and ") {
				pr, err := parsePred(strings.TrimSpace(c))
				if err != nil {
					return nil, err
				}
				preds = append(preds, pr)
			}
			k.stages = append(k.stages, stage{kind: "where", preds: preds})
		case "project":
			var cols []projCol
			for _, c := range strings.Split(rest, ",") {
				c = strings.TrimSpace(c)
				if c == "" {
					return nil, &kqlError{msg: "empty column in project", token: "project"}
				}
				name, src, ok := strings.Cut(c, "=")
				if !ok {
					name, src = c, c
				}
				name, src = strings.TrimSpace(name), strings.TrimSpace(src)
				if !isIdent(name) || !isPath(src) {
					return nil, &kqlError{msg: fmt.Sprintf("Unsupported project column '%s'.", c), token: c}
				}
				cols = append(cols, projCol{name: name, src: src})
			}
			k.stages = append(k.stages, stage{kind: "project", cols: cols})
		case "extend":
			var cols []projCol
			for _, c := range strings.Split(rest, ",") {
				name, src, ok := strings.Cut(strings.TrimSpace(c), "=")
				name, src = strings.TrimSpace(name), strings.TrimSpace(src)
				if !ok || !isIdent(name) {
					return nil, &kqlError{msg: fmt.Sprintf("Unsupported extend column '%s' (name = column, 'literal', tostring(col), tolower(col) or toupper(col)).", c), token: c}
				}
				if _, err := extendValue(nil, src); err != nil {
					return nil, err
				}
				cols = append(cols, projCol{name: name, src: src})
			}
			k.stages = append(k.stages, stage{kind: "extend", cols: cols})
		case "order", "sort":
			by, r2, _ := strings.Cut(rest, " ")
			if !strings.EqualFold(by, "by") {
				return nil, &kqlError{msg: "expected 'by' after order", token: by}
			}
			var keys []orderKey
			for _, c := range strings.Split(r2, ",") {
				f := strings.Fields(c)
				if len(f) == 0 || len(f) > 2 || !isPath(f[0]) {
					return nil, &kqlError{msg: fmt.Sprintf("Unsupported order key '%s'.", c), token: c}
				}
				ok := orderKey{col: f[0], desc: true} // KQL's default order is descending
				if len(f) == 2 {
					switch strings.ToLower(f[1]) {
					case "asc":
						ok.desc = false
					case "desc":
					default:
						return nil, &kqlError{msg: "expected asc or desc", token: f[1]}
					}
				}
				keys = append(keys, ok)
			}
			k.stages = append(k.stages, stage{kind: "order", order: keys})
		case "limit", "take":
			n, err := strconv.Atoi(rest)
			if err != nil || n < 0 {
				return nil, &kqlError{msg: "limit needs a non-negative integer", token: rest}
			}
			k.stages = append(k.stages, stage{kind: "limit", limit: n})
		case "count":
			if rest != "" {
				return nil, &kqlError{msg: "count takes no arguments", token: rest}
			}
			k.stages = append(k.stages, stage{kind: "count"})
		case "summarize":
			f := strings.Fields(rest)
			if len(f) != 3 || !strings.EqualFold(f[0], "count()") || !strings.EqualFold(f[1], "by") || !isPath(f[2]) {
				return nil, &kqlError{msg: "only 'summarize count() by <column>' is supported", token: rest}
			}
			k.stages = append(k.stages, stage{kind: "summarize", by: f[2]})
		default:
			return nil, &kqlError{msg: fmt.Sprintf("Operator '%s' is not supported by the simulator.", word), token: word}
		}
	}
	return k, nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func isPath(s string) bool {
	for _, p := range strings.Split(s, ".") {
		if !isIdent(p) {
			return false
		}
	}
	return true
}

func parsePred(c string) (pred, error) {
	f := strings.SplitN(c, " ", 3)
	if len(f) != 3 || !isPath(f[0]) {
		return pred{}, &kqlError{msg: fmt.Sprintf("Unsupported predicate '%s'.", c), token: c}
	}
	p := pred{col: f[0], op: strings.ToLower(f[1])}
	v := strings.TrimSpace(f[2])
	switch p.op {
	case "in", "in~", "!in", "!in~":
		if !strings.HasPrefix(v, "(") || !strings.HasSuffix(v, ")") {
			return pred{}, &kqlError{msg: "expected a parenthesised list after in", token: v}
		}
		for _, x := range strings.Split(v[1:len(v)-1], ",") {
			s, ok := unquote(strings.TrimSpace(x))
			if !ok {
				return pred{}, &kqlError{msg: "expected string literals in list", token: x}
			}
			p.vals = append(p.vals, s)
		}
	case ">", ">=", "<", "<=":
		tm, ok := parseDatetime(v)
		if !ok {
			return pred{}, &kqlError{msg: "expected datetime(...) after a comparison", token: v}
		}
		p.vals = []string{tm.Format(time.RFC3339Nano)}
	case "==", "=~", "!=", "!~", "contains", "startswith", "endswith", "has":
		s, ok := unquote(v)
		if !ok {
			return pred{}, &kqlError{msg: "expected a string literal", token: v}
		}
		p.vals = []string{s}
	default:
		return pred{}, &kqlError{msg: fmt.Sprintf("Operator '%s' is not supported in where.", f[1]), token: f[1]}
	}
	return p, nil
}

// parseDatetime reads datetime(2024-05-01T10:00:00Z), datetime('…') or a quoted timestamp.
func parseDatetime(v string) (time.Time, bool) {
	if low := strings.ToLower(v); strings.HasPrefix(low, "datetime(") && strings.HasSuffix(v, ")") {
		v = strings.TrimSpace(v[len("datetime(") : len(v)-1])
		if u, ok := unquote(v); ok {
			v = u
		}
	} else if u, ok := unquote(v); ok {
		v = u
	} else {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func unquote(s string) (string, bool) {
	if len(s) >= 2 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"') {
		return s[1 : len(s)-1], true
	}
	return "", false
}

func (p pred) match(a *argRow) bool {
	v := fmt.Sprint(a.get(p.col))
	if a.get(p.col) == nil {
		v = ""
	}
	switch p.op {
	case ">", ">=", "<", "<=":
		got, err := time.Parse(time.RFC3339Nano, v)
		want, _ := time.Parse(time.RFC3339Nano, p.vals[0])
		if err != nil {
			return false
		}
		c := got.Compare(want)
		return p.op == ">" && c > 0 || p.op == ">=" && c >= 0 || p.op == "<" && c < 0 || p.op == "<=" && c <= 0
	case "==":
		return v == p.vals[0]
	case "=~":
		return strings.EqualFold(v, p.vals[0])
	case "!=":
		return v != p.vals[0]
	case "!~":
		return !strings.EqualFold(v, p.vals[0])
	case "contains", "has":
		return strings.Contains(strings.ToLower(v), strings.ToLower(p.vals[0]))
	case "startswith":
		return strings.HasPrefix(strings.ToLower(v), strings.ToLower(p.vals[0]))
	case "endswith":
		return strings.HasSuffix(strings.ToLower(v), strings.ToLower(p.vals[0]))
	}
	fold := strings.HasSuffix(p.op, "~")
	in := false
	for _, x := range p.vals {
		if v == x || fold && strings.EqualFold(v, x) {
			in = true
			break
		}
	}
	if strings.HasPrefix(p.op, "!") {
		return !in
	}
	return in
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
	q, err := parseKQL(req.Query)
	if err != nil {
		ke := err.(*kqlError)
		argBadRequest(c, "InvalidQuery", "Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the error before retrying.",
			map[string]any{"code": "ParserFailure", "message": ke.msg, "line": 1, "token": ke.token})
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
		objs = append(objs, r.full())
	}
	var data any = objs
	if format == "table" {
		data = argTable(cols, objs)
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
func (s *Simulator) runKQL(t *tenant, subs []string, q *kql) ([]*argRow, bool, []string) {
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
	if q.table == "resourcechanges" || q.table == "resourcecontainerchanges" {
		for _, r := range s.st.changeRows(t, q.table == "resourcecontainerchanges", s.opts.Now().UTC()) {
			if sid, _ := r.proj["subscriptionId"].(string); len(allowed) == 0 || allowed[sid] {
				rows = append(rows, r)
			}
		}
	}
	for _, sid := range t.subs {
		if len(allowed) > 0 && !allowed[sid] || q.table == "resourcechanges" || q.table == "resourcecontainerchanges" {
			continue
		}
		sub := s.st.subs[sid]
		switch q.table {
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
				if q.table == "authorizationresources" && isRA || q.table == "resources" && s.st.listable(r) {
					rows = append(rows, &argRow{r: r, tenant: t.id, st: s.st})
				}
			}
		}
	}
	if q.table == "authorizationresources" {
		for i := range builtinRoles {
			rows = append(rows, &argRow{role: &builtinRoles[i], tenant: t.id})
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].sortKey() < rows[j].sortKey() })
	idKept := true
	cols := slices.Clone(argColumns)
	for _, st := range q.stages {
		switch st.kind {
		case "project":
			cols = cols[:0:0]
			for _, c := range st.cols {
				cols = append(cols, c.name)
			}
		case "extend":
			for _, c := range st.cols {
				if !slices.Contains(cols, c.name) {
					cols = append(cols, c.name)
				}
			}
		case "count":
			cols = []string{"Count"}
		case "summarize":
			cols = []string{st.by[strings.LastIndexByte(st.by, '.')+1:], "count_"}
		}
		switch st.kind {
		case "where":
			kept := rows[:0:0]
			for _, r := range rows {
				ok := true
				for _, p := range st.preds {
					if !p.match(r) {
						ok = false
						break
					}
				}
				if ok {
					kept = append(kept, r)
				}
			}
			rows = kept
		case "project":
			idKept = false
			for _, c := range st.cols {
				if c.name == "id" {
					idKept = true
				}
			}
			for i, r := range rows {
				m := make(map[string]any, len(st.cols))
				for _, c := range st.cols {
					m[c.name] = r.get(c.src)
				}
				rows[i] = &argRow{proj: m}
			}
		case "extend":
			for i, r := range rows {
				m := r.full()
				nm := make(map[string]any, len(m)+len(st.cols))
				for k, v := range m {
					nm[k] = v
				}
				for _, c := range st.cols {
					nm[c.name], _ = extendValue(r, c.src)
				}
				rows[i] = &argRow{proj: nm}
			}
		case "order":
			sort.SliceStable(rows, func(i, j int) bool {
				for _, k := range st.order {
					a, b := fmt.Sprint(rows[i].get(k.col)), fmt.Sprint(rows[j].get(k.col))
					if a == b {
						continue
					}
					return (a < b) != k.desc
				}
				return false
			})
		case "limit":
			if len(rows) > st.limit {
				rows = rows[:st.limit]
			}
		case "count":
			rows = []*argRow{{proj: map[string]any{"Count": len(rows)}}}
			idKept = false
		case "summarize":
			counts := map[string]int{}
			var keys []string
			for _, r := range rows {
				k := fmt.Sprint(r.get(st.by))
				if _, ok := counts[k]; !ok {
					keys = append(keys, k)
				}
				counts[k]++
			}
			sort.Strings(keys)
			rows = rows[:0:0]
			name := st.by[strings.LastIndexByte(st.by, '.')+1:]
			for _, k := range keys {
				rows = append(rows, &argRow{proj: map[string]any{name: k, "count_": counts[k]}})
			}
			idKept = false
		}
	}
	return rows, idKept, cols
}

// extendValue evaluates an extend expression: a column path, a string literal, or
// tostring/tolower/toupper of a column path (row nil: only validates).
func extendValue(r *argRow, src string) (any, error) {
	if v, ok := unquote(src); ok {
		return v, nil
	}
	if isPath(src) {
		if r == nil {
			return nil, nil
		}
		return r.get(src), nil
	}
	fn, arg, ok := strings.Cut(src, "(")
	arg = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(arg), ")"))
	fn = strings.ToLower(strings.TrimSpace(fn))
	if !ok || !strings.HasSuffix(src, ")") || !isPath(arg) || (fn != "tostring" && fn != "tolower" && fn != "toupper") {
		return nil, &kqlError{msg: fmt.Sprintf("Unsupported extend expression '%s'.", src), token: src}
	}
	if r == nil {
		return nil, nil
	}
	v := r.get(arg)
	if v == nil {
		return "", nil
	}
	var str string
	if sv, ok := v.(string); ok {
		str = sv
	} else {
		b, _ := json.Marshal(v)
		str = string(b)
	}
	switch fn {
	case "tolower":
		str = strings.ToLower(str)
	case "toupper":
		str = strings.ToUpper(str)
	}
	return str, nil
}

// argTable renders rows as ARG's table result format.
func argTable(cols []string, objs []map[string]any) map[string]any {
	columns := make([]any, 0, len(cols))
	for _, c := range cols {
		typ := "string"
		for _, o := range objs {
			switch o[c].(type) {
			case nil:
				continue
			case bool:
				typ = "boolean"
			case int, int64, float64:
				typ = "integer"
			case map[string]any, []any, []string:
				typ = "object"
			}
			break
		}
		columns = append(columns, map[string]any{"name": c, "type": typ})
	}
	rows := make([]any, 0, len(objs))
	for _, o := range objs {
		row := make([]any, 0, len(cols))
		for _, c := range cols {
			row = append(row, o[c])
		}
		rows = append(rows, row)
	}
	return map[string]any{"columns": columns, "rows": rows}
}

// facets computes ARG facets over the query's rows: count per value of the expression (a
// column path), sorted by count (or the value) and cut to $top (default 10, 1..1000). An
// invalid facet is a FacetError, as ARG reports it, without failing the query.
func (s *Simulator) facets(rows []*argRow, reqs []argFacet, format string) []any {
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
			v := r.get(expr)
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
			data = argTable([]string{name, "count"}, objs)
		}
		out = append(out, map[string]any{"expression": f.Expression, "resultType": "FacetResult", "totalRecords": total, "count": len(objs), "data": data})
	}
	return out
}
