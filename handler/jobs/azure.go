package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue"
	"github.com/atg-go/atg/errs"
)

// Names derives every table, queue and container name from one prefix (lower-case
// letters and digits, starting with a letter; "atg" in production, random in tests).
type Names struct{ Prefix string }

// DefaultPrefix is the production prefix.
const DefaultPrefix = "atg"

func (n Names) p() string {
	if n.Prefix == "" {
		return DefaultPrefix
	}
	return n.Prefix
}

// JobsTable etc. name the storage objects. Queue names must match functions/*/function.json.
func (n Names) JobsTable() string        { return n.p() + "jobs" }
func (n Names) ShardsTable() string      { return n.p() + "shards" }
func (n Names) IdempotencyTable() string { return n.p() + "idempotency" }
func (n Names) JobsQueue() string        { return n.p() + "-jobs" }
func (n Names) ShardsQueue() string      { return n.p() + "-shards" }
func (n Names) ArtifactsContainer() string {
	return n.p() + "-artifacts"
}
func (n Names) InternalContainer() string { return n.p() + "-internal" }
func (n Names) BackupsContainer() string  { return n.p() + "-backups" }

// Tables, Queues and Containers list the storage objects openAzure creates.
func (n Names) Tables() []string {
	return []string{n.JobsTable(), n.ShardsTable(), n.IdempotencyTable()}
}
func (n Names) Queues() []string {
	return []string{n.JobsQueue(), n.ShardsQueue(), PoisonQueue(n.JobsQueue()), PoisonQueue(n.ShardsQueue())}
}
func (n Names) Containers() []string { return []string{n.ArtifactsContainer(), n.InternalContainer()} }

// PoisonQueue is the host's poison queue name for q.
func PoisonQueue(q string) string { return q + "-poison" }

// Azure holds the storage clients of a service instance.
type Azure struct {
	Names   Names
	Tables  *aztables.ServiceClient
	Queues  *azqueue.ServiceClient
	Blobs   *azblob.Client
	Backend *Backend
}

// QueueClient returns the client of queue name.
func (a *Azure) QueueClient(name string) *azqueue.QueueClient { return a.Queues.NewQueueClient(name) }

// OpenAzureConnectionString connects with a full connection string (Azurite included).
func OpenAzureConnectionString(ctx context.Context, conn string, names Names) (*Azure, error) {
	t, err := aztables.NewServiceClientFromConnectionString(conn, nil)
	if err != nil {
		return nil, fmt.Errorf("table client: %w", err)
	}
	q, err := azqueue.NewServiceClientFromConnectionString(conn, nil)
	if err != nil {
		return nil, fmt.Errorf("queue client: %w", err)
	}
	b, err := azblob.NewClientFromConnectionString(conn, nil)
	if err != nil {
		return nil, fmt.Errorf("blob client: %w", err)
	}
	return openAzure(ctx, names, t, q, b)
}

// OpenAzureAccount connects to account with a token credential (managed identity:
// AzureWebJobsStorage__accountName).
func OpenAzureAccount(ctx context.Context, account string, cred azcore.TokenCredential, names Names) (*Azure, error) {
	t, err := aztables.NewServiceClient(fmt.Sprintf("https://%s.table.core.windows.net/", account), cred, nil)
	if err != nil {
		return nil, fmt.Errorf("table client: %w", err)
	}
	q, err := azqueue.NewServiceClient(fmt.Sprintf("https://%s.queue.core.windows.net/", account), cred, nil)
	if err != nil {
		return nil, fmt.Errorf("queue client: %w", err)
	}
	b, err := azblob.NewClient(fmt.Sprintf("https://%s.blob.core.windows.net/", account), cred, nil)
	if err != nil {
		return nil, fmt.Errorf("blob client: %w", err)
	}
	return openAzure(ctx, names, t, q, b)
}

