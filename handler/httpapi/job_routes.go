package httpapi

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/mux"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/apierr"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/jobs"
)

const retryAfterUnavailable = 10 * time.Second

func (s *server) registerJobRoutes(r *mux.Router) {
	r.Handle("/jobs", s.handle(s.listJobs)).Methods(http.MethodGet)
	r.Handle("/jobs/{id}", s.handle(s.getJob)).Methods(http.MethodGet)
	r.Handle("/jobs/{id}/result", s.handle(s.getResult)).Methods(http.MethodGet)
	r.Handle("/jobs/{id}/artifacts", s.handle(s.listArtifacts)).Methods(http.MethodGet)
	r.Handle("/jobs/{id}/artifacts/{name}", s.handle(s.getArtifact)).Methods(http.MethodGet)
	r.Handle("/jobs/{id}/cancel", s.handle(s.cancelJob)).Methods(http.MethodPost)
}

// JobView is the API's job object (api.Job), built from the stored job by viewOf.
type JobView = api.Job

// ListResponse is GET /jobs (api.JobList).
type ListResponse = api.JobList

// ArtifactView is one entry of GET /jobs/{id}/artifacts (api.Artifact).
type ArtifactView = api.Artifact

func jobURL(id string) string { return "/api/v1/jobs/" + id }

// viewOf is the one conversion from the storage model to the wire form.
func viewOf(j jobs.Job) JobView {
	u := jobURL(j.ID)
	created := j.CreatedAt
	return JobView{ID: j.ID, Type: j.Type, Status: j.Status, Owner: j.Owner, Request: j.Request, Progress: j.Progress,
		Attempts: j.Attempts, Error: j.Error, CreatedAt: &created, StartedAt: j.StartedAt, FinishedAt: j.FinishedAt,
		Links: map[string]string{"self": u, "result": u + "/result", "artifacts": u + "/artifacts"}}
}

// artifactView is the wire form of a stored artifact.
func artifactView(a jobs.Artifact, url string) ArtifactView {
	return ArtifactView{Name: a.Name, Size: a.Size, ContentType: a.ContentType, SHA256: a.SHA256, URL: url}
}

// loadJob returns the caller's job: a user sees only their own (others are 404), an admin all.
func (s *server) loadJob(ctx context.Context, r *http.Request) (jobs.Job, error) {
	id := mux.Vars(r)["id"]
	if !jobs.ValidID(id) {
		return jobs.Job{}, errs.Errorf(errs.NotFound, "job %s not found", id)
	}
	setJobID(r, id)
	p, _ := auth.FromContext(ctx)
	var (
		j   jobs.Job
		err error
	)
	if p.IsAdmin() {
		j, err = s.Backend.Jobs.Find(ctx, id)
	} else {
		j, err = s.Backend.Jobs.Get(ctx, p.Name, id)
	}
	if err != nil {
		return jobs.Job{}, storageError("reading the job", err)
	}
	if err := authorizeTenants(r, jobTenants(j)...); err != nil {
		return jobs.Job{}, err
	}
	return j, nil
}

func (s *server) getJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.loadJob(r.Context(), r)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, viewOf(j))
}

