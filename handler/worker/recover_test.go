package worker

import (
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/atg-go/atg/engine/safego"
	"github.com/atg-go/atg/errs"
)

// A panic in the executor's goroutine, or one the engine recovered in its own goroutines
// (engine/safego), is a bug: the job fails at once with internal, never retried.
func TestGuardTurnsPanicsIntoPermanentFailures(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	direct := guard("job_1", log, func() error { panic("boom") })
	engine := guard("job_2", log, func() error {
		return fmt.Errorf("shard: %w", safego.Call(func() error { panic("engine boom") }))
	})
	for name, err := range map[string]error{"direct": direct, "engine goroutine": engine} {
		if !isPanic(err) || !permanent(err) {
			t.Errorf("%s: %v must be a permanent panic failure", name, err)
		}
		if je := jobErrorOf(err); je.Code != string(errs.Internal) {
			t.Errorf("%s: job error code %s", name, je.Code)
		}
	}
	if plain := guard("job_3", log, func() error { return errors.New("x") }); isPanic(plain) || permanent(plain) {
		t.Errorf("a plain error is neither a panic nor permanent: %v", plain)
	}
}
