package executors

import (
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/jobs"
)

// failed codes an executor step's uncoded error as errs.Failed: the engine codes what it can
// classify (invalid input, a missing graph, a store outage), so what is left is deterministic
// for this job's input and a redelivery would fail the same way. Coded errors keep their code.
func failed(err error) error {
	if err == nil || errs.CodeOf(err) != errs.Internal {
		return err
	}
	return errs.Wrap(errs.Failed, err, err.Error())
}

// storageError keeps coded errors and codes a storage failure unavailable: the job is
// redelivered once storage answers again.
func storageError(doing string, err error) error {
	if err == nil || errs.CodeOf(err) != errs.Internal {
		return err
	}
	return errs.Wrap(errs.Unavailable, err, "storage is unavailable while "+doing+"; retry later")
}

// progressOf is a progress report of an executor step.
func progressOf(phase string, percent int, msg string) jobs.Progress {
	return jobs.Progress{Phase: phase, Percent: percent, Message: msg}
}
