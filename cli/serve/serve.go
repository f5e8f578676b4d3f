// Package serve implements `atg serve` (standalone service: API + queue workers) and
// `atg handler` (the Azure Functions custom handler).
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/handler"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/handler/worker"
)

// Options are the flags and dependencies of `atg serve` and `atg handler`.
type Options struct {
	IO         *cmdutil.IOStreams
	Config     func() (*config.Config, error)
	Logger     func() *slog.Logger
	GraphStore func(ctx context.Context) (graph.Store, error)

	Addr       string        // serve: listen address ("" = config service_addr)
	Workers    int           // serve: concurrent queue messages (0 = config workers)
	Visibility time.Duration // serve: queue visibility timeout, renewed while working
	Grace      time.Duration // shutdown grace period
	NoWorkers  bool          // serve: API only
	WorkerOnly bool          // serve: queue workers only, no listener
	// PollInterval caps the idle backoff between dequeues of an empty queue (0: the poller's 2s).
	PollInterval time.Duration
	Port         string // handler: FUNCTIONS_CUSTOMHANDLER_PORT override
	// DailyBackup: serve queues the day's graph backup job at this UTC time, HH:MM ("" = off);
	// the Functions hosting has the backup_timer function instead.
	DailyBackup string
}

func newOptions(f *cmdutil.Factory) *Options {
	return &Options{IO: f.IO, Config: f.Config, Logger: f.Logger, GraphStore: f.GraphStore}
}

// NewCmdServe returns the `serve` command; runF, when set, receives the validated options
// instead of serving (tests).
func NewCmdServe(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := newOptions(f)
	cmd := &cobra.Command{
		Use:   "serve [--addr 127.0.0.1:8080] [--workers N]",
		Short: "Host the API and workers without the Functions host",
		Long: `Serve /api/v1 and run the queue workers in one process, polling the service's
Storage queues with the Functions host's semantics (visibility timeout renewed while
working, delete on success, retry on failure, poison after 5 deliveries). Storage comes
from AzureWebJobsStorage (UseDevelopmentStorage=true for Azurite), keys from ATG_API_KEYS.
SIGINT/SIGTERM stop dequeuing and give in-flight messages --grace to finish.

--worker-only (ATG_ROLE=worker) runs the queue workers without a listener: N such
processes against one storage account and one graph (Neo4j) share the shards of every
scan, each running at most --workers messages with ATG_WORKER_CONCURRENCY Azure calls each.
--no-workers (ATG_ROLE=api) serves the API only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Workers < 0 {
				return cmdutil.Usagef("--workers must be >= 1")
			}
			if o.NoWorkers && o.WorkerOnly {
				return cmdutil.Usagef("--no-workers and --worker-only exclude each other")
			}
			if o.PollInterval < 0 {
				return cmdutil.Usagef("--max-poll-interval must be >= 0")
			}
			if o.Visibility < 3*time.Second {
				return cmdutil.Usagef("--visibility-timeout must be at least 3s")
			}
			if o.DailyBackup != "" {
				if _, err := backup.ParseTimeOfDay(o.DailyBackup); err != nil {
					return cmdutil.Usagef("--daily-backup: %v", err)
				}
			}
			if runF != nil {
				return runF(o)
			}
			return serveRun(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Addr, "addr", "", "listen address (default: service_addr setting, 127.0.0.1:8080)")
	cmd.Flags().IntVar(&o.Workers, "workers", 0, "concurrent queue messages (default: workers setting)")
	cmd.Flags().DurationVar(&o.Visibility, "visibility-timeout", time.Minute, "queue visibility timeout (renewed while a message is worked on)")
	cmd.Flags().DurationVar(&o.Grace, "grace", 30*time.Second, "shutdown grace period for in-flight requests and messages")
	cmd.Flags().BoolVar(&o.NoWorkers, "no-workers", false, "serve the API only (another process runs the workers; role setting api)")
	cmd.Flags().BoolVar(&o.WorkerOnly, "worker-only", false, "run the queue workers only, no listener (role setting worker): start several against one storage and graph to fan a scan's shards out")
	cmd.Flags().DurationVar(&o.PollInterval, "max-poll-interval", 0, "longest wait between polls of an empty queue (default 2s)")
	cmd.Flags().StringVar(&o.DailyBackup, "daily-backup", "", "queue a graph backup job of every tenant daily at this UTC time, HH:MM (off by default; once per day across instances)")
	return cmd
}

// NewCmdHandler returns the `handler` command (Azure Functions custom handler); runF, when set,
// receives the options instead of serving (tests).
func NewCmdHandler(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := newOptions(f)
	cmd := &cobra.Command{
		Use:   "handler",
		Short: "Run as the Azure Functions custom handler",
		Long: `Run as the Azure Functions custom handler (host.json: defaultExecutablePath atg,
arguments ["handler"]). Listens on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT: forwarded HTTP
requests reach the API at their original /api/v1 paths, queue triggers arrive as
POST /<FunctionName>.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Under the host, logs go by level: INFO/DEBUG to stdout, WARN/ERROR to stderr
			// (the host logs stderr lines as errors), as JSON lines. Every component that asks
			// the factory for a logger (the graph store too) gets this one.
			level := slog.LevelInfo
			if cfg, err := f.Config(); err == nil {
				_ = level.UnmarshalText([]byte(cfg.LogLevel))
			}
			hostLog := slog.New(handler.NewHostLogHandler(f.IO.Out, f.IO.ErrOut, level))
			f.Logger = func() *slog.Logger { return hostLog }
			o.Logger = f.Logger
			if runF != nil {
				return runF(o)
			}
			return handlerRun(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.Port, "port", "", "port to listen on (default: FUNCTIONS_CUSTOMHANDLER_PORT)")
	cmd.Flags().DurationVar(&o.Grace, "grace", 30*time.Second, "shutdown grace period")
	return cmd
}

// openApp builds the service over a lazily opened graph store (retried with backoff in the
// background until ctx ends; jobs that need it fail their attempt retryably meanwhile, and
// health reports its state) and opens storage.
func openApp(ctx context.Context, o *Options, cfg *config.Config, log *slog.Logger) (*handler.App, func(), error) {
	var lazy *executors.LazyStore
	if o.GraphStore != nil {
		lazy = &executors.LazyStore{Open: o.GraphStore, Logger: log}
	}
	opts := handler.AppOptions{Config: cfg, Logger: log}
	if lazy != nil {
		opts.Graph = lazy
	}
	octx, cancel := context.WithTimeout(ctx, 10*time.Second) // one attempt at storage (the SDK retries inside it)
	app, err := handler.NewApp(octx, opts)
	cancel()
	if err != nil {
		return nil, nil, err
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if lazy != nil {
			lazy.Run(runCtx)
		}
	}()
	closeFn := func() {
		stop()
		<-done
		if lazy != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := lazy.Close(ctx); err != nil {
				log.Warn("closing graph store", "err", err)
			}
		}
	}
	return app, closeFn, nil
}

