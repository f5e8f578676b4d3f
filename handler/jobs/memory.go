package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/atg-go/atg/errs"
)

// NewMemoryBackend returns an in-memory Backend for unit tests. Its Queue records messages
// in MemQueue.Messages.
func NewMemoryBackend() (*Backend, *MemQueue) {
	q := &MemQueue{}
	return &Backend{
		Jobs:        &MemStore{jobs: map[string]Job{}},
		Shards:      &MemShards{done: map[string]map[string]map[string]int{}},
		Blobs:       &MemBlobs{m: map[string][]byte{}},
		Artifacts:   &MemArtifacts{m: map[string]memArtifact{}},
		Idempotency: &MemIdempotency{m: map[string]IdempotencyRecord{}},
		Queue:       q,
	}, q
}

// MemStore is an in-memory Store.
type MemStore struct {
	mu   sync.Mutex
	jobs map[string]Job // key owner/id
	seq  int
}

func clone(j Job) Job {
	b, _ := json.Marshal(j)
	var c Job
	_ = json.Unmarshal(b, &c)
	c.Result = append(json.RawMessage(nil), j.Result...)
	c.LastError, c.ShardsTotal, c.Finalizer, c.ETag = j.LastError, j.ShardsTotal, j.Finalizer, j.ETag
	return c
}

// Create implements Store.
func (s *MemStore) Create(_ context.Context, j Job) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := j.Owner + "/" + j.ID
	if _, ok := s.jobs[k]; ok {
		return errs.Errorf(errs.Conflict, "job %s exists", j.ID)
	}
	s.seq++
	j.ETag = strconv.Itoa(s.seq)
	s.jobs[k] = clone(j)
	return nil
}

// Get implements Store.
func (s *MemStore) Get(_ context.Context, owner, id string) (Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[owner+"/"+id]
	if !ok {
		return Job{}, errs.Errorf(errs.NotFound, "job %s not found", id)
	}
	return clone(j), nil
}

// Find implements Store.
func (s *MemStore) Find(_ context.Context, id string) (Job, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.ID == id {
			return clone(j), nil
		}
	}
	return Job{}, errs.Errorf(errs.NotFound, "job %s not found", id)
}

// Update implements Store.
func (s *MemStore) Update(ctx context.Context, owner, id string, fn func(*Job) error) (Job, error) {
	for {
		j, err := s.Get(ctx, owner, id)
		if err != nil {
			return Job{}, err
		}
		if err := fn(&j); err != nil {
			if err == ErrNoChange {
				return j, nil
			}
			return Job{}, err
		}
		s.mu.Lock()
		if s.jobs[owner+"/"+id].ETag != j.ETag { // lost a race: re-read and re-apply
			s.mu.Unlock()
			continue
		}
		s.seq++
		j.ETag = strconv.Itoa(s.seq)
		s.jobs[owner+"/"+id] = clone(j)
		s.mu.Unlock()
		return j, nil
	}
}

// List implements Store. The cursor is the last id returned.
func (s *MemStore) List(_ context.Context, q ListQuery) ([]Job, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []Job
	for _, j := range s.jobs {
		if (q.Owner == "" || j.Owner == q.Owner) && (q.Status == "" || j.Status == q.Status) && (q.Type == "" || j.Type == q.Type) {
			all = append(all, clone(j))
		}
	}
	sort.Slice(all, func(a, b int) bool {
		if all[a].Owner != all[b].Owner {
			return all[a].Owner < all[b].Owner
		}
		return all[a].ID < all[b].ID
	})
	after := ""
	if q.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		if err != nil {
			return nil, "", errs.InvalidFields(map[string]string{"cursor": "invalid cursor"})
		}
		after = string(b)
	}
	var out []Job
	for _, j := range all {
		if after != "" && j.Owner+"/"+j.ID <= after {
			continue
		}
		out = append(out, j)
		if len(out) == q.Limit {
			last := out[len(out)-1]
			return out, base64.RawURLEncoding.EncodeToString([]byte(last.Owner + "/" + last.ID)), nil
		}
	}
	return out, "", nil
}

// Ping implements Store.
func (s *MemStore) Ping(context.Context) error { return nil }

// MemShards is an in-memory Shards.
type MemShards struct {
	mu   sync.Mutex
	done map[string]map[string]map[string]int
}

// MarkDone implements Shards.
func (s *MemShards) MarkDone(_ context.Context, jobID, shardID string, counts map[string]int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done[jobID] == nil {
		s.done[jobID] = map[string]map[string]int{}
	}
	c := map[string]int{}
	for k, v := range counts {
		c[k] = v
	}
	s.done[jobID][shardID] = c
	return nil
}

