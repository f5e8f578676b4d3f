package jobs

import (
	"context"
	"errors"
	"io"
	"time"
)

// Store persists jobs.
type Store interface {
	// Create inserts a new job (conflict if the id exists).
	Create(ctx context.Context, j Job) error
	// Get returns owner's job id (not_found otherwise).
	Get(ctx context.Context, owner, id string) (Job, error)
	// Find returns job id of any owner (admin reads).
	Find(ctx context.Context, id string) (Job, error)
	// Update reads the job, applies fn and writes it back with optimistic concurrency
	// (If-Match), re-reading and re-applying fn when another writer got there first.
	// fn returning ErrNoChange skips the write; any other error aborts.
	Update(ctx context.Context, owner, id string, fn func(*Job) error) (Job, error)
	// List returns a page of jobs and the cursor of the next page ("" at the end).
	List(ctx context.Context, q ListQuery) ([]Job, string, error)
	Ping(ctx context.Context) error
}

// ErrNoChange tells Store.Update that fn decided not to write.
var ErrNoChange = errors.New("jobs: no change")

// Shards records which shards of a fanned-out job are done: one record per (job, shard),
// so a redelivered shard cannot count twice.
type Shards interface {
	// MarkDone records shard as done with its counts (upsert: idempotent).
	MarkDone(ctx context.Context, jobID, shardID string, counts map[string]int) error
	IsDone(ctx context.Context, jobID, shardID string) (bool, error)
	// Done returns how many shards are done and the sum of their counts.
	Done(ctx context.Context, jobID string) (int, map[string]int, error)
}

// Blobs stores internal documents (plans, shard results, large results and requests).
type Blobs interface {
	Put(ctx context.Context, name string, data []byte) error
	Get(ctx context.Context, name string) ([]byte, error) // not_found when missing
	Ping(ctx context.Context) error
}

// Artifact describes one artifact of a job.
type Artifact struct {
	Name        string
	Size        int64
	ContentType string
	SHA256      string
}

// ArtifactStore stores job artifacts under a per-job prefix.
type ArtifactStore interface {
	Put(ctx context.Context, jobID, name, contentType string, r io.Reader) (Artifact, error)
	// Create stores data only if the artifact does not exist yet, content and sha256 in one
	// write, and returns what is stored (the existing artifact and its bytes when another writer
	// got there first): concurrent writers of one artifact all end up with the same bytes.
	Create(ctx context.Context, jobID, name, contentType string, data []byte) (Artifact, []byte, error)
	List(ctx context.Context, jobID string) ([]Artifact, error)
	// Open streams an artifact; the caller closes the reader.
	Open(ctx context.Context, jobID, name string) (Artifact, io.ReadCloser, error)
}

// IdempotencyRecord remembers which job an Idempotency-Key produced.
type IdempotencyRecord struct {
	BodyHash string
	JobID    string
	// CreatedAt is the claimant's time (from the caller's injected clock): a claim is decided
	// by comparing the new record's CreatedAt with the stored record's expiry, never by the
	// store's own clock, so a fixed or skewed clock decides consistently.
	CreatedAt time.Time
	// ExpiresAt ends the record; zero means CreatedAt + IdempotencyWindow. The daily backup
	// sets it to the end of the UTC day its key names.
	ExpiresAt time.Time
}

// Expiry is when the record stops holding its key.
func (r IdempotencyRecord) Expiry() time.Time {
	if !r.ExpiresAt.IsZero() {
		return r.ExpiresAt
	}
	return r.CreatedAt.Add(IdempotencyWindow)
}

// HeldAgainst reports whether r (stored) still holds its key against a claim made at t.
func (r IdempotencyRecord) HeldAgainst(t time.Time) bool { return t.Before(r.Expiry()) }

// IdempotencyWindow is how long a key is remembered.
const IdempotencyWindow = 24 * time.Hour

// Idempotency stores Idempotency-Key records per owner.
type Idempotency interface {
	// Claim records rec for (owner, key) unless a stored record still holds the key at
	// rec.CreatedAt (HeldAgainst), in which case that record is returned with claimed=false.
	Claim(ctx context.Context, owner, key string, rec IdempotencyRecord) (existing IdempotencyRecord, claimed bool, err error)
	// Release forgets (owner, key) when the claimed job could not be created.
	Release(ctx context.Context, owner, key string) error
}

// Message is one queue message. Kind "start" goes to the jobs queue, "shard" to the shards queue.
type Message struct {
	JobID string `json:"job_id"`
	Owner string `json:"owner"`
	Type  string `json:"type"`
	Kind  string `json:"kind"`
	Shard string `json:"shard,omitempty"`
}

// Message kinds.
const (
	KindStart = "start"
	KindShard = "shard"
)

// Queue enqueues work.
type Queue interface {
	Enqueue(ctx context.Context, m Message) error
	Ping(ctx context.Context) error
}

// Backend groups the storage a service instance uses.
type Backend struct {
	Jobs        Store
	Shards      Shards
	Blobs       Blobs
	Artifacts   ArtifactStore
	Idempotency Idempotency
	Queue       Queue
}