// Server timeouts: a client gets ReadHeaderTimeout for its request line and headers, ReadTimeout
// for the whole request (a 10 MiB spec), and an idle keep-alive connection is closed after
// IdleTimeout. Slow clients cannot hold connections. `atg serve` also bounds each answer by
// WriteTimeout (artifact downloads); `atg handler` does not, since a queue invocation from the
// Functions host may run up to host.json's functionTimeout.
var (
	ReadHeaderTimeout = 10 * time.Second
	ReadTimeout       = 60 * time.Second
	WriteTimeout      = 10 * time.Minute
	IdleTimeout       = 2 * time.Minute
)

func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: ReadHeaderTimeout, ReadTimeout: ReadTimeout,
		IdleTimeout: IdleTimeout, MaxHeaderBytes: 64 << 10, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
}

func serveRun(ctx context.Context, o *Options) error {
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	log := o.Logger()
	role := roleOf(o, cfg)
	if role == roleWorker {
		return workerRun(ctx, o, cfg, log)
	}
	addr := o.Addr
	if addr == "" {
		addr = cfg.ServiceAddr
	}
	workers := o.Workers
	if workers == 0 {
		workers = cfg.WorkerCount()
	}
	ln, err := net.Listen("tcp", addr) // synchronously: the port is ours before we report ready
	if err != nil {
		return fmt.Errorf("listening on %s: %w", addr, err)
	}
	app, closeStore, err := openApp(ctx, o, cfg, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer closeStore()

	srv := newHTTPServer(app.API, log)
	srv.WriteTimeout = WriteTimeout
	var wg sync.WaitGroup
	errc := make(chan error, 2)
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := srv.Serve(shapedListener{ln}); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http server: %w", err)
		}
	}()
	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	if role == roleAll {
		p := app.Poller(workers, o.Visibility)
		p.Grace = o.Grace
		p.MaxPollInterval = o.PollInterval
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = p.Run(pollCtx)
		}()
	}
	if o.DailyBackup != "" {
		at, _ := backup.ParseTimeOfDay(o.DailyBackup) // validated in RunE
		wg.Add(1)
		go func() {
			defer wg.Done()
			backup.RunDailyBackups(pollCtx, app.Azure.Backend, at, nil, log)
		}()
	}
	if role == roleAPI {
		workers = 0
	}
	log.Info("atg serve ready", "addr", "http://"+ln.Addr().String(), "workers", workers, "environment", cfg.Environment)
	fmt.Fprintf(o.IO.ErrOut, "listening on http://%s\n", ln.Addr())

	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	log.Info("shutting down", "grace", o.Grace)
	stopPolling()
	shCtx, cancel := context.WithTimeout(context.Background(), o.Grace)
	defer cancel()
	_ = srv.Shutdown(shCtx)
	wg.Wait()
	return err
}

