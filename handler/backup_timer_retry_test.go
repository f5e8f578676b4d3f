package handler

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/jobs"
)

// fastTimerRetries shortens the timer's retry delays for a test.
func fastTimerRetries(t *testing.T) {
	old := backup.TimerRetryDelays
	backup.TimerRetryDelays = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond, time.Millisecond}
	t.Cleanup(func() { backup.TimerRetryDelays = old })
}

// flakyQueue fails its first n enqueues.
type flakyQueue struct {
	jobs.Queue
	fails atomic.Int32
}

func (q *flakyQueue) Enqueue(ctx context.Context, m jobs.Message) error {
	if q.fails.Add(-1) >= 0 {
		return errors.New("queue service unavailable")
	}
	return q.Queue.Enqueue(ctx, m)
}

// A storage hiccup during the daily timer invocation costs retries, not the day's
func TestBackupTimerRetriesEnqueue(t *testing.T) {
	fastTimerRetries(t)
	f, _, _, _ := backupFixture(t)
	fq := &flakyQueue{Queue: f.b.Queue}
	fq.fails.Store(3)
	f.b.Queue = fq
	now := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	h := backup.TimerHandler(f.b, f.deps.Logger, func() time.Time { return now })
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/"+backup.FunctionBackupTimer, strings.NewReader(string(timerPayload(t)))))
	if rec.Code != 200 || len(f.q.Messages) != 1 {
		t.Fatalf("after 3 failed enqueues: %d %s, queued %+v", rec.Code, rec.Body, f.q.Messages)
	}
	if n := strings.Count(f.logs.String(), "retrying"); n != 3 {
		t.Errorf("%d retry warnings logged, want 3:\n%s", n, f.logs)
	}
	// one job for the day, queued: the failed attempts freed the day's claim each time
	list, _, err := f.b.Jobs.List(t.Context(), jobs.ListQuery{Owner: backup.BackupTimerOwner, Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	queued := 0
	for _, j := range list {
		if j.Status == jobs.Queued {
			queued++
		}
	}
	if queued != 1 {
		t.Errorf("%d queued timer jobs, want 1: %+v", queued, list)
	}
}

// A timer job whose message was lost (the invocation died between creating and queueing it)
// is queued again by the day's next tick, not skipped as "already exists".
func TestBackupTimerRequeuesLostMessage(t *testing.T) {
	f, _, _, _ := backupFixture(t)
	now := time.Date(2027, 3, 14, 10, 0, 30, 0, time.UTC) // early in an hour: +16 min stays in it (the claim is per UTC hour)
	j, created, err := backup.QueueDailyBackup(t.Context(), f.b, now)
	if err != nil || !created {
		t.Fatal(created, err)
	}
	f.q.Drain() // the message is lost
	if _, created, err := backup.QueueDailyBackup(t.Context(), f.b, now.Add(time.Minute)); err != nil || created || len(f.q.Messages) != 0 {
		t.Fatalf("a minute later (message may be in flight): created=%v %v %+v", created, err, f.q.Messages)
	}
	j2, created, err := backup.QueueDailyBackup(t.Context(), f.b, now.Add(backup.StaleQueuedBackup+time.Minute))
	if err != nil || !created || j2.ID != j.ID || len(f.q.Messages) != 1 || f.q.Messages[0].JobID != j.ID {
		t.Fatalf("next tick of the day: created=%v %v %+v", created, err, f.q.Messages)
	}
}
