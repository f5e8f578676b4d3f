package worker

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"

	"github.com/atg-go/atg/handler/jobs"
)

// JobContext is what an executor gets for one invocation.
type JobContext struct {
	Job     jobs.Job        // the job as stored (Request is the validated request)
	Request json.RawMessage // same as Job.Request
	Logger  *slog.Logger
	// Progress reports progress; writes are throttled (about one per second per job).
	Progress func(jobs.Progress)
	// PutArtifact stores an artifact of the job.
	PutArtifact func(ctx context.Context, name, contentType string, r io.Reader) (jobs.Artifact, error)
	// CreateArtifact stores data unless the artifact exists and returns the stored bytes (see
	// jobs.ArtifactStore.Create): results that a redelivered or concurrent step may compute
	// again are written once, and everyone uses the stored copy.
	CreateArtifact func(ctx context.Context, name, contentType string, data []byte) (jobs.Artifact, []byte, error)
}

// Runner executes a whole job in one invocation (generate-iac, create-tenant).
type Runner interface {
	Run(ctx context.Context, jc *JobContext) (result json.RawMessage, err error)
}

// Sharded executes a job as a plan, shards that run as separate queue messages, and a
// finalize step run by whichever invocation completes the last shard (scan). Every step
// must be idempotent: messages can be delivered more than once.
type Sharded interface {
	// Plan returns the plan (persisted, passed back to the other steps) and the shard ids.
	Plan(ctx context.Context, jc *JobContext) (plan json.RawMessage, shards []string, err error)
	// RunShard runs one shard; counts (e.g. resources) feed the job's progress.
	RunShard(ctx context.Context, jc *JobContext, plan json.RawMessage, shard string) (result json.RawMessage, counts map[string]int, err error)
	// Finalize combines the shard results (in plan order) into the job result.
	Finalize(ctx context.Context, jc *JobContext, plan json.RawMessage, results []json.RawMessage) (json.RawMessage, error)
}

// Registry maps job types to executors. The API answers 501 for a type with none.
type Registry struct {
	mu      sync.RWMutex
	runners map[string]Runner
	sharded map[string]Sharded
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{runners: map[string]Runner{}, sharded: map[string]Sharded{}}
}

// RegisterRunner registers a single-invocation executor for typ.
func (r *Registry) RegisterRunner(typ string, e Runner) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runners[typ] = e
	delete(r.sharded, typ)
}

// RegisterSharded registers a fan-out executor for typ.
func (r *Registry) RegisterSharded(typ string, e Sharded) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sharded[typ] = e
	delete(r.runners, typ)
}

// Has reports whether typ can run.
func (r *Registry) Has(typ string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.runners[typ] != nil || r.sharded[typ] != nil
}

func (r *Registry) get(typ string) (Runner, Sharded) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.runners[typ], r.sharded[typ]
}
