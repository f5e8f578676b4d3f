package handler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/jobs"
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

// JobTypeRestore is the job type of a restore from backups.
const JobTypeRestore = "restore"

// RestoreRequest is the request of a restore job.
type RestoreRequest struct {
	// TenantIDs to restore, each from its newest backup; empty (and no Backups): every tenant
	// that has a backup.
	TenantIDs []string `json:"tenant_ids,omitempty"`
	// Backups names exact backups ("<tenant>/<file>.json.gz", as GET /admin/backups lists them).
	Backups []string `json:"backups,omitempty"`
	// Replace deletes a tenant's current graph first; without it non-empty tenants are skipped.
	Replace bool `json:"replace,omitempty"`
}

// Validate normalises the tenant ids and checks backup names.
func (r *RestoreRequest) Validate() error {
	b := BackupRequest{TenantIDs: r.TenantIDs}
	err := b.Validate()
	r.TenantIDs = b.TenantIDs
	f := fieldErrors{}
	if len(r.Backups) > maxListItems {
		f["backups"] = fmt.Sprintf("at most %d items", maxListItems)
	}
	for i, n := range r.Backups {
		t, _, ok := ParseBackupName(n)
		if !ok || strings.Contains(n, "..") {
			f[fmt.Sprintf("backups[%d]", i)] = "must be <tenant>/<yyyymmdd>T<hhmmss>Z.json.gz"
			continue
		}
		if slices.Contains(r.TenantIDs, t) {
			f[fmt.Sprintf("backups[%d]", i)] = "names a tenant also in tenant_ids"
		}
	}
	if err != nil {
		return err
	}
	return f.err()
}

// RestoredTenant is one tenant of a restore job's result.
type RestoredTenant struct {
	TenantID string `json:"tenant_id"`
	Backup   string `json:"backup"`
	Nodes    int    `json:"nodes"`
	Edges    int    `json:"edges"`
	// Expected counts are the backup's (its metadata): equal to Nodes/Edges on a good restore.
	ExpectedNodes int    `json:"expected_nodes"`
	ExpectedEdges int    `json:"expected_edges"`
	Skipped       string `json:"skipped,omitempty"` // why nothing was restored
}

// RestoreResult is the result of a restore job.
type RestoreResult struct {
	Tenants []RestoredTenant `json:"tenants"`
}

// RestoreExecutor runs restore jobs.
type RestoreExecutor struct {
	Graph  graph.Store
	Store  BackupStore
	Logger *slog.Logger
}

// Run implements Runner.
func (x *RestoreExecutor) Run(ctx context.Context, jc *JobContext) (json.RawMessage, error) {
	var req RestoreRequest
	if err := json.Unmarshal(jc.Request, &req); err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "stored restore request is unreadable")
	}
	res, err := restoreBackups(ctx, x.Graph, x.Store, req, jc.Progress, x.Logger)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// restoreBackups restores what req selects (see RestoreRequest).
func restoreBackups(ctx context.Context, g graph.Store, st BackupStore, req RestoreRequest, progress func(jobs.Progress), log *slog.Logger) (RestoreResult, error) {
	res := RestoreResult{Tenants: []RestoredTenant{}}
	all, err := st.List(ctx, "")
	if err != nil {
		return res, storageError("listing backups", err)
	}
	newest := map[string]Backup{} // List is by tenant then time: the last one wins
	byName := map[string]Backup{}
	for _, b := range all {
		newest[b.TenantID] = b
		byName[b.Name] = b
	}
	var plan []Backup
	for _, n := range req.Backups {
		b, ok := byName[n]
		if !ok {
			return res, errs.Errorf(errs.NotFound, "no backup %s", n)
		}
		plan = append(plan, b)
	}
	tenants := req.TenantIDs
	if len(tenants) == 0 && len(req.Backups) == 0 {
		for t := range newest {
			tenants = append(tenants, t)
		}
		slices.Sort(tenants)
	}
	for _, t := range tenants {
		b, ok := newest[t]
		if !ok {
			return res, errs.Errorf(errs.NotFound, "no backup of tenant %s", t)
		}
		plan = append(plan, b)
	}
	for i, b := range plan {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if progress != nil {
			progress(jobs.Progress{Percent: 5 + 90*i/max(len(plan), 1), Phase: "restore",
				Message: fmt.Sprintf("tenant %d/%d", i+1, len(plan)), Counts: map[string]int{"tenants_done": i, "tenants_total": len(plan)}})
		}
		rt := RestoredTenant{TenantID: b.TenantID, Backup: b.Name, ExpectedNodes: b.Nodes, ExpectedEdges: b.Edges}
		ir, err := Restore(ctx, g, st, b.Name, b.TenantID, req.Replace)
		switch {
		case errors.Is(err, graph.ErrTenantNotEmpty):
			rt.Skipped = "the tenant already has a graph (restore with replace to overwrite it)"
		case err != nil:
			return res, fmt.Errorf("restoring %s from %s: %w", b.TenantID, b.Name, err)
		default:
			rt.Nodes, rt.Edges = ir.Nodes, ir.Edges
		}
		if log != nil {
			log.Info("graph restored from backup", "tenant_id", b.TenantID, "backup", b.Name, "nodes", rt.Nodes, "edges", rt.Edges, "skipped", rt.Skipped != "")
		}
		res.Tenants = append(res.Tenants, rt)
	}
	return res, nil
}

func (s *server) submitRestore(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireExecutor(JobTypeRestore); err != nil {
		return err
	}
	var req RestoreRequest
	if r.ContentLength != 0 { // no body: every tenant from its newest backup
		if err := decodeJSON(w, r, MaxBodyBytes, &req); err != nil {
			return err
		}
	}
	if err := req.Validate(); err != nil {
		return err
	}
	return s.submit(w, r, JobTypeRestore, req)
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