// DropAll deletes every table, queue and container of a's prefix, backups included (test
// cleanup; best effort: what is already gone is fine).
func (a *Azure) DropAll(ctx context.Context) {
	for _, t := range a.Names.Tables() {
		_, _ = a.Tables.DeleteTable(ctx, t, nil)
	}
	for _, q := range a.Names.Queues() {
		_, _ = a.Queues.DeleteQueue(ctx, q, nil)
	}
	for _, c := range append(a.Names.Containers(), a.Names.BackupsContainer()) {
		_, _ = a.Blobs.DeleteContainer(ctx, c, nil)
	}
}

func isStatus(err error, codes ...int) bool {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return false
	}
	for _, c := range codes {
		if re.StatusCode == c {
			return true
		}
	}
	return false
}

func openAzure(ctx context.Context, names Names, t *aztables.ServiceClient, q *azqueue.ServiceClient, b *azblob.Client) (*Azure, error) {
	a := &Azure{Names: names, Tables: t, Queues: q, Blobs: b}
	for _, name := range names.Tables() {
		if _, err := t.CreateTable(ctx, name, nil); err != nil && !isStatus(err, http.StatusConflict) {
			return nil, fmt.Errorf("creating table %s: %w", name, err)
		}
	}
	for _, name := range names.Queues() {
		if _, err := q.CreateQueue(ctx, name, nil); err != nil && !isStatus(err, http.StatusConflict) {
			return nil, fmt.Errorf("creating queue %s: %w", name, err)
		}
	}
	for _, name := range names.Containers() {
		if _, err := b.CreateContainer(ctx, name, nil); err != nil && !isStatus(err, http.StatusConflict) {
			return nil, fmt.Errorf("creating container %s: %w", name, err)
		}
	}
	blobs := &AzureBlobs{c: b.ServiceClient().NewContainerClient(names.InternalContainer())}
	a.Backend = &Backend{
		Jobs:        &TableStore{c: t.NewClient(names.JobsTable()), blobs: blobs},
		Shards:      &TableShards{c: t.NewClient(names.ShardsTable())},
		Blobs:       blobs,
		Artifacts:   &BlobArtifacts{c: b.ServiceClient().NewContainerClient(names.ArtifactsContainer()), svc: b.ServiceClient()},
		Idempotency: &TableIdempotency{c: t.NewClient(names.IdempotencyTable())},
		Queue:       &AzureQueue{jobs: q.NewQueueClient(names.JobsQueue()), shards: q.NewQueueClient(names.ShardsQueue())},
	}
	return a, nil
}

// ---- Table: jobs ----

// spillThreshold: JSON larger than this goes to the internal container (a Table string
// property holds at most 32K UTF-16 characters; the entity stays well under 64 KiB).
const spillThreshold = 16 << 10

type jobEntity struct {
	PartitionKey string `json:"PartitionKey"`
	RowKey       string `json:"RowKey"`
	Type         string `json:"Type"`
	Status       string `json:"Status"`
	Request      string `json:"Request,omitempty"`
	RequestBlob  string `json:"RequestBlob,omitempty"`
	Progress     string `json:"Progress,omitempty"`
	Attempts     int    `json:"Attempts"`
	Error        string `json:"Error,omitempty"`
	LastError    string `json:"LastError,omitempty"`
	Result       string `json:"Result,omitempty"`
	ResultBlob   string `json:"ResultBlob,omitempty"`
	ShardsTotal  int    `json:"ShardsTotal"`
	Finalizer    string `json:"Finalizer,omitempty"`
	CreatedAt    string `json:"CreatedAt"`
	StartedAt    string `json:"StartedAt,omitempty"`
	FinishedAt   string `json:"FinishedAt,omitempty"`
}

// TableStore is the Store on Azure Table Storage.
type TableStore struct {
	c     *aztables.Client
	blobs Blobs
}

