// Package simtest starts the simulator for tests of other packages: one call instead of
// New + Start + a cleanup in every test file.
package simtest

import (
	"context"
	"testing"
	"time"

	"github.com/atg-go/atg/sim"
)

// Start generates a simulated Azure with o, serves it on a loopback port and stops it when
// the test ends.
func Start(t testing.TB, o sim.Options) (*sim.Simulator, *sim.Server) {
	t.Helper()
	s, err := sim.New(o)
	if err != nil {
		t.Fatalf("simulator: %v", err)
	}
	srv, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("starting the simulator: %v", err)
	}
	t.Cleanup(func() {
		// Shutdown would wait for idle connections the SDK dialed but never used; don't.
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_ = srv.Close(ctx)
	})
	return s, srv
}
