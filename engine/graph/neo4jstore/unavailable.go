package neo4jstore

import (
	"context"
	"errors"
	"net"
	"syscall"

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

func executeWrite(ctx context.Context, sess neo4j.SessionWithContext, work neo4j.ManagedTransactionWork, cfg ...func(*neo4j.TransactionConfig)) (any, error) {
	out, err := sess.ExecuteWrite(ctx, work, cfg...)
	return out, unavailable(err)
}
