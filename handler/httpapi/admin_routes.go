package httpapi

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/backup"
)

// Restoring graphs from backups, and the read-only key listing — admin endpoints additive to
// API.md (admin keys only, 403 for others):
//
//	POST /api/v1/admin/restores  {"tenant_ids": [...], "backups": ["<tenant>/<file>"], "replace": false}
//	                             -> 202 restore job: each tenant from its newest backup (or the named one)
//	GET  /api/v1/admin/keys      -> 200 {"keys": [{name, role, fingerprint}], "status", "entries"}
//
// A restore is what brings the graph back after Neo4j lost its local disk (docs/operations.md,
// "Neo4j durability"): `atg admin backups restore --all` on an empty store. Without replace a
// tenant that already has a graph is skipped (listed in the result), so a rerun after a partial
// failure needs replace for the tenant it stopped in.
func (s *server) registerAdminRoutes(r *mux.Router) {
	r.Handle("/admin/restores", s.handle(s.admin(s.submitRestore))).Methods(http.MethodPost)
	r.Handle("/admin/keys", s.handle(s.admin(s.listKeys))).Methods(http.MethodGet)
}

func (s *server) submitRestore(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireExecutor(backup.JobTypeRestore); err != nil {
		return err
	}
	var req backup.RestoreRequest
	if r.ContentLength != 0 { // no body: every tenant from its newest backup
		if err := decodeJSON(w, r, MaxBodyBytes, &req); err != nil {
			return err
		}
	}
	if err := req.Validate(); err != nil {
		return err
	}
	return s.submit(w, r, backup.JobTypeRestore, req)
}

// KeyInfo is one configured key entry as admins see it: never the key, never the full hash.
type KeyInfo struct {
	Name string `json:"name"`
	Role string `json:"role"`
	// Fingerprint is the first 12 hex digits of the entry's SHA-256 (tells two keys of one
	// owner apart; useless to authenticate).
	Fingerprint string `json:"fingerprint"`
	// Scopes are the tenants the key may act on ("*": all tenants; empty: an unscoped entry).
	Scopes []string `json:"scopes,omitempty"`
}

// KeyList is GET /admin/keys.
type KeyList struct {
	Keys     []KeyInfo `json:"keys"`
	Status   string    `json:"status"` // as /health's checks.api_keys
	Warnings []string  `json:"warnings,omitempty"`
}

func (s *server) listKeys(w http.ResponseWriter, r *http.Request) error {
	if s.Keys == nil {
		return errs.Errorf(errs.NotImplemented, "key listing is not configured in this service")
	}
	st := s.Keys.State()
	out := KeyList{Keys: []KeyInfo{}, Status: st.Status}
	if st.Reason != "" {
		out.Warnings = []string{st.Reason}
	}
	for _, e := range s.Keys.Entries() {
		out.Keys = append(out.Keys, KeyInfo{Name: e.Name, Role: string(e.Role), Fingerprint: fingerprint(e), Scopes: e.Tenants})
	}
	return writeJSON(w, http.StatusOK, out)
}
