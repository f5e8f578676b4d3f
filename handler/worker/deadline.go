package worker

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Per-invocation deadline. When an invocation reaches host.json functionTimeout the host
// restarts the whole handler process, failing every other invocation in flight on the
// instance. Each queue invocation therefore runs under its own, shorter deadline
// (ATG_INVOCATION_TIMEOUT, default 25 min against the 30 min functionTimeout): a job that
// reaches it keeps what it has checkpointed (done shards, the plan, stored artifacts), fails
// this attempt with a DeadlineError (500: the host redelivers the message, and the next
// delivery resumes), and the process and its other invocations carry on.

// DefaultInvocationTimeout is the per-invocation deadline of queue work.
const DefaultInvocationTimeout = 25 * time.Minute

// ErrInvocationDeadline matches every DeadlineError.
var ErrInvocationDeadline = errors.New("invocation deadline exceeded")

// DeadlineError is why an attempt ended at its invocation deadline.
type DeadlineError struct {
	Limit time.Duration
}

func (e *DeadlineError) Error() string {
	return fmt.Sprintf("the invocation reached its %s deadline (ATG_INVOCATION_TIMEOUT, kept below the host's functionTimeout); "+
		"completed steps are kept and the next delivery resumes", e.Limit)
}

func (e *DeadlineError) Is(target error) bool { return target == ErrInvocationDeadline }

// withInvocationDeadline bounds ctx by d, with a DeadlineError as the cause.
func withInvocationDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, &DeadlineError{Limit: d})
}

// deadlineCause returns the DeadlineError that ended ctx, if that is what ended it.
func deadlineCause(ctx context.Context) (*DeadlineError, bool) {
	var de *DeadlineError
	if ctx.Err() == nil || !errors.As(context.Cause(ctx), &de) {
		return nil, false
	}
	return de, true
}