func fmtTime(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func parseTime(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

func marshalSmall(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (s *TableStore) toEntity(ctx context.Context, j Job, prev *jobEntity) (jobEntity, error) {
	e := jobEntity{PartitionKey: j.Owner, RowKey: j.ID, Type: j.Type, Status: string(j.Status),
		Attempts: j.Attempts, ShardsTotal: j.ShardsTotal, Finalizer: j.Finalizer, CreatedAt: fmtTime(&j.CreatedAt),
		StartedAt: fmtTime(j.StartedAt), FinishedAt: fmtTime(j.FinishedAt)}
	if j.Progress != nil {
		e.Progress = marshalSmall(j.Progress)
	}
	if j.Error != nil {
		e.Error = marshalSmall(truncErr(*j.Error))
	}
	if j.LastError != nil {
		e.LastError = marshalSmall(truncErr(*j.LastError))
	}
	var err error
	e.Request, e.RequestBlob, err = s.spill(ctx, j.ID+"/request.json", j.Request, prev, func(p *jobEntity) (string, string) { return p.Request, p.RequestBlob })
	if err != nil {
		return e, err
	}
	e.Result, e.ResultBlob, err = s.spill(ctx, j.ID+"/result.json", j.Result, prev, func(p *jobEntity) (string, string) { return p.Result, p.ResultBlob })
	return e, err
}

// spill keeps small JSON inline and writes large JSON to the internal container. A value
// that was spilled before and was not loaded (nil) keeps its blob reference.
func (s *TableStore) spill(ctx context.Context, name string, v json.RawMessage, prev *jobEntity, get func(*jobEntity) (string, string)) (string, string, error) {
	if v == nil {
		if prev != nil {
			_, ref := get(prev)
			return "", ref, nil
		}
		return "", "", nil
	}
	if len(v) <= spillThreshold {
		return string(v), "", nil
	}
	if err := s.blobs.Put(ctx, name, v); err != nil {
		return "", "", fmt.Errorf("storing %s: %w", name, err)
	}
	return "", name, nil
}

func truncErr(e JobError) JobError {
	if len(e.Message) > 4000 {
		e.Message = e.Message[:4000] + "…"
	}
	return e
}

func fromEntity(e jobEntity, etag string) Job {
	j := Job{ID: e.RowKey, Owner: e.PartitionKey, Type: e.Type, Status: Status(e.Status), Attempts: e.Attempts,
		ShardsTotal: e.ShardsTotal, Finalizer: e.Finalizer, ETag: etag, StartedAt: parseTime(e.StartedAt), FinishedAt: parseTime(e.FinishedAt)}
	if t := parseTime(e.CreatedAt); t != nil {
		j.CreatedAt = *t
	}
	if e.Request != "" {
		j.Request = json.RawMessage(e.Request)
	}
	if e.Result != "" {
		j.Result = json.RawMessage(e.Result)
	}
	if e.Progress != "" {
		var p Progress
		if json.Unmarshal([]byte(e.Progress), &p) == nil {
			j.Progress = &p
		}
	}
	if e.Error != "" {
		var je JobError
		if json.Unmarshal([]byte(e.Error), &je) == nil {
			j.Error = &je
		}
	}
	if e.LastError != "" {
		var je JobError
		if json.Unmarshal([]byte(e.LastError), &je) == nil {
			j.LastError = &je
		}
	}
	return j
}

// Create implements Store.
func (s *TableStore) Create(ctx context.Context, j Job) error {
	e, err := s.toEntity(ctx, j, nil)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(e)
	if _, err := s.c.AddEntity(ctx, b, nil); err != nil {
		if isStatus(err, http.StatusConflict) {
			return errs.Errorf(errs.Conflict, "job %s exists", j.ID)
		}
		return fmt.Errorf("inserting job %s: %w", j.ID, err)
	}
	return nil
}

func (s *TableStore) getEntity(ctx context.Context, owner, id string) (jobEntity, string, error) {
	if owner == "" || id == "" {
		return jobEntity{}, "", errs.Errorf(errs.NotFound, "job %s not found", id)
	}
	resp, err := s.c.GetEntity(ctx, owner, id, nil)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return jobEntity{}, "", errs.Errorf(errs.NotFound, "job %s not found", id)
		}
		return jobEntity{}, "", fmt.Errorf("reading job %s: %w", id, err)
	}
	var e jobEntity
	if err := json.Unmarshal(resp.Value, &e); err != nil {
		return jobEntity{}, "", fmt.Errorf("decoding job %s: %w", id, err)
	}
	return e, string(resp.ETag), nil
}

func (s *TableStore) load(ctx context.Context, e jobEntity, etag string) (Job, error) {
	j := fromEntity(e, etag)
	if e.RequestBlob != "" {
		b, err := s.blobs.Get(ctx, e.RequestBlob)
		if err != nil {
			return Job{}, fmt.Errorf("reading request of job %s: %w", e.RowKey, err)
		}
		j.Request = b
	}
	if e.ResultBlob != "" {
		b, err := s.blobs.Get(ctx, e.ResultBlob)
		if err != nil {
			return Job{}, fmt.Errorf("reading result of job %s: %w", e.RowKey, err)
		}
		j.Result = b
	}
	return j, nil
}

// Get implements Store.
func (s *TableStore) Get(ctx context.Context, owner, id string) (Job, error) {
	e, etag, err := s.getEntity(ctx, owner, id)
	if err != nil {
		return Job{}, err
	}
	return s.load(ctx, e, etag)
}

// Find implements Store (cross-partition query on RowKey).
func (s *TableStore) Find(ctx context.Context, id string) (Job, error) {
	filter := "RowKey eq '" + odataQuote(id) + "'"
	pager := s.c.NewListEntitiesPager(&aztables.ListEntitiesOptions{Filter: &filter})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return Job{}, fmt.Errorf("finding job %s: %w", id, err)
		}
		for _, raw := range page.Entities {
			var e jobEntity
			if err := json.Unmarshal(raw, &e); err != nil {
				return Job{}, fmt.Errorf("decoding job %s: %w", id, err)
			}
			return s.Get(ctx, e.PartitionKey, e.RowKey) // point read for the ETag
		}
	}
	return Job{}, errs.Errorf(errs.NotFound, "job %s not found", id)
}

