package executors

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/errs"
)

func TestLazyStoreRetriesWithBackoff(t *testing.T) {
	var calls atomic.Int32
	var up atomic.Bool
	real := openBolt(t)
	l := &LazyStore{BaseBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond,
		Open: func(context.Context) (graph.Store, error) {
			calls.Add(1)
			if !up.Load() {
				return nil, errors.New("connection refused")
			}
			return real, nil
		}}
	if l.State() != GraphConnecting {
		t.Fatalf("initial state %s", l.State())
	}
	_, err := l.Tenants(t.Context())
	if !errors.Is(err, ErrGraphUnavailable) || errs.CodeOf(err) != errs.Unavailable || !errs.Retryable(err) {
		t.Fatalf("while down: %v (code %s, permanent %v)", err, errs.CodeOf(err), !errs.Retryable(err))
	}
	if !errs.Retryable(failed(fmt.Errorf("generating: %w", err))) {
		t.Error("an executor coding its step's error must keep the store's unavailable: retried")
	}
	if l.State() != GraphUnavailable {
		t.Fatalf("state after a failed attempt: %s", l.State())
	}
	// within the backoff: no new attempt, immediate unavailable
	n := calls.Load()
	if err := l.Ping(t.Context()); err == nil || calls.Load() != n {
		t.Fatalf("ping within backoff: %v, calls %d -> %d", err, n, calls.Load())
	}
	up.Store(true)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	l.Run(ctx)
	if l.State() != GraphOK {
		t.Fatalf("state after Run: %s", l.State())
	}
	if _, err := l.Tenants(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func openBolt(t *testing.T) graph.Store {
	t.Helper()
	s, err := stores.Open(context.Background(), stores.Options{Graph: filepath.Join(t.TempDir(), "graph.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}
