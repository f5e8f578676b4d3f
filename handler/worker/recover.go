package worker

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/atg-go/atg/handler/jobs"
)

// panicError is a panic recovered in a job step. A panic is a bug: the job fails at once (no
// redelivery would help) with code internal and its id; the stack goes to the log only.
type panicError struct {
	jobID string
	value any
}

func (p *panicError) Error() string {
	return fmt.Sprintf("internal error while running job %s (a bug; the service log has the stack under this job id)", p.jobID)
}

// guard runs one job step (executor call) and turns a panic into a *panicError, logging the
// stack with the job id. The process, and the other jobs in it, keep running.
func guard(jobID string, log *slog.Logger, fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("panic in job executor", "job_id", jobID, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = &panicError{jobID: jobID, value: v}
		}
	}()
	err = fn()
	var pe recoveredPanic // recovered in one of the engine's goroutines (engine/safego.PanicError)
	if errors.As(err, &pe) {
		v, stack := pe.Panic()
		log.Error("panic in job executor", "job_id", jobID, "panic", fmt.Sprint(v), "stack", string(stack))
		err = &panicError{jobID: jobID, value: v}
	}
	return err
}

// recoveredPanic is a panic recovered and returned as an error (engine/safego.PanicError).
type recoveredPanic interface {
	error
	Panic() (value any, stack []byte)
}

// GuardMessage is the last line of defence around a whole queue message (poller, Functions
// invocation): a panic outside the executor (decoding, storage) becomes an error, so the
// message is retried and finally poisoned instead of taking the process down.
func GuardMessage(log *slog.Logger, m jobs.Message, fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("panic while processing a queue message", "job_id", m.JobID, "kind", m.Kind, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic while processing %s %s: %v", m.Kind, m.JobID, v)
		}
	}()
	return fn()
}

func isPanic(err error) bool {
	var pe *panicError
	return errors.As(err, &pe)
}
