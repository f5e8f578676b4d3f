// Package jobs holds the service's job model and its storage: JobStore on Table Storage,
// JobQueue on Storage Queue, ArtifactStore and internal blobs on Blob Storage, the
// Idempotency-Key records, plus in-memory twins of each for unit tests.
//
// Layout in Table Storage (table `<prefix>jobs`): PartitionKey = owner (the API key name),
// RowKey = job id. A user's GET and list are point reads / single-partition queries, and
// isolation holds by construction (another owner's job is simply not in the partition).
// Admin reads use a cross-partition query (rare). Job ids embed an inverted timestamp, so
// RowKey order — the order lists come back in — is newest first.
// Queue messages carry owner and job id, so workers do point reads too.
package jobs

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
)

// Status is a job's lifecycle state (the API's JobStatus: one set of values everywhere).
type Status = api.JobStatus

// Statuses.
const (
	Queued     = api.JobQueued
	Running    = api.JobRunning
	Succeeded  = api.JobSucceeded
	Failed     = api.JobFailed
	Cancelling = api.JobCancelling
	Cancelled  = api.JobCancelled
)

// Statuses lists every status.
var Statuses = []Status{Queued, Running, Succeeded, Failed, Cancelling, Cancelled}

var transitions = map[Status][]Status{
	Queued:     {Running, Cancelled, Failed, Cancelling},
	Running:    {Running, Succeeded, Failed, Cancelling, Cancelled},
	Cancelling: {Cancelled, Failed, Succeeded, Cancelling},
}

// CanTransition reports whether from -> to is allowed.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Job types.
const (
	TypeScan         = "scan"
	TypeGenerateIaC  = "generate-iac"
	TypeCreateTenant = "create-tenant"
	TypePosture      = "posture"
)

// Progress is what a running job reports (stored as the API's progress object).
type Progress = api.Progress

// JobError is a job's failure reason (safe to show to its owner; the API's error object).
type JobError = api.JobError

// Job is one stored job: the storage model (api.Job is its wire form, built by the handler).
type Job struct {
	ID         string
	Type       string
	Status     Status
	Owner      string
	Request    json.RawMessage
	Progress   *Progress
	Attempts   int
	Error      *JobError
	CreatedAt  time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time

	Result      json.RawMessage
	LastError   *JobError // error of the latest failed attempt (for poison handling)
	ShardsTotal int
	// Finalizer is the shard whose invocation claimed the finalize step (a scan's last step runs
	// once: a concurrent last shard sees the claim and leaves; a redelivery of the claiming
	// shard's message takes it up again).
	Finalizer string
	ETag      string
}

// Transition moves j to status to at now, validating the move and stamping times.
func (j *Job) Transition(to Status, now time.Time) error {
	if !CanTransition(j.Status, to) {
		return errs.Errorf(errs.Conflict, "job %s is %s and cannot become %s", j.ID, j.Status, to)
	}
	if to == Running && j.StartedAt == nil {
		t := now.UTC()
		j.StartedAt = &t
	}
	if to.Terminal() {
		t := now.UTC()
		j.FinishedAt = &t
	}
	j.Status = to
	return nil
}

// NewID returns a new job id, `job_` + a ULID whose time part is inverted so that ids sort
// newest first.
func NewID(now time.Time) string {
	ms := uint64(now.UnixMilli())
	inv := ulid.MaxTime() - ms
	if ms > ulid.MaxTime() {
		inv = 0
	}
	id, err := ulid.New(inv, rand.Reader)
	if err != nil { // crypto/rand does not fail on supported platforms
		return fmt.Sprintf("job_%d", math.MaxInt64-now.UnixNano())
	}
	return "job_" + id.String()
}

// ValidID reports whether id has the shape NewID produces (so junk never reaches storage).
func ValidID(id string) bool {
	if len(id) != 30 || id[:4] != "job_" {
		return false
	}
	_, err := ulid.ParseStrict(id[4:])
	return err == nil
}

// ListQuery filters a job listing.
type ListQuery struct {
	Owner  string // "" = every owner (admin)
	Status Status // "" = any
	Type   string // "" = any
	Limit  int    // 1..100
	Cursor string // opaque, from a previous page
}
