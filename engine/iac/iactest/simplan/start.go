package simplan

import (
	"context"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/atg-go/atg/sim"
)

// StartSim starts the simulator the plan-clean and apply round-trip harnesses run against: opts
// with HTTPS and throttling off, on a free loopback port. Its log is discarded unless the
// environment variable logEnv names a file, which then gets its debug log (for a look). stop
// shuts the server down and closes that file.
func StartSim(opts sim.Options, logEnv string) (s *sim.Simulator, srv *sim.Server, stop func(), err error) {
	opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	closeLog := func() {}
	if f := os.Getenv(logEnv); f != "" {
		lf, err := os.Create(f)
		if err != nil {
			return nil, nil, nil, err
		}
		closeLog = func() { _ = lf.Close() }
		opts.Logger = slog.New(slog.NewTextHandler(lf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	opts.Throttle, opts.TLS = "off", true
	s, err = sim.New(opts)
	if err == nil {
		srv, err = s.Start("127.0.0.1:0")
	}
	if err != nil {
		closeLog()
		return nil, nil, nil, err
	}
	stop = func() {
		c, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Close(c)
		closeLog()
	}
	return s, srv, stop, nil
}
