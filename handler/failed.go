package handler

import "github.com/atg-go/atg/errs"

// failed codes an executor step's uncoded error as errs.Failed: the engine codes what it can
// classify (invalid input, a missing graph, a store outage), so what is left is deterministic
// for this job's input and a redelivery would fail the same way. Coded errors keep their code.
func failed(err error) error {
	if err == nil || errs.CodeOf(err) != errs.Internal {
		return err
	}
	return errs.Wrap(errs.Failed, err, err.Error())
}
