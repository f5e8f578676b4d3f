package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/jobs"
)

// Tenant scopes: a key acts only on the tenants of its entry (auth.Principal.MayAccess). A
// user key may scan, generate from, use as create-tenant source or target, and read the jobs
// of those tenants only; an admin key (scope "*", or an entry from before scopes) all of them.

// requireScope refuses a user key whose entry has no tenant scope.
func requireScope(p auth.Principal) error {
	if !p.Scoped() {
		return auth.ErrUnscoped(p.Name)
	}
	return nil
}

// authorizeTenants checks the caller may act on every tenant given ("" is skipped) and
// records them on the audit line. The refusal names the first tenant out of scope.
func authorizeTenants(r *http.Request, tenants ...string) error {
	p, _ := auth.FromContext(r.Context())
	var seen []string
	for _, t := range tenants {
		if t == "" {
			continue
		}
		seen = append(seen, strings.ToLower(t))
	}
	if a := auditFrom(r.Context()); a != nil && len(seen) > 0 {
		a.tenant = strings.Join(seen, ",")
	}
	for _, t := range seen {
		if !p.MayAccess(t) {
			return errs.Errorf(errs.Forbidden, "API key %s may not act on tenant %s (not in its tenant scope)", p.Name, t).
				WithDetails(map[string]any{"tenant": t})
		}
	}
	return nil
}

// jobTenants are the tenants a job acts on, from its stored request.
func jobTenants(j jobs.Job) []string {
	var req struct {
		TenantID       string `json:"tenant_id"`
		SourceTenantID string `json:"source_tenant_id"`
		Target         *struct {
			TenantID string `json:"tenant_id"`
		} `json:"target"`
	}
	if len(j.Request) == 0 || json.Unmarshal(j.Request, &req) != nil {
		return nil
	}
	out := []string{req.TenantID, req.SourceTenantID}
	if req.Target != nil && j.Type == jobs.TypeCreateTenant {
		out = append(out, req.Target.TenantID)
	}
	return out
}

// mayReadJob reports whether the caller's scope covers every tenant of j.
func mayReadJob(p auth.Principal, j jobs.Job) bool {
	for _, t := range jobTenants(j) {
		if t != "" && !p.MayAccess(t) {
			return false
		}
	}
	return true
}