func (s *server) listJobs(w http.ResponseWriter, r *http.Request) error {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return errs.Errorf(errs.Invalid, "malformed query string")
	}
	f := fieldErrors{}
	lq := jobs.ListQuery{Limit: 20, Cursor: q.Get("cursor")}
	for k := range q {
		switch k {
		case "status", "type", "limit", "cursor":
			if len(q[k]) > 1 { // the Functions host would merge them into "a,b": refuse in both hostings
				f[k] = "must be given once"
			}
		default:
			f[k] = "unknown query parameter"
		}
	}
	if v := q.Get("status"); v != "" {
		lq.Status = jobs.Status(v)
		valid := false
		for _, st := range jobs.Statuses {
			valid = valid || st == lq.Status
		}
		if !valid {
			f["status"] = "must be one of queued, running, succeeded, failed, cancelling, cancelled"
		}
	}
	if v := q.Get("type"); v != "" {
		lq.Type = v
		if v != jobs.TypeScan && v != jobs.TypeGenerateIaC && v != jobs.TypeCreateTenant && v != jobs.TypePosture && v != backup.JobTypeBackup && v != backup.JobTypeRestore {
			f["type"] = "must be one of scan, generate-iac, create-tenant, posture, backup, restore"
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			f["limit"] = "must be an integer from 1 to 100"
		}
		lq.Limit = n
	}
	if err := f.err(); err != nil {
		return err
	}
	p, _ := auth.FromContext(r.Context())
	if !p.IsAdmin() {
		lq.Owner = p.Name
	}
	list, next, err := s.Backend.Jobs.List(r.Context(), lq)
	if err != nil {
		return storageError("listing jobs", err)
	}
	out := ListResponse{Jobs: make([]JobView, 0, len(list)), NextCursor: next}
	for _, j := range list {
		if mayReadJob(p, j) { // a key whose scope was narrowed no longer sees the other tenants' jobs
			out.Jobs = append(out.Jobs, viewOf(j))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) getResult(w http.ResponseWriter, r *http.Request) error {
	j, err := s.loadJob(r.Context(), r)
	if err != nil {
		return err
	}
	if !j.Status.Terminal() {
		return errs.Errorf(apierr.JobNotFinished, "job %s is %s; its result is not ready", j.ID, j.Status).
			WithDetails(map[string]any{"status": string(j.Status)})
	}
	if len(j.Result) == 0 {
		d := map[string]any{"status": string(j.Status)}
		if j.Error != nil {
			d["error"] = j.Error
		}
		return errs.Errorf(errs.Conflict, "job %s %s without a result", j.ID, j.Status).WithDetails(d)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(j.Result)
	return nil
}

func (s *server) listArtifacts(w http.ResponseWriter, r *http.Request) error {
	j, err := s.loadJob(r.Context(), r)
	if err != nil {
		return err
	}
	list, err := s.Backend.Artifacts.List(r.Context(), j.ID)
	if err != nil {
		return storageError("listing artifacts", err)
	}
	out := api.ArtifactList{Artifacts: make([]ArtifactView, 0, len(list))}
	for _, a := range list {
		out.Artifacts = append(out.Artifacts, artifactView(a, jobURL(j.ID)+"/artifacts/"+url.PathEscape(a.Name)))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (s *server) getArtifact(w http.ResponseWriter, r *http.Request) error {
	j, err := s.loadJob(r.Context(), r)
	if err != nil {
		return err
	}
	name := mux.Vars(r)["name"]
	if done, err := s.redirectArtifact(w, r, j.ID, name); done || err != nil {
		return err
	}
	a, rc, err := s.Backend.Artifacts.Open(r.Context(), j.ID, name)
	if err != nil {
		return storageError("opening the artifact", err)
	}
	defer rc.Close()
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.FormatInt(a.Size, 10))
	w.Header().Set("Content-Disposition", `attachment; filename="`+a.Name+`"`)
	w.Header().Set("X-Content-SHA256", a.SHA256)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		// Headers are gone; the client sees a short body (Content-Length) and the log says why.
		s.Logger.Warn("artifact download interrupted", "request_id", requestIDFrom(r.Context()), "job_id", j.ID, "err", err)
	}
	return nil
}

func (s *server) cancelJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.loadJob(r.Context(), r)
	if err != nil {
		return err
	}
	j, err = s.Backend.Jobs.Update(r.Context(), j.Owner, j.ID, func(j *jobs.Job) error {
		switch j.Status {
		case jobs.Queued: // nothing runs yet: the worker will see it cancelled and skip it
			return j.Transition(jobs.Cancelled, s.Now())
		case jobs.Running:
			return j.Transition(jobs.Cancelling, s.Now())
		case jobs.Cancelling:
			return jobs.ErrNoChange
		default:
			return errs.Errorf(errs.Conflict, "job %s is already %s", j.ID, j.Status).
				WithDetails(map[string]any{"status": string(j.Status)})
		}
	})
	if err != nil {
		return storageError("cancelling the job", err)
	}
	return writeJSON(w, http.StatusAccepted, viewOf(j))
}
