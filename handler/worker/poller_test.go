package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue"

	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/internal/testenv"
)

func pollerQueues(t *testing.T) (*jobs.Azure, *azqueue.QueueClient, *azqueue.QueueClient) {
	t.Helper()
	testenv.Integration(t)
	conn := testenv.RequireAzurite(t)
	rnd := make([]byte, 5)
	_, _ = rand.Read(rnd)
	prefix := "p" + hex.EncodeToString(rnd)
	az, err := jobs.OpenAzureConnectionString(t.Context(), conn, jobs.Names{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		az.DropAll(ctx)
	})
	return az, az.QueueClient(az.Names.JobsQueue()), az.QueueClient(jobs.PoisonQueue(az.Names.JobsQueue()))
}

// A message worked on longer than the visibility timeout stays invisible (renewed) and is
// handled once; SIGTERM-style stop releases an in-flight message at once.
func TestPollerRenewsAndReleases(t *testing.T) {
	az, q, poison := pollerQueues(t)
	ctx := t.Context()
	m := jobs.Message{JobID: "job_1", Owner: "alice", Type: "scan", Kind: jobs.KindStart}
	if err := az.Backend.Queue.Enqueue(ctx, m); err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	release := make(chan struct{})
	p := &Poller{Queues: []PolledQueue{{Client: q, Poison: poison, Handle: func(ctx context.Context, got jobs.Message, dc int) error {
		n := calls.Add(1)
		if got != m || dc != int(n) {
			t.Errorf("call %d: %+v dequeue %d", n, got, dc)
		}
		if n == 1 {
			select { // outlive the 3s visibility timeout, then be stopped
			case <-release:
			case <-ctx.Done():
			}
			return ctx.Err()
		}
		return nil
	}}}, Workers: 2, VisibilityTimeout: 3 * time.Second, Grace: 200 * time.Millisecond}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = p.Run(runCtx); close(done) }()
	time.Sleep(5 * time.Second)
	if n := calls.Load(); n != 1 {
		t.Fatalf("message delivered %d times while being worked on; renewal broken", n)
	}
	stopped := time.Now()
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("poller did not stop after its grace period")
	}
	if d := time.Since(stopped); d > 2*time.Second {
		t.Fatalf("stop took %s (grace 200ms)", d)
	}
	close(release)
	// released: visible again immediately, second delivery succeeds and deletes it
	p2 := *p
	p2.Grace = time.Second
	ctx2, stop2 := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _ = p2.Run(ctx2) }()
	deadline := time.Now().Add(3 * time.Second)
	for calls.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	stop2()
	wg.Wait()
	if calls.Load() != 2 {
		t.Fatalf("released message not redelivered promptly (calls %d)", calls.Load())
	}
	props, _ := q.GetProperties(ctx, nil)
	if props.ApproximateMessagesCount == nil || *props.ApproximateMessagesCount != 0 {
		t.Fatalf("queue still holds %v messages after success", props.ApproximateMessagesCount)
	}
}

// Undecodable text (a producer that skipped the base64 rule) goes straight to poison.
func TestPollerPoisonsUndecodable(t *testing.T) {
	_, q, poison := pollerQueues(t)
	ctx := t.Context()
	if _, err := q.EnqueueMessage(ctx, `{"job_id":"raw json, not base64"}`, nil); err != nil {
		t.Fatal(err)
	}
	p := &Poller{Queues: []PolledQueue{{Client: q, Poison: poison, Handle: func(context.Context, jobs.Message, int) error {
		t.Error("handler called for an undecodable message")
		return nil
	}}}, Workers: 1, VisibilityTimeout: 3 * time.Second, Grace: time.Second}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = p.Run(runCtx); close(done) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		props, err := poison.GetProperties(ctx, nil)
		if err == nil && props.ApproximateMessagesCount != nil && *props.ApproximateMessagesCount == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("undecodable message not moved to the poison queue")
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	<-done
}