// IsDone implements Shards.
func (s *MemShards) IsDone(_ context.Context, jobID, shardID string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.done[jobID][shardID]
	return ok, nil
}

// Done implements Shards.
func (s *MemShards) Done(_ context.Context, jobID string) (int, map[string]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := map[string]int{}
	for _, c := range s.done[jobID] {
		for k, v := range c {
			sum[k] += v
		}
	}
	return len(s.done[jobID]), sum, nil
}

// MemBlobs is an in-memory Blobs.
type MemBlobs struct {
	mu sync.Mutex
	m  map[string][]byte
}

// Put implements Blobs.
func (b *MemBlobs) Put(_ context.Context, name string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.m[name] = append([]byte(nil), data...)
	return nil
}

// Get implements Blobs.
func (b *MemBlobs) Get(_ context.Context, name string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d, ok := b.m[name]
	if !ok {
		return nil, errs.Errorf(errs.NotFound, "blob %s not found", name)
	}
	return append([]byte(nil), d...), nil
}

// Ping implements Blobs.
func (b *MemBlobs) Ping(context.Context) error { return nil }

type memArtifact struct {
	a    Artifact
	data []byte
}

// MemArtifacts is an in-memory ArtifactStore.
type MemArtifacts struct {
	mu sync.Mutex
	m  map[string]memArtifact
}

// Put implements ArtifactStore.
func (s *MemArtifacts) Put(_ context.Context, jobID, name, contentType string, r io.Reader) (Artifact, error) {
	if err := ValidArtifactName(name); err != nil {
		return Artifact{}, err
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return Artifact{}, fmt.Errorf("reading artifact %s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	a := Artifact{Name: name, Size: int64(len(data)), ContentType: contentType, SHA256: hex.EncodeToString(sum[:])}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[jobID+"/"+name] = memArtifact{a: a, data: data}
	return a, nil
}

// Create implements ArtifactStore.
func (s *MemArtifacts) Create(_ context.Context, jobID, name, contentType string, data []byte) (Artifact, []byte, error) {
	if err := ValidArtifactName(name); err != nil {
		return Artifact{}, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.m[jobID+"/"+name]; ok {
		return v.a, append([]byte(nil), v.data...), nil
	}
	sum := sha256.Sum256(data)
	a := Artifact{Name: name, Size: int64(len(data)), ContentType: contentType, SHA256: hex.EncodeToString(sum[:])}
	s.m[jobID+"/"+name] = memArtifact{a: a, data: append([]byte(nil), data...)}
	return a, data, nil
}

// List implements ArtifactStore.
func (s *MemArtifacts) List(_ context.Context, jobID string) ([]Artifact, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []Artifact{}
	for k, v := range s.m {
		if strings.HasPrefix(k, jobID+"/") {
			out = append(out, v.a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Open implements ArtifactStore.
func (s *MemArtifacts) Open(_ context.Context, jobID, name string) (Artifact, io.ReadCloser, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[jobID+"/"+name]
	if !ok {
		return Artifact{}, nil, errs.Errorf(errs.NotFound, "artifact %s not found", name)
	}
	return v.a, io.NopCloser(bytes.NewReader(v.data)), nil
}

// MemIdempotency is an in-memory Idempotency.
type MemIdempotency struct {
	mu sync.Mutex
	m  map[string]IdempotencyRecord
}

// Claim implements Idempotency.
func (s *MemIdempotency) Claim(_ context.Context, owner, key string, rec IdempotencyRecord) (IdempotencyRecord, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := owner + "\x00" + key
	if cur, ok := s.m[k]; ok && cur.HeldAgainst(rec.CreatedAt) {
		return cur, false, nil
	}
	s.m[k] = rec
	return rec, true, nil
}

// Release implements Idempotency.
func (s *MemIdempotency) Release(_ context.Context, owner, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, owner+"\x00"+key)
	return nil
}

// MemQueue is an in-memory Queue recording messages.
type MemQueue struct {
	mu       sync.Mutex
	Messages []Message
	Err      error // returned by Enqueue when set
}

// Enqueue implements Queue.
func (q *MemQueue) Enqueue(_ context.Context, m Message) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.Err != nil {
		return q.Err
	}
	q.Messages = append(q.Messages, m)
	return nil
}

// Drain returns and forgets the recorded messages.
func (q *MemQueue) Drain() []Message {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.Messages
	q.Messages = nil
	return out
}

// Ping implements Queue.
func (q *MemQueue) Ping(context.Context) error { return nil }
