package jobs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/internal/testenv"
)

func randomPrefix(t *testing.T) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return "t" + hex.EncodeToString(b)
}

func openTestAzure(t *testing.T) *Azure {
	t.Helper()
	conn := testenv.RequireAzurite(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := OpenAzureConnectionString(ctx, conn, Names{Prefix: randomPrefix(t)})
	if err != nil {
		t.Fatalf("open azure: %v", err)
	}
	t.Cleanup(func() { a.DropAll(context.Background()) })
	return a
}

func backends(t *testing.T) map[string]*Backend {
	mem, _ := NewMemoryBackend()
	out := map[string]*Backend{"memory": mem}
	if !testing.Short() || testenv.InCI() { // -short leaves Azurite out, never under CI
		out["azure"] = openTestAzure(t).Backend
	}
	return out
}

func newJob(owner, typ string, now time.Time) Job {
	return Job{ID: NewID(now), Type: typ, Status: Queued, Owner: owner, Request: json.RawMessage(`{"tenant_id":"x"}`), CreatedAt: now.UTC()}
}

func TestStoreConformance(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			s := b.Jobs
			now := time.Now()
			j := newJob("alice", TypeScan, now)
			if err := s.Create(ctx, j); err != nil {
				t.Fatal(err)
			}
			if err := s.Create(ctx, j); !errs.Is(err, errs.Conflict) {
				t.Fatalf("duplicate create: %v, want conflict", err)
			}
			got, err := s.Get(ctx, "alice", j.ID)
			if err != nil || got.Status != Queued || string(got.Request) != `{"tenant_id":"x"}` || !got.CreatedAt.Equal(j.CreatedAt) {
				t.Fatalf("get: %+v %v", got, err)
			}
			if _, err := s.Get(ctx, "bob", j.ID); !errs.Is(err, errs.NotFound) {
				t.Fatalf("other owner get: %v, want not_found", err)
			}
			if f, err := s.Find(ctx, j.ID); err != nil || f.Owner != "alice" {
				t.Fatalf("find: %+v %v", f, err)
			}
			if _, err := s.Find(ctx, NewID(now)); !errs.Is(err, errs.NotFound) {
				t.Fatalf("find missing: %v", err)
			}
			// invalid transition
			if _, err := s.Update(ctx, "alice", j.ID, func(j *Job) error { return j.Transition(Succeeded, now) }); !errs.Is(err, errs.Conflict) {
				t.Fatalf("queued->succeeded: %v, want conflict", err)
			}
			// concurrent updates all land (ETag retry)
			var wg sync.WaitGroup
			for i := 0; i < 8; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.Update(ctx, "alice", j.ID, func(j *Job) error { j.Attempts++; return nil }); err != nil {
						t.Errorf("concurrent update: %v", err)
					}
				}()
			}
			wg.Wait()
			got, _ = s.Get(ctx, "alice", j.ID)
			if got.Attempts != 8 {
				t.Fatalf("attempts = %d after 8 concurrent increments, want 8 (lost update)", got.Attempts)
			}
			// large result spills and round-trips
			big := json.RawMessage(`{"blob":"` + strings.Repeat("x", 100<<10) + `"}`)
			_, err = s.Update(ctx, "alice", j.ID, func(j *Job) error {
				if err := j.Transition(Running, now); err != nil {
					return err
				}
				j.Progress = &Progress{Percent: 50, Phase: "discover", Counts: map[string]int{"resources": 3}}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Update(ctx, "alice", j.ID, func(j *Job) error { j.Result = big; return j.Transition(Succeeded, now) })
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.Update(ctx, "alice", j.ID, func(j *Job) error { j.Attempts = 99; return nil }) // keeps the spilled ref
			if err != nil {
				t.Fatal(err)
			}
			got, _ = s.Get(ctx, "alice", j.ID)
			if !bytes.Equal(got.Result, big) || got.Status != Succeeded || got.FinishedAt == nil || got.StartedAt == nil || got.Progress.Counts["resources"] != 3 {
				t.Fatalf("after finish: status %s result %d bytes progress %+v", got.Status, len(got.Result), got.Progress)
			}

			// listing: filters, isolation, paging with cursor
			ids := map[string]bool{}
			for i := 0; i < 5; i++ {
				k := newJob("bob", TypeGenerateIaC, now.Add(time.Duration(i)*time.Millisecond))
				if i%2 == 0 {
					k.Type = TypeScan
				}
				if err := s.Create(ctx, k); err != nil {
					t.Fatal(err)
				}
				ids[k.ID] = true
			}
			seen := map[string]bool{}
			cur := ""
			pages := 0
			for {
				page, next, err := s.List(ctx, ListQuery{Owner: "bob", Limit: 2, Cursor: cur})
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for _, p := range page {
					if p.Owner != "bob" || seen[p.ID] {
						t.Fatalf("list: unexpected %s/%s", p.Owner, p.ID)
					}
					seen[p.ID] = true
				}
				if next == "" {
					break
				}
				cur = next
				if pages > 10 {
					t.Fatal("cursor loops")
				}
			}
			if len(seen) != 5 || pages < 3 {
				t.Fatalf("listed %d jobs in %d pages, want 5 in >= 3", len(seen), pages)
			}
			page, _, err := s.List(ctx, ListQuery{Owner: "bob", Type: TypeScan, Limit: 100})
			if err != nil || len(page) != 3 {
				t.Fatalf("type filter: %d jobs, %v", len(page), err)
			}
			page, _, err = s.List(ctx, ListQuery{Status: Succeeded, Limit: 100})
			if err != nil || len(page) != 1 || page[0].ID != j.ID {
				t.Fatalf("status filter across owners: %v %v", page, err)
			}
			if _, _, err := s.List(ctx, ListQuery{Owner: "bob", Limit: 2, Cursor: "!!!"}); !errs.Is(err, errs.Invalid) {
				t.Fatalf("bad cursor: %v", err)
			}
		})
	}
}

