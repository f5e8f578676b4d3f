// Package remote is the CLI's client half of the service: a RemoteClient with typed calls for
// every /api/v1 endpoint (API.md), the ExecutionDispatcher that picks local or remote mode,
// and job following with progress.
package remote

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/atg-go/atg/api"
)

// Job is the API's job object.
type Job struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	Status     string            `json:"status"`
	CreatedAt  *time.Time        `json:"created_at,omitempty"`
	StartedAt  *time.Time        `json:"started_at,omitempty"`
	FinishedAt *time.Time        `json:"finished_at,omitempty"`
	Owner      string            `json:"owner,omitempty"`
	Request    json.RawMessage   `json:"request,omitempty"`
	Progress   *Progress         `json:"progress,omitempty"`
	Attempts   int               `json:"attempts,omitempty"`
	Error      *JobError         `json:"error,omitempty"`
	Links      map[string]string `json:"links,omitempty"`
}

// Progress is a job's progress report.
type Progress struct {
	Percent int            `json:"percent"`
	Phase   string         `json:"phase,omitempty"`
	Message string         `json:"message,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"`
}

// JobError is a failed job's error.
type JobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Finished reports whether the job reached a final status.
func (j Job) Finished() bool {
	switch j.Status {
	case "succeeded", "failed", "cancelled":
		return true
	}
	return false
}

// JobList is GET /jobs.
type JobList struct {
	Jobs       []Job  `json:"jobs"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Artifact describes one job artifact.
type Artifact struct {
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
	URL         string `json:"url,omitempty"`
}

// Health is GET /health.
type Health struct {
	Status      string            `json:"status"`
	Version     string            `json:"version"`
	Environment string            `json:"environment"`
	Checks      map[string]string `json:"checks"`
}

// The request bodies are the service's own wire types (package api), so client and service
// cannot drift apart; Validate() on them gives the service's field-level checks before sending.
type (
	ScanRequest         = api.ScanRequest
	Target              = api.Target
	GenerateIaCRequest  = api.GenerateIaCRequest
	CreateTenantRequest = api.CreateTenantRequest
	PostureRequest      = api.PostureRequest
)

// ListOptions filters GET /jobs.
type ListOptions struct {
	Status string
	Type   string
	Limit  int
	Cursor string
}

// APIError is an error response of the API, in its JSON shape.
type APIError struct {
	Status    int            `json:"-"`
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	Details   map[string]any `json:"details,omitempty"`
	RequestID string         `json:"-"`
	// KeySource is where the client's key came from (set by the client for hints).
	KeySource string `json:"-"`
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Code, e.Message)
	if len(e.Details) > 0 {
		if d, err := json.Marshal(e.Details); err == nil {
			fmt.Fprintf(&b, " %s", d)
		}
	}
	if h := e.Hint(); h != "" {
		fmt.Fprintf(&b, " (%s)", h)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", e.RequestID)
	}
	return b.String()
}

// Hint suggests what to do about common errors.
func (e *APIError) Hint() string {
	switch e.Code {
	case "unauthorized":
		if e.KeySource != "" {
			return "check the API key from " + e.KeySource + ": it must be a current key of this service's environment"
		}
		return "check the API key: ATG_API_KEY, --api-key-file or the profile's key source, and that it is for this environment"
	case "not_found":
		return "the job does not exist or belongs to another key"
	case "rate_limited":
		return "slow down; the client retries automatically"
	case "job_not_finished":
		return "wait for it with `atg jobs wait ID`"
	case "unavailable":
		return "a dependency of the service is down; try again shortly"
	}
	return ""
}
