// Package remote is the CLI's client half of the service: a RemoteClient with typed calls for
// every /api/v1 endpoint (API.md), the ExecutionDispatcher that picks local or remote mode,
// and job following with progress.
package remote

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
)

// The response bodies are the service's own wire types (package api) too: one definition,
// no client-side twin (internal/archtest fails if one reappears).
type (
	Job          = api.Job
	Progress     = api.Progress
	JobError     = api.JobError
	JobList      = api.JobList
	Artifact     = api.Artifact
	ArtifactList = api.ArtifactList
	Health       = api.Health
)

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
	api.ErrorDetail
	Status    int    `json:"-"`
	RequestID string `json:"-"`
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

// ErrorCode is the API's error code (errs.CodeOf, so the CLI exits by it); a body that was not
// the API's (a proxy's page) is classified by its HTTP status.
func (e *APIError) ErrorCode() errs.Code {
	for _, c := range errs.Codes {
		if string(c) == e.Code {
			return c
		}
	}
	switch e.Status {
	case http.StatusBadRequest:
		return errs.Invalid
	case http.StatusUnauthorized:
		return errs.Unauthorized
	case http.StatusForbidden:
		return errs.Forbidden
	case http.StatusNotFound:
		return errs.NotFound
	case http.StatusConflict:
		return errs.Conflict
	case http.StatusTooManyRequests:
		return errs.RateLimited
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return errs.Unavailable
	}
	return errs.Internal
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