func TestShardsIdempotencyArtifacts(t *testing.T) {
	for name, b := range backends(t) {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			for i := 0; i < 2; i++ { // redelivery marks twice
				for _, sh := range []string{"sub-1", "sub-2", "entra"} {
					if err := b.Shards.MarkDone(ctx, "job1", sh, map[string]int{"resources": 2}); err != nil {
						t.Fatal(err)
					}
				}
			}
			if n, sum, err := b.Shards.Done(ctx, "job1"); err != nil || n != 3 || sum["resources"] != 6 {
				t.Fatalf("done = %d %v, %v; want 3 shards, 6 resources", n, sum, err)
			}
			if ok, _ := b.Shards.IsDone(ctx, "job1", "sub-9"); ok {
				t.Fatal("IsDone for unknown shard")
			}

			now := time.Now()
			rec := IdempotencyRecord{BodyHash: "h1", JobID: "j1", CreatedAt: now}
			if _, claimed, err := b.Idempotency.Claim(ctx, "alice", "k1", rec); err != nil || !claimed {
				t.Fatalf("first claim: %v %v", claimed, err)
			}
			ex, claimed, err := b.Idempotency.Claim(ctx, "alice", "k1", IdempotencyRecord{BodyHash: "h2", JobID: "j2", CreatedAt: now})
			if err != nil || claimed || ex.JobID != "j1" || ex.BodyHash != "h1" {
				t.Fatalf("second claim: %+v %v %v", ex, claimed, err)
			}
			if _, claimed, _ := b.Idempotency.Claim(ctx, "bob", "k1", rec); !claimed {
				t.Fatal("keys must be per owner")
			}
			if err := b.Idempotency.Release(ctx, "alice", "k1"); err != nil {
				t.Fatal(err)
			}
			if _, claimed, _ := b.Idempotency.Claim(ctx, "alice", "k1", rec); !claimed {
				t.Fatal("released key not claimable")
			}
			// Expiry is decided by the claimant's clock, not the store's: a record from a
			// year ago (by the caller's clock) is held until its window ends, then taken over.
			old := time.Date(2025, 6, 1, 23, 59, 0, 0, time.UTC)
			if _, claimed, _ := b.Idempotency.Claim(ctx, "carol", "k2", IdempotencyRecord{BodyHash: "h", JobID: "o1", CreatedAt: old, ExpiresAt: old.Add(time.Minute)}); !claimed {
				t.Fatal("claim at a past date")
			}
			if ex, claimed, _ := b.Idempotency.Claim(ctx, "carol", "k2", IdempotencyRecord{JobID: "o2", CreatedAt: old.Add(59 * time.Second)}); claimed || ex.JobID != "o1" {
				t.Fatalf("within the record's expiry: claimed=%v %+v", claimed, ex)
			}
			if _, claimed, _ := b.Idempotency.Claim(ctx, "carol", "k2", IdempotencyRecord{JobID: "o3", CreatedAt: old.Add(time.Minute)}); !claimed {
				t.Fatal("at the record's expiry the key must be claimable")
			}

			data := bytes.Repeat([]byte("atg artifact\n"), 200000) // ~2.6 MB, multi-block
			a, err := b.Artifacts.Put(ctx, "job1", "scan-summary.json", "application/json", bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(data)
			if a.SHA256 != hex.EncodeToString(sum[:]) || a.Size != int64(len(data)) {
				t.Fatalf("put: %+v", a)
			}
			list, err := b.Artifacts.List(ctx, "job1")
			if err != nil || len(list) != 1 || list[0] != a {
				t.Fatalf("list: %+v %v (want %+v)", list, err, a)
			}
			got, rc, err := b.Artifacts.Open(ctx, "job1", "scan-summary.json")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(rc)
			rc.Close()
			if got != a || !bytes.Equal(body, data) {
				t.Fatalf("open: %+v, %d bytes", got, len(body))
			}
			if _, _, err := b.Artifacts.Open(ctx, "job1", "missing.json"); !errs.Is(err, errs.NotFound) {
				t.Fatalf("missing artifact: %v", err)
			}
			if _, _, err := b.Artifacts.Open(ctx, "job1", "../x"); !errs.Is(err, errs.NotFound) {
				t.Fatalf("traversal: %v", err)
			}

			// Create: the first writer's bytes win, later writers get them back.
			first, second := []byte(`{"duration_s":1.5}`), []byte(`{"duration_s":2.7}`)
			c1, b1, err := b.Artifacts.Create(ctx, "job2", "summary.json", "application/json", first)
			if err != nil || !bytes.Equal(b1, first) {
				t.Fatalf("create: %v %q", err, b1)
			}
			c2, b2, err := b.Artifacts.Create(ctx, "job2", "summary.json", "application/json", second)
			if err != nil || !bytes.Equal(b2, first) || c2.SHA256 != c1.SHA256 {
				t.Fatalf("second create must return the first bytes: %v %q %+v vs %+v", err, b2, c2, c1)
			}
			listed, err := b.Artifacts.List(ctx, "job2")
			fs := sha256.Sum256(first)
			if err != nil || len(listed) != 1 || listed[0].SHA256 != hex.EncodeToString(fs[:]) || listed[0].Size != int64(len(first)) {
				t.Fatalf("listed after create: %+v %v", listed, err)
			}
		})
	}
}

