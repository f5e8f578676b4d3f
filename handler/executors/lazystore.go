package executors

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/worker"
)

// ErrGraphUnavailable is in the chain of every error LazyStore returns while the graph store
// is not open. The worker never treats it as permanent: the message is redelivered.
var ErrGraphUnavailable = errors.New("graph store unavailable")

// Graph store states reported by GET /health (checks.graph).
const (
	GraphConnecting  = "connecting"  // not opened yet, first attempts under way
	GraphOK          = "ok"          // open
	GraphUnavailable = "unavailable" // the last attempt failed; retrying with backoff
)

// LazyStore is a graph.Store opened on first use and retried with backoff: the service
// starts without its graph store, registers every executor anyway, and jobs that need the
// store fail their attempt with a retryable "graph store unavailable" until it opens.
type LazyStore struct {
	Open        func(ctx context.Context) (graph.Store, error)
	Logger      *slog.Logger
	BaseBackoff time.Duration // first retry delay (default 1s), doubling
	MaxBackoff  time.Duration // cap of the delay (default 30s)
	OpenTimeout time.Duration // bound of one attempt (default 20s)

	mu       sync.Mutex
	opening  chan struct{} // closed when the running attempt ends; nil when none runs
	st       graph.Store
	lastErr  error
	attempts int
	nextTry  time.Time
	closed   bool
}

func (l *LazyStore) logger() *slog.Logger {
	if l.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Logger
}

// State is GraphOK, GraphConnecting or GraphUnavailable.
func (l *LazyStore) State() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.st != nil:
		return GraphOK
	case l.lastErr == nil:
		return GraphConnecting
	default:
		return GraphUnavailable
	}
}

func (l *LazyStore) unavailable(cause error) error {
	if cause == nil {
		cause = errors.New("not opened yet")
	}
	return &errs.Error{Code: errs.Unavailable, Message: "graph store unavailable", RetryAfter: 30 * time.Second,
		Err: graphUnavailable{cause}}
}

// graphUnavailable is the cause of a LazyStore error: it reads as the cause and matches
// ErrGraphUnavailable.
type graphUnavailable struct{ cause error }

func (g graphUnavailable) Error() string        { return g.cause.Error() }
func (g graphUnavailable) Unwrap() error        { return g.cause }
func (g graphUnavailable) Is(target error) bool { return target == ErrGraphUnavailable }

// Store returns the open store, attempting to open it when no attempt is under way and the
// backoff has passed. While it is not open the error wraps ErrGraphUnavailable.
func (l *LazyStore) Store(ctx context.Context) (graph.Store, error) { return l.store(ctx, true) }