// Update implements Store: read, apply, replace with If-Match; on 412 re-read and retry.
func (s *TableStore) Update(ctx context.Context, owner, id string, fn func(*Job) error) (Job, error) {
	for attempt := 0; ; attempt++ {
		e, etag, err := s.getEntity(ctx, owner, id)
		if err != nil {
			return Job{}, err
		}
		j := fromEntity(e, etag) // spilled request/result stay unloaded (nil) and keep their refs
		if err := fn(&j); err != nil {
			if errors.Is(err, ErrNoChange) {
				return j, nil
			}
			return Job{}, err
		}
		ne, err := s.toEntity(ctx, j, &e)
		if err != nil {
			return Job{}, err
		}
		b, _ := json.Marshal(ne)
		et := azcore.ETag(etag)
		resp, err := s.c.UpdateEntity(ctx, b, &aztables.UpdateEntityOptions{IfMatch: &et, UpdateMode: aztables.UpdateModeReplace})
		if err == nil {
			j.ETag = string(resp.ETag)
			return j, nil
		}
		if !isStatus(err, http.StatusPreconditionFailed) || attempt >= 30 {
			return Job{}, fmt.Errorf("updating job %s: %w", id, err)
		}
		select { // another writer won: back off a little and re-apply on fresh state
		case <-ctx.Done():
			return Job{}, ctx.Err()
		case <-time.After(time.Duration(5+rand.IntN(20*(attempt+1))) * time.Millisecond):
		}
	}
}

func odataQuote(s string) string { return strings.ReplaceAll(s, "'", "''") }

type cursor struct {
	PK string `json:"p"`
	RK string `json:"r"`
}