// TestQueueEncodingEndToEnd enqueues through the producer and reads the raw queue text the
// Functions host would see: it must be base64 of the JSON message.
func TestQueueEncodingEndToEnd(t *testing.T) {
	a := openTestAzure(t)
	ctx := t.Context()
	m := Message{JobID: "job_x", Owner: "alice", Type: TypeScan, Kind: KindShard, Shard: "sub-1"}
	if err := a.Backend.Queue.Enqueue(ctx, m); err != nil {
		t.Fatal(err)
	}
	resp, err := a.QueueClient(a.Names.ShardsQueue()).DequeueMessage(ctx, &azqueue.DequeueMessageOptions{})
	if err != nil || len(resp.Messages) != 1 {
		t.Fatalf("dequeue: %v", err)
	}
	text := *resp.Messages[0].MessageText
	if strings.HasPrefix(text, "{") {
		t.Fatalf("message text is raw JSON %q; the host would poison it", text)
	}
	got, err := DecodeMessage(text)
	if err != nil || got != m {
		t.Fatalf("decode: %+v %v", got, err)
	}
}

func TestParseMessageLenient(t *testing.T) {
	want := Message{JobID: "job_1", Owner: "alice", Type: "scan", Kind: KindStart}
	js, _ := json.Marshal(want)
	once, _ := json.Marshal(string(js))
	twice, _ := json.Marshal(string(once))
	b64, _ := EncodeMessage(want)
	b64q, _ := json.Marshal(b64)
	for name, raw := range map[string][]byte{"object": js, "string": once, "double": twice, "base64": []byte(b64), "quoted base64": b64q} {
		got, err := ParseMessage(raw)
		if err != nil || got != want {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
	for _, bad := range []string{``, `"plain text"`, `42`, `{"job_id":"x"}`, `{"job_id":"x","owner":"a","kind":"shard"}`, `[1]`, `"{"`} {
		if _, err := ParseMessage([]byte(bad)); err == nil {
			t.Errorf("ParseMessage(%s) accepted", bad)
		}
	}
	for raw, want := range map[string]int{`3`: 3, `"4"`: 4, `"\"5\""`: 5} {
		if n, err := ParseDequeueCount(json.RawMessage(raw)); err != nil || n != want {
			t.Errorf("DequeueCount %s = %d %v", raw, n, err)
		}
	}
	if _, err := ParseDequeueCount(json.RawMessage(`"x"`)); err == nil {
		t.Error("DequeueCount x accepted")
	}
}

func TestTransitions(t *testing.T) {
	allowed := map[[2]Status]bool{}
	for from, tos := range transitions {
		for _, to := range tos {
			allowed[[2]Status{from, to}] = true
		}
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if from.Terminal() && CanTransition(from, to) {
				t.Errorf("terminal %s -> %s allowed", from, to)
			}
		}
	}
	if !CanTransition(Queued, Running) || !CanTransition(Running, Succeeded) || !CanTransition(Cancelling, Cancelled) || CanTransition(Queued, Succeeded) {
		t.Error("core transitions wrong")
	}
	a, b := NewID(time.Now()), NewID(time.Now().Add(time.Second))
	if !(b < a) || !ValidID(a) || ValidID("job_x") || ValidID(strings.Repeat("a", 30)) {
		t.Errorf("ids: %s %s", a, b)
	}
}