func handlerRun(ctx context.Context, o *Options) error {
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	log := o.Logger()
	port := o.Port
	if port == "" {
		port = cfg.CustomHandlerPort
	}
	if port == "" {
		return cmdutil.Usagef("FUNCTIONS_CUSTOMHANDLER_PORT is not set (the Functions host sets it); use --port to run by hand")
	}
	// Listen first; the gate holds the host's readiness probe and invocations until storage
	// is open (handler.Gate), so the host releases no work the handler cannot do.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", port))
	if err != nil {
		return fmt.Errorf("listening on port %s: %w", port, err)
	}
	gate := &handler.Gate{Logger: log}
	srv := newHTTPServer(gate, log)
	// The host is the handler's only client (loopback) and a queue invocation may run up to
	// the invocation deadline (ATG_INVOCATION_TIMEOUT, 25 min): no write timeout may cut it
	// short; the deadline bounds the work instead.
	srv.WriteTimeout = 0
	errc := make(chan error, 1)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("http server: %w", err)
		}
		close(errc)
	}()
	app, closeStore, err := openAppRetrying(ctx, o, cfg, log)
	if err != nil {
		_ = srv.Close()
		return err
	}
	defer closeStore()
	gate.Open(handler.NewFunctionsHandler(app.API, app.Worker, log))
	log.Info("atg handler ready", "addr", ln.Addr().String(), "environment", cfg.Environment)
	select {
	case <-ctx.Done():
	case err = <-errc:
		return err
	}
	log.Info("signal received: finishing in-flight invocations", "grace", o.Grace)
	shCtx, cancel := context.WithTimeout(context.Background(), o.Grace)
	defer cancel()
	_ = srv.Shutdown(shCtx)
	// Never exit 0 on a signal: the host treats a clean exit as final and does not restart
	// the handler, so a stray SIGTERM would leave the instance without a worker.
	return &cmdutil.ExitError{Code: ExitSignalled}
}

// ExitSignalled is `atg handler`'s exit code after SIGINT/SIGTERM (128+15).
const ExitSignalled = 143

// openAppRetrying is openApp, retried with backoff (1s doubling to 30s, logged) while storage
// cannot be reached: under the Functions host the process must stay up and become ready
// when storage does. Configuration errors and ctx's end return at once.
func openAppRetrying(ctx context.Context, o *Options, cfg *config.Config, log *slog.Logger) (*handler.App, func(), error) {
	for attempt := 1; ; attempt++ {
		app, closeFn, err := openApp(ctx, o, cfg, log)
		if err == nil {
			if attempt > 1 {
				log.Info("storage open", "after_attempts", attempt)
			}
			return app, closeFn, nil
		}
		if !handler.IsStorageUnavailable(err) || ctx.Err() != nil {
			return nil, nil, err
		}
		delay := worker.Backoff(attempt, time.Second, 30*time.Second)
		log.Warn("storage unavailable; holding the host's invocations and retrying", "attempt", attempt, "retry_in", delay.String(), "err", err)
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(delay):
		}
	}
}