// List implements Store.
func (s *TableStore) List(ctx context.Context, q ListQuery) ([]Job, string, error) {
	var filters []string
	if q.Owner != "" {
		filters = append(filters, "PartitionKey eq '"+odataQuote(q.Owner)+"'")
	}
	if q.Status != "" {
		filters = append(filters, "Status eq '"+odataQuote(string(q.Status))+"'")
	}
	if q.Type != "" {
		filters = append(filters, "Type eq '"+odataQuote(q.Type)+"'")
	}
	opts := &aztables.ListEntitiesOptions{}
	if len(filters) > 0 {
		f := strings.Join(filters, " and ")
		opts.Filter = &f
	}
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 100
	}
	top := int32(q.Limit)
	opts.Top = &top
	if q.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		var c cursor
		if err != nil || json.Unmarshal(b, &c) != nil || c.PK == "" {
			return nil, "", errs.InvalidFields(map[string]string{"cursor": "invalid cursor"})
		}
		opts.NextPartitionKey, opts.NextRowKey = &c.PK, &c.RK
	}
	pager := s.c.NewListEntitiesPager(opts)
	out := []Job{}
	next := ""
	for pager.More() && len(out) < q.Limit {
		page, err := pager.NextPage(ctx)
		if err != nil {
			if isStatus(err, http.StatusBadRequest) && q.Cursor != "" {
				return nil, "", errs.InvalidFields(map[string]string{"cursor": "invalid cursor"})
			}
			return nil, "", fmt.Errorf("listing jobs: %w", err)
		}
		for _, raw := range page.Entities {
			var e jobEntity
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, "", fmt.Errorf("decoding job: %w", err)
			}
			j := fromEntity(e, "")
			if e.RequestBlob != "" {
				j.Request = json.RawMessage(`{"stored_separately":true}`)
			}
			j.Result = nil
			out = append(out, j)
		}
		next = ""
		if page.NextPartitionKey != nil && *page.NextPartitionKey != "" {
			c := cursor{PK: *page.NextPartitionKey}
			if page.NextRowKey != nil {
				c.RK = *page.NextRowKey
			}
			b, _ := json.Marshal(c)
			next = base64.RawURLEncoding.EncodeToString(b)
		}
		if next == "" || len(out) >= q.Limit {
			break
		}
		// Fewer than limit and more pages: keep reading with the continuation.
		pk, rk := "", ""
		c := cursor{}
		b, _ := base64.RawURLEncoding.DecodeString(next)
		_ = json.Unmarshal(b, &c)
		pk, rk = c.PK, c.RK
		rest := int32(q.Limit - len(out))
		opts.Top, opts.NextPartitionKey, opts.NextRowKey = &rest, &pk, &rk
		pager = s.c.NewListEntitiesPager(opts)
	}
	return out, next, nil
}

// Ping implements Store.
func (s *TableStore) Ping(ctx context.Context) error {
	top := int32(1)
	sel := "RowKey"
	pager := s.c.NewListEntitiesPager(&aztables.ListEntitiesOptions{Top: &top, Select: &sel})
	if _, err := pager.NextPage(ctx); err != nil {
		return fmt.Errorf("table storage: %w", err)
	}
	return nil
}

// ---- Table: shards ----

// TableShards is Shards on Table Storage: PartitionKey = job id, RowKey = shard id.
type TableShards struct{ c *aztables.Client }

func shardKey(id string) string {
	// RowKey forbids / \ # ? and control characters; shard ids are engine-defined.
	if strings.ContainsAny(id, "/\\#?") || len(id) > 200 {
		sum := sha256.Sum256([]byte(id))
		return "h" + hex.EncodeToString(sum[:])
	}
	return id
}

// MarkDone implements Shards (upsert: idempotent).
func (s *TableShards) MarkDone(ctx context.Context, jobID, shardID string, counts map[string]int) error {
	b, _ := json.Marshal(map[string]string{"PartitionKey": jobID, "RowKey": shardKey(shardID), "Shard": shardID,
		"Counts": marshalSmall(counts), "DoneAt": time.Now().UTC().Format(time.RFC3339Nano)})
	if _, err := s.c.UpsertEntity(ctx, b, &aztables.UpsertEntityOptions{UpdateMode: aztables.UpdateModeReplace}); err != nil {
		return fmt.Errorf("marking shard %s of %s done: %w", shardID, jobID, err)
	}
	return nil
}

// IsDone implements Shards.
func (s *TableShards) IsDone(ctx context.Context, jobID, shardID string) (bool, error) {
	_, err := s.c.GetEntity(ctx, jobID, shardKey(shardID), nil)
	if err == nil {
		return true, nil
	}
	if isStatus(err, http.StatusNotFound) {
		return false, nil
	}
	return false, fmt.Errorf("reading shard %s of %s: %w", shardID, jobID, err)
}

