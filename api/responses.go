package api

import (
	"encoding/json"
	"time"
)

// The response bodies of API v1 (docs/design/API.md): the service renders them, the CLI's
// RemoteClient decodes them. There is one definition of each; the service's storage model
// (handler/jobs) converts to them and never doubles as the wire format.

// JobStatus is a job's lifecycle state.
type JobStatus string

// Job statuses.
const (
	JobQueued     JobStatus = "queued"
	JobRunning    JobStatus = "running"
	JobSucceeded  JobStatus = "succeeded"
	JobFailed     JobStatus = "failed"
	JobCancelling JobStatus = "cancelling"
	JobCancelled  JobStatus = "cancelled"
)

// Terminal reports whether s is a final status.
func (s JobStatus) Terminal() bool { return s == JobSucceeded || s == JobFailed || s == JobCancelled }

// Job is the API's job object (GET /jobs/{id}, the 202 of a submit, the items of GET /jobs).
type Job struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	Status     JobStatus         `json:"status"`
	Owner      string            `json:"owner,omitempty"`
	Request    json.RawMessage   `json:"request,omitempty"`
	Progress   *Progress         `json:"progress,omitempty"`
	Attempts   int               `json:"attempts"`
	Error      *JobError         `json:"error,omitempty"`
	CreatedAt  *time.Time        `json:"created_at,omitempty"`
	StartedAt  *time.Time        `json:"started_at,omitempty"`
	FinishedAt *time.Time        `json:"finished_at,omitempty"`
	Links      map[string]string `json:"links,omitempty"`
}

// Finished reports whether the job reached a final status.
func (j Job) Finished() bool { return j.Status.Terminal() }

// Progress is a job's progress report.
type Progress struct {
	Percent int            `json:"percent"`
	Phase   string         `json:"phase,omitempty"`
	Message string         `json:"message,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"`
}

// JobError is a failed job's error (safe to show to its owner).
type JobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// JobList is GET /jobs.
type JobList struct {
	Jobs       []Job  `json:"jobs"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Artifact is one entry of GET /jobs/{id}/artifacts.
type Artifact struct {
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url,omitempty"`
}

// ArtifactList is GET /jobs/{id}/artifacts.
type ArtifactList struct {
	Artifacts []Artifact `json:"artifacts"`
}

// Health is GET /health.
type Health struct {
	Status      string            `json:"status"` // ok | degraded | unavailable
	Version     string            `json:"version"`
	Environment string            `json:"environment"`
	Checks      map[string]string `json:"checks"`
	// Warnings say why the status is degraded (no secrets, no entries).
	Warnings []string `json:"warnings,omitempty"`
	// Error is set with 503, so the body is also a valid API error document.
	Error *ErrorDetail `json:"error,omitempty"`
}

// ErrorBody is every error response: {"error": {"code", "message", "details"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inner object of ErrorBody.
type ErrorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}
