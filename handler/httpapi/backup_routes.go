package httpapi

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/backup"
)

// Admin endpoints for graph backups (additive to API.md; admin keys only, 403 for others):
//
//	POST /api/v1/admin/backups                      {"tenant_ids": [...]} (optional) -> 202 backup job
//	GET  /api/v1/admin/backups?tenant_id=T          -> 200 {"backups": [...], "container", "retention_days"}
//	GET  /api/v1/admin/backups/{tenant}/{file}      -> 200 the .json.gz, streamed
func (s *server) registerBackupRoutes(r *mux.Router) {
	r.Handle("/admin/backups", s.handle(s.admin(s.submitBackup))).Methods(http.MethodPost)
	r.Handle("/admin/backups", s.handle(s.admin(s.listBackups))).Methods(http.MethodGet)
	r.Handle("/admin/backups/{tenant}/{file}", s.handle(s.admin(s.getBackup))).Methods(http.MethodGet)
}

// admin lets only admin keys through.
func (s *server) admin(next handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if p, ok := auth.FromContext(r.Context()); !ok || !p.IsAdmin() {
			return errs.Errorf(errs.Forbidden, "this endpoint needs an admin key")
		}
		return next(w, r)
	}
}

func (s *server) submitBackup(w http.ResponseWriter, r *http.Request) error {
	if err := s.requireExecutor(backup.JobTypeBackup); err != nil {
		return err
	}
	var req backup.BackupRequest
	if r.ContentLength != 0 { // no body: every tenant
		if err := decodeJSON(w, r, MaxBodyBytes, &req); err != nil {
			return err
		}
	}
	if err := req.Validate(); err != nil {
		return err
	}
	req.Trigger = "api"
	return s.submit(w, r, backup.JobTypeBackup, req)
}

// BackupList is GET /admin/backups.
type BackupList struct {
	Backups       []backup.Backup `json:"backups"`
	Container     string          `json:"container"`
	RetentionDays int             `json:"retention_days"`
}

func (s *server) backups() (backup.BackupStore, error) {
	if s.Backups == nil {
		return nil, errs.Errorf(errs.NotImplemented, "backups are not configured in this service")
	}
	return s.Backups, nil
}

func (s *server) listBackups(w http.ResponseWriter, r *http.Request) error {
	st, err := s.backups()
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if len(q["tenant_id"]) > 1 { // the Functions host would merge them into "a,b"
		return errs.InvalidFields(map[string]string{"tenant_id": "must be given once"})
	}
	tenant := q.Get("tenant_id")
	if tenant != "" {
		if tenant, err = api.CheckTenantID(tenant); err != nil {
			return errs.InvalidFields(map[string]string{"tenant_id": "must be a tenant id"})
		}
	}
	list, err := st.List(r.Context(), tenant)
	if err != nil {
		return storageError("listing backups", err)
	}
	return writeJSON(w, http.StatusOK, BackupList{Backups: list, Container: s.BackupsContainer, RetentionDays: s.BackupRetentionDays})
}

func (s *server) getBackup(w http.ResponseWriter, r *http.Request) error {
	st, err := s.backups()
	if err != nil {
		return err
	}
	v := mux.Vars(r)
	tenant, err := api.CheckTenantID(v["tenant"])
	if err != nil {
		return errs.Errorf(errs.NotFound, "backup not found")
	}
	if err := authorizeTenants(r, tenant); err != nil { // an admin key scoped to some tenants
		return err
	}
	name := backup.TenantDir(tenant) + "/" + v["file"]
	if done, err := s.redirectBackup(w, r, st, name); done || err != nil {
		return err
	}
	b, rc, err := st.Open(r.Context(), name)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return err
		}
		return storageError("reading the backup", err)
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+v["file"]+`"`)
	if b.Size > 0 {
		w.Header().Set("Content-Length", strconv.FormatInt(b.Size, 10))
	}
	if b.SHA256 != "" {
		w.Header().Set("X-Content-SHA256", b.SHA256)
	}
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil && !errors.Is(err, r.Context().Err()) {
		s.Logger.Warn("streaming backup", "request_id", requestIDFrom(r.Context()), "blob", name, "err", err)
	}
	return nil
}