// Done implements Shards.
func (s *TableShards) Done(ctx context.Context, jobID string) (int, map[string]int, error) {
	f := "PartitionKey eq '" + odataQuote(jobID) + "'"
	sel := "RowKey,Counts"
	pager := s.c.NewListEntitiesPager(&aztables.ListEntitiesOptions{Filter: &f, Select: &sel})
	n, sum := 0, map[string]int{}
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return 0, nil, fmt.Errorf("counting shards of %s: %w", jobID, err)
		}
		for _, raw := range page.Entities {
			var e struct{ Counts string }
			if err := json.Unmarshal(raw, &e); err != nil {
				return 0, nil, fmt.Errorf("decoding shard of %s: %w", jobID, err)
			}
			var c map[string]int
			_ = json.Unmarshal([]byte(e.Counts), &c)
			for k, v := range c {
				sum[k] += v
			}
			n++
		}
	}
	return n, sum, nil
}

// ---- Table: idempotency ----

// TableIdempotency is Idempotency on Table Storage: PartitionKey = owner,
// RowKey = sha256(Idempotency-Key) (keys are client text; the hash is always a valid key).
type TableIdempotency struct {
	c *aztables.Client
}

type idemEntity struct {
	PartitionKey string `json:"PartitionKey"`
	RowKey       string `json:"RowKey"`
	BodyHash     string `json:"BodyHash"`
	JobID        string `json:"JobID"`
	CreatedAt    string `json:"CreatedAt"`
	ExpiresAt    string `json:"ExpiresAt,omitempty"`
}

// Claim implements Idempotency.
func (s *TableIdempotency) Claim(ctx context.Context, owner, key string, rec IdempotencyRecord) (IdempotencyRecord, bool, error) {
	sum := sha256.Sum256([]byte(key))
	e := idemEntity{PartitionKey: owner, RowKey: hex.EncodeToString(sum[:]), BodyHash: rec.BodyHash, JobID: rec.JobID,
		CreatedAt: rec.CreatedAt.UTC().Format(time.RFC3339Nano), ExpiresAt: rec.Expiry().UTC().Format(time.RFC3339Nano)}
	b, _ := json.Marshal(e)
	for attempt := 0; attempt < 5; attempt++ {
		_, err := s.c.AddEntity(ctx, b, nil)
		if err == nil {
			return rec, true, nil
		}
		if !isStatus(err, http.StatusConflict) {
			return IdempotencyRecord{}, false, fmt.Errorf("recording idempotency key: %w", err)
		}
		resp, err := s.c.GetEntity(ctx, e.PartitionKey, e.RowKey, nil)
		if isStatus(err, http.StatusNotFound) {
			continue
		}
		if err != nil {
			return IdempotencyRecord{}, false, fmt.Errorf("reading idempotency key: %w", err)
		}
		var cur idemEntity
		if err := json.Unmarshal(resp.Value, &cur); err != nil {
			return IdempotencyRecord{}, false, fmt.Errorf("decoding idempotency key: %w", err)
		}
		if created := parseTime(cur.CreatedAt); created != nil {
			held := IdempotencyRecord{BodyHash: cur.BodyHash, JobID: cur.JobID, CreatedAt: *created}
			if exp := parseTime(cur.ExpiresAt); exp != nil {
				held.ExpiresAt = *exp
			}
			if held.HeldAgainst(rec.CreatedAt) {
				return held, false, nil
			}
		}
		et := resp.ETag // expired: take it over, unless someone else just did
		if _, err := s.c.UpdateEntity(ctx, b, &aztables.UpdateEntityOptions{IfMatch: &et, UpdateMode: aztables.UpdateModeReplace}); err == nil {
			return rec, true, nil
		} else if !isStatus(err, http.StatusPreconditionFailed, http.StatusNotFound) {
			return IdempotencyRecord{}, false, fmt.Errorf("renewing idempotency key: %w", err)
		}
	}
	return IdempotencyRecord{}, false, errs.Errorf(errs.Conflict, "Idempotency-Key is being used concurrently; retry")
}