// store is Store; wait=false does not wait for a running attempt (health).
func (l *LazyStore) store(ctx context.Context, wait bool) (graph.Store, error) {
	l.mu.Lock()
	if l.st != nil {
		st := l.st
		l.mu.Unlock()
		return st, nil
	}
	if l.closed {
		l.mu.Unlock()
		return nil, l.unavailable(errors.New("closed"))
	}
	if l.opening == nil && !time.Now().Before(l.nextTry) {
		l.opening = make(chan struct{})
		go l.attempt(l.opening)
	}
	running := l.opening
	l.mu.Unlock()
	if running != nil && wait {
		select { // wait for the running attempt, as long as the caller allows
		case <-running:
		case <-ctx.Done():
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.st != nil {
		return l.st, nil
	}
	return nil, l.unavailable(l.lastErr)
}

// attempt opens the store once (detached from any request) and records the outcome.
func (l *LazyStore) attempt(done chan struct{}) {
	timeout := l.OpenTimeout
	if timeout <= 0 {
		timeout = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	st, err := l.Open(ctx)
	l.mu.Lock()
	defer func() {
		l.opening = nil
		l.mu.Unlock()
		close(done)
	}()
	if err == nil && st == nil {
		err = errors.New("opener returned no store")
	}
	if err != nil {
		l.attempts++
		base, maxB := l.BaseBackoff, l.MaxBackoff
		if base <= 0 {
			base = time.Second
		}
		if maxB <= 0 {
			maxB = 30 * time.Second
		}
		delay := worker.Backoff(l.attempts, base, maxB)
		l.lastErr, l.nextTry = err, time.Now().Add(delay)
		l.logger().Warn("graph store unavailable; will retry", "attempt", l.attempts, "retry_in", delay.String(), "err", err)
		return
	}
	if l.closed {
		_ = st.Close(context.Background())
		return
	}
	if l.attempts > 0 {
		l.logger().Info("graph store open", "after_attempts", l.attempts+1)
	}
	l.st, l.lastErr = st, nil
}

// Run keeps opening the store in the background until it is open or ctx ends, so health
// turns ok and the first job finds the store ready without waiting for traffic.
func (l *LazyStore) Run(ctx context.Context) {
	for {
		_, err := l.Store(ctx)
		if err == nil || ctx.Err() != nil {
			return
		}
		l.mu.Lock()
		wait := time.Until(l.nextTry)
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(max(wait, 10*time.Millisecond)):
		}
	}
}

// ---- graph.Store ----

var _ graph.Store = (*LazyStore)(nil)

func (l *LazyStore) Init(ctx context.Context) error {
	st, err := l.Store(ctx)
	if err != nil {
		return err
	}
	return st.Init(ctx)
}

func (l *LazyStore) UpsertNodes(ctx context.Context, tenantID, scanID string, nodes []graph.Node) error {
	st, err := l.Store(ctx)
	if err != nil {
		return err
	}
	return st.UpsertNodes(ctx, tenantID, scanID, nodes)
}

func (l *LazyStore) UpsertEdges(ctx context.Context, tenantID, scanID string, edges []graph.Edge) (int, error) {
	st, err := l.Store(ctx)
	if err != nil {
		return 0, err
	}
	return st.UpsertEdges(ctx, tenantID, scanID, edges)
}

func (l *LazyStore) GetNode(ctx context.Context, tenantID, id string) (graph.Node, error) {
	st, err := l.Store(ctx)
	if err != nil {
		return graph.Node{}, err
	}
	return st.GetNode(ctx, tenantID, id)
}

func (l *LazyStore) Nodes(ctx context.Context, tenantID string, q graph.NodeQuery, fn func(graph.Node) error) error {
	st, err := l.Store(ctx)
	if err != nil {
		return err
	}
	return st.Nodes(ctx, tenantID, q, fn)
}

func (l *LazyStore) Edges(ctx context.Context, tenantID string, q graph.EdgeQuery, fn func(graph.Edge) error) error {
	st, err := l.Store(ctx)
	if err != nil {
		return err
	}
	return st.Edges(ctx, tenantID, q, fn)
}

func (l *LazyStore) Stats(ctx context.Context, tenantID string) (graph.Stats, error) {
	st, err := l.Store(ctx)
	if err != nil {
		return graph.Stats{}, err
	}
	return st.Stats(ctx, tenantID)
}

func (l *LazyStore) DeleteStale(ctx context.Context, tenantID, scanID string, scope graph.Scope) (graph.DeleteResult, error) {
	st, err := l.Store(ctx)
	if err != nil {
		return graph.DeleteResult{}, err
	}
	return st.DeleteStale(ctx, tenantID, scanID, scope)
}

func (l *LazyStore) NodeHeads(ctx context.Context, tenantID string, fn func(graph.NodeHead) error) error {
	st, err := l.Store(ctx)
	if err != nil {
		return err
	}
	return st.NodeHeads(ctx, tenantID, fn)
}

func (l *LazyStore) DeleteNodes(ctx context.Context, tenantID string, ids []string) (graph.DeleteResult, error) {
	st, err := l.Store(ctx)
	if err != nil {
		return graph.DeleteResult{}, err
	}
	return st.DeleteNodes(ctx, tenantID, ids)
}

func (l *LazyStore) DeleteEdges(ctx context.Context, tenantID string, edges []graph.Edge) (int, error) {
	st, err := l.Store(ctx)
	if err != nil {
		return 0, err
	}
	return st.DeleteEdges(ctx, tenantID, edges)
}

func (l *LazyStore) DeleteTenant(ctx context.Context, tenantID string) error {
	st, err := l.Store(ctx)
	if err != nil {
		return err
	}
	return st.DeleteTenant(ctx, tenantID)
}

func (l *LazyStore) Tenants(ctx context.Context) ([]string, error) {
	st, err := l.Store(ctx)
	if err != nil {
		return nil, err
	}
	return st.Tenants(ctx)
}

// Ping checks the open store; while it is not open it starts an attempt when one is due
// and answers at once (health calls it).
func (l *LazyStore) Ping(ctx context.Context) error {
	st, err := l.store(ctx, false)
	if err != nil {
		return err
	}
	return st.Ping(ctx)
}

// Close closes the store if it was opened; later calls fail as unavailable.
func (l *LazyStore) Close(ctx context.Context) error {
	l.mu.Lock()
	st := l.st
	l.st, l.closed = nil, true
	l.mu.Unlock()
	if st == nil {
		return nil
	}
	return st.Close(ctx)
}
