package neo4jstore

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/atg-go/atg/errs"
)

// unavailable codes the errors that mean the server is not there — connectivity errors,
// refused or reset connections, pool and routing timeouts, transient server states, retries
// given up — as errs.Unavailable, so callers retry later instead of guessing with a ping.
// Every other error keeps its code (a bad query stays internal).
func unavailable(err error) error {
	if err == nil || errs.CodeOf(err) != errs.Internal {
		return err
	}
	var (
		ne    net.Error
		usage *neo4j.UsageError
		conn  *neo4j.ConnectivityError // no Unwrap: matched by type
		limit *neo4j.TransactionExecutionLimit
	)
	switch {
	case errors.As(err, &usage):
		return err // a closed driver or session, a bad call: a bug, not an outage
	case errors.As(err, &conn), errors.As(err, &limit), neo4j.IsRetryable(err), errors.As(err, &ne), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE):
		return errs.Wrap(errs.Unavailable, err, err.Error())
	}
	return err
}

// executeRead and executeWrite are the session's managed transactions with their errors
// classified (unavailable).
func executeRead(ctx context.Context, sess neo4j.SessionWithContext, work neo4j.ManagedTransactionWork, cfg ...func(*neo4j.TransactionConfig)) (any, error) {
	out, err := sess.ExecuteRead(ctx, work, cfg...)
	return out, unavailable(err)
}

// deadlockRetryBudget bounds how long executeWrite keeps retrying a transaction that lost a
// deadlock (the driver's own MaxTransactionRetryTime is 30 s too).
const deadlockRetryBudget = 30 * time.Second

// deadlockRetries counts the transactions executeWrite ran again after a deadlock (for the
// ingest benchmark's report).
var deadlockRetries atomic.Int64

// deadlockError carries a deadlock out of a transaction function, so the driver does not retry
// the transaction after its fixed one-second back-off (neo4j-go-driver v5's first retry waits
// 1 s, then 2 s, …: one deadlock between two concurrent batches cost a whole second of a 2-s
// load); executeWrite retries it after a few milliseconds instead.
type deadlockError struct{ err error }

// Error and no Unwrap: the driver retries whatever wraps a retryable Neo4jError.
func (e *deadlockError) Error() string { return e.err.Error() }

// isDeadlock reports whether err is Neo4j's deadlock detection aborting this transaction
// (Neo.TransientError.Transaction.DeadlockDetected): the other transaction goes on, and this
// one succeeds when run again.
func isDeadlock(err error) bool {
	var ne *neo4j.Neo4jError
	return errors.As(err, &ne) && strings.HasSuffix(ne.Code, ".DeadlockDetected")
}

// executeWrite runs work in a managed write transaction; a deadlock raised while work runs is
// retried at once with a short jittered back-off (5 ms doubling, for up to
// deadlockRetryBudget), other transient errors by the driver.
func executeWrite(ctx context.Context, sess neo4j.SessionWithContext, work neo4j.ManagedTransactionWork, cfg ...func(*neo4j.TransactionConfig)) (any, error) {
	guarded := func(tx neo4j.ManagedTransaction) (any, error) {
		out, err := work(tx)
		if isDeadlock(err) {
			return nil, &deadlockError{err}
		}
		return out, err
	}
	deadline := time.Now().Add(deadlockRetryBudget)
	for delay := 5 * time.Millisecond; ; delay = min(2*delay, time.Second) {
		out, err := sess.ExecuteWrite(ctx, guarded, cfg...)
		var de *deadlockError
		if !errors.As(err, &de) {
			return out, unavailable(err)
		}
		if time.Now().After(deadline) {
			return nil, unavailable(de.err)
		}
		deadlockRetries.Add(1)
		t := time.NewTimer(delay/2 + rand.N(delay))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}