// Release implements Idempotency.
func (s *TableIdempotency) Release(ctx context.Context, owner, key string) error {
	sum := sha256.Sum256([]byte(key))
	if _, err := s.c.DeleteEntity(ctx, owner, hex.EncodeToString(sum[:]), nil); err != nil && !isStatus(err, http.StatusNotFound) {
		return fmt.Errorf("releasing idempotency key: %w", err)
	}
	return nil
}

// ---- Queue ----

// AzureQueue is Queue on Azure Storage Queues, base64 message text (see codec.go).
type AzureQueue struct{ jobs, shards *azqueue.QueueClient }

// Enqueue implements Queue.
func (q *AzureQueue) Enqueue(ctx context.Context, m Message) error {
	text, err := EncodeMessage(m)
	if err != nil {
		return err
	}
	c := q.jobs
	if m.Kind == KindShard {
		c = q.shards
	}
	ttl := int32(-1) // never expire: a job's messages must not vanish silently
	if _, err := c.EnqueueMessage(ctx, text, &azqueue.EnqueueMessageOptions{TimeToLive: &ttl}); err != nil {
		return fmt.Errorf("enqueueing %s message for job %s: %w", m.Kind, m.JobID, err)
	}
	return nil
}

// Ping implements Queue.
func (q *AzureQueue) Ping(ctx context.Context) error {
	if _, err := q.jobs.GetProperties(ctx, nil); err != nil {
		return fmt.Errorf("queue storage: %w", err)
	}
	return nil
}

// ---- Blob: internal documents ----

// AzureBlobs is Blobs on a blob container.
type AzureBlobs struct{ c *container.Client }

// Put implements Blobs.
func (b *AzureBlobs) Put(ctx context.Context, name string, data []byte) error {
	ct := "application/json"
	if _, err := b.c.NewBlockBlobClient(name).UploadBuffer(ctx, data, &blockblob.UploadBufferOptions{HTTPHeaders: &blob.HTTPHeaders{BlobContentType: &ct}}); err != nil {
		return fmt.Errorf("writing blob %s: %w", name, err)
	}
	return nil
}

// Get implements Blobs.
func (b *AzureBlobs) Get(ctx context.Context, name string) ([]byte, error) {
	resp, err := b.c.NewBlobClient(name).DownloadStream(ctx, nil)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return nil, errs.Errorf(errs.NotFound, "blob %s not found", name)
		}
		return nil, fmt.Errorf("reading blob %s: %w", name, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", name, err)
	}
	return data, nil
}

// Ping implements Blobs.
func (b *AzureBlobs) Ping(ctx context.Context) error {
	if _, err := b.c.GetProperties(ctx, nil); err != nil {
		return fmt.Errorf("blob storage: %w", err)
	}
	return nil
}

// ---- Blob: artifacts ----

var artifactNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$`)

// ValidArtifactName checks an artifact name (one path segment).
func ValidArtifactName(name string) error {
	if !artifactNameRE.MatchString(name) {
		return errs.Errorf(errs.NotFound, "artifact %q not found", name)
	}
	return nil
}

// BlobArtifacts is ArtifactStore on a blob container: blob `<job id>/<name>`, content type
// on the blob, sha256 as metadata.
type BlobArtifacts struct {
	c   *container.Client
	svc *service.Client // for user delegation SAS (identity-based storage); see artifact_sas.go
}

// Put implements ArtifactStore: streams r to the blob, hashing as it goes, then records
// the hash as metadata.
func (s *BlobArtifacts) Put(ctx context.Context, jobID, name, contentType string, r io.Reader) (Artifact, error) {
	if err := ValidArtifactName(name); err != nil {
		return Artifact{}, err
	}
	h := sha256.New()
	cr := &countingReader{r: io.TeeReader(r, h)}
	bc := s.c.NewBlockBlobClient(jobID + "/" + name)
	if _, err := bc.UploadStream(ctx, cr, &blockblob.UploadStreamOptions{HTTPHeaders: &blob.HTTPHeaders{BlobContentType: &contentType}}); err != nil {
		return Artifact{}, fmt.Errorf("uploading artifact %s of %s: %w", name, jobID, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if _, err := bc.SetMetadata(ctx, map[string]*string{"sha256": &sum}, nil); err != nil {
		return Artifact{}, fmt.Errorf("recording sha256 of artifact %s: %w", name, err)
	}
	return Artifact{Name: name, Size: cr.n, ContentType: contentType, SHA256: sum}, nil
}

// Create implements ArtifactStore: one upload carrying content, content type and sha256,
// conditional on the blob not existing (If-None-Match: *); when it exists, its bytes win.
func (s *BlobArtifacts) Create(ctx context.Context, jobID, name, contentType string, data []byte) (Artifact, []byte, error) {
	if err := ValidArtifactName(name); err != nil {
		return Artifact{}, nil, err
	}
	sum := sha256.Sum256(data)
	hexSum := hex.EncodeToString(sum[:])
	bc := s.c.NewBlockBlobClient(jobID + "/" + name)
	any := azcore.ETagAny
	_, err := bc.UploadBuffer(ctx, data, &blockblob.UploadBufferOptions{
		HTTPHeaders:      &blob.HTTPHeaders{BlobContentType: &contentType},
		Metadata:         map[string]*string{"sha256": &hexSum},
		AccessConditions: &blob.AccessConditions{ModifiedAccessConditions: &blob.ModifiedAccessConditions{IfNoneMatch: &any}},
	})
	switch {
	case err == nil:
		return Artifact{Name: name, Size: int64(len(data)), ContentType: contentType, SHA256: hexSum}, data, nil
	case isStatus(err, http.StatusConflict) || isStatus(err, http.StatusPreconditionFailed):
		a, rc, oerr := s.Open(ctx, jobID, name)
		if oerr != nil {
			return Artifact{}, nil, oerr
		}
		defer rc.Close()
		b, rerr := io.ReadAll(rc)
		if rerr != nil {
			return Artifact{}, nil, fmt.Errorf("reading artifact %s of %s: %w", name, jobID, rerr)
		}
		return a, b, nil
	default:
		return Artifact{}, nil, fmt.Errorf("creating artifact %s of %s: %w", name, jobID, err)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func metaSHA(m map[string]*string) string {
	for k, v := range m {
		if strings.EqualFold(k, "sha256") && v != nil {
			return *v
		}
	}
	return ""
}

// List implements ArtifactStore.
func (s *BlobArtifacts) List(ctx context.Context, jobID string) ([]Artifact, error) {
	prefix := jobID + "/"
	pager := s.c.NewListBlobsFlatPager(&container.ListBlobsFlatOptions{Prefix: &prefix, Include: container.ListBlobsInclude{Metadata: true}})
	out := []Artifact{}
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing artifacts of %s: %w", jobID, err)
		}
		for _, it := range page.Segment.BlobItems {
			a := Artifact{Name: strings.TrimPrefix(deref(it.Name), prefix), SHA256: metaSHA(it.Metadata)}
			if it.Properties != nil {
				if it.Properties.ContentLength != nil {
					a.Size = *it.Properties.ContentLength
				}
				a.ContentType = deref(it.Properties.ContentType)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Open implements ArtifactStore.
func (s *BlobArtifacts) Open(ctx context.Context, jobID, name string) (Artifact, io.ReadCloser, error) {
	if err := ValidArtifactName(name); err != nil {
		return Artifact{}, nil, err
	}
	resp, err := s.c.NewBlobClient(jobID+"/"+name).DownloadStream(ctx, nil)
	if err != nil {
		if isStatus(err, http.StatusNotFound) {
			return Artifact{}, nil, errs.Errorf(errs.NotFound, "artifact %s not found", name)
		}
		return Artifact{}, nil, fmt.Errorf("opening artifact %s of %s: %w", name, jobID, err)
	}
	a := Artifact{Name: name, ContentType: deref(resp.ContentType), SHA256: metaSHA(resp.Metadata)}
	if resp.ContentLength != nil {
		a.Size = *resp.ContentLength
	}
	return a, resp.Body, nil
}
