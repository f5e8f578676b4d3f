package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/jobs"
)

// registerSubmitRoutes: one row per job type — body limit, the tenants the request acts on
// (checked against the key's scope), and any check beyond the fields' own validation.
func (s *server) registerSubmitRoutes(r *mux.Router) {
	one := func(t string) []string { return []string{t} }
	r.Handle("/scan", s.handle(submitRoute(s, jobs.TypeScan, MaxBodyBytes,
		func(q *ScanRequest) []string { return one(q.TenantID) }, nil))).Methods(http.MethodPost)
	r.Handle("/generate-iac", s.handle(submitRoute(s, jobs.TypeGenerateIaC, MaxBodyBytes,
		func(q *GenerateIaCRequest) []string { return one(q.TenantID) }, nil))).Methods(http.MethodPost)
	r.Handle("/create-tenant", s.handle(submitRoute(s, jobs.TypeCreateTenant, MaxSpecBytes,
		func(q *CreateTenantRequest) []string {
			target := ""
			if q.Target != nil {
				target = q.Target.TenantID
			}
			return []string{q.SourceTenantID, target}
		},
		func(r *http.Request, q *CreateTenantRequest) error {
			if s.CheckSpec == nil {
				return nil
			}
			return s.CheckSpec(r.Context(), q)
		}))).Methods(http.MethodPost)
	r.Handle("/posture", s.handle(submitRoute(s, jobs.TypePosture, MaxBodyBytes,
		func(q *PostureRequest) []string { return one(q.TenantID) }, nil))).Methods(http.MethodPost)
}

func (s *server) requireExecutor(typ string) error {
	if !s.Executors.Has(typ) {
		return errs.Errorf(errs.NotImplemented, "%s jobs are not available in this service yet", typ)
	}
	return nil
}

// submitRoute is every submit endpoint: an executor for the type must exist (501), the body is
// decoded within limit and validated (400), the key must reach every tenant it names (403),
// check runs last (the create-tenant spec gate), then the job is created and queued (202).
func submitRoute[T any, P interface {
	*T
	Validate() error
}](s *server, typ string, limit int64, tenants func(P) []string, check func(*http.Request, P) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.requireExecutor(typ); err != nil {
			return err
		}
		req := P(new(T))
		if err := decodeJSON(w, r, limit, req); err != nil {
			return err
		}
		if err := validate(req); err != nil {
			return err
		}
		if err := authorizeTenants(r, tenants(req)...); err != nil {
			return err
		}
		if check != nil {
			if err := check(r, req); err != nil {
				return err
			}
		}
		return s.submit(w, r, typ, *req)
	}
}

func validIdempotencyKey(k string) bool {
	if len(k) == 0 || len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x21 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

// submit creates the job for a validated request and enqueues its start message, honouring
// Idempotency-Key: the same key and body within 24 h return the same job; another body is 409.
func (s *server) submit(w http.ResponseWriter, r *http.Request, typ string, req any) error {
	ctx := withFreshDeadline(r.Context()) // reading and checking the request is not storage time
	p, _ := auth.FromContext(ctx)
	body, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("encoding validated request: %w", err)
	}
	now := s.Now().UTC()
	job := jobs.Job{ID: jobs.NewID(now), Type: typ, Status: jobs.Queued, Owner: p.Name, Request: body, CreatedAt: now}

	idemKey := r.Header.Get("Idempotency-Key")
	if idemKey != "" {
		if !validIdempotencyKey(idemKey) {
			return errs.InvalidFields(map[string]string{"Idempotency-Key": "must be 1-255 visible ASCII characters"})
		}
		sum := sha256.Sum256(append([]byte(typ+"\n"), body...))
		hash := hex.EncodeToString(sum[:])
		existing, claimed, err := s.Backend.Idempotency.Claim(ctx, p.Name, idemKey,
			jobs.IdempotencyRecord{BodyHash: hash, JobID: job.ID, CreatedAt: now})
		if err != nil {
			return storageError("claiming the Idempotency-Key", err)
		}
		if !claimed {
			if existing.BodyHash != hash {
				return errs.Errorf(errs.Conflict, "Idempotency-Key was already used with a different request")
			}
			prev, err := s.Backend.Jobs.Get(ctx, p.Name, existing.JobID)
			if errs.Is(err, errs.NotFound) {
				return errs.Errorf(errs.Conflict, "a request with this Idempotency-Key is still being processed; retry shortly")
			}
			if err != nil {
				return err
			}
			setJobID(r, prev.ID)
			w.Header().Set("Idempotent-Replayed", "true")
			w.Header().Set("Location", jobURL(prev.ID))
			return writeJSON(w, http.StatusAccepted, viewOf(prev))
		}
	}
	release := func() {
		if idemKey != "" {
			if err := s.Backend.Idempotency.Release(ctx, p.Name, idemKey); err != nil {
				s.Logger.Warn("releasing idempotency key", "request_id", requestIDFrom(ctx), "err", err)
			}
		}
	}
	if err := s.checkActiveJobs(ctx, p.Name); err != nil {
		release()
		return err
	}
	if err := s.Backend.Jobs.Create(ctx, job); err != nil {
		release()
		return storageError("creating the job", err)
	}
	setJobID(r, job.ID)
	if err := s.Backend.Queue.Enqueue(ctx, jobs.Message{JobID: job.ID, Owner: job.Owner, Type: typ, Kind: jobs.KindStart}); err != nil {
		// The job exists but nothing will run it: fail it visibly, free the key, ask to retry.
		release()
		_, uerr := s.Backend.Jobs.Update(ctx, job.Owner, job.ID, func(j *jobs.Job) error {
			j.Error = &jobs.JobError{Code: string(errs.Unavailable), Message: "the job could not be queued"}
			return j.Transition(jobs.Failed, s.Now())
		})
		return &errs.Error{Code: errs.Unavailable, Message: "the job queue is unavailable; retry later",
			RetryAfter: retryAfterUnavailable, Err: errors.Join(err, uerr)}
	}
	w.Header().Set("Location", jobURL(job.ID))
	return writeJSON(w, http.StatusAccepted, viewOf(job))
}

// storageError keeps application errors and turns storage failures into 503s.
func storageError(doing string, err error) error {
	var ae *errs.Error
	if errors.As(err, &ae) {
		return err
	}
	return &errs.Error{Code: errs.Unavailable, Message: "storage is unavailable while " + doing + "; retry later",
		RetryAfter: retryAfterUnavailable, Err: err}
}
