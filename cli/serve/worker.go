package serve

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/handler/backup"
)

// What one `atg serve` process runs (the role setting, ATG_ROLE; the flags override it).
const (
	roleAll    = "all"    // API and queue workers
	roleAPI    = "api"    // API only (--no-workers)
	roleWorker = "worker" // queue workers only, no listener (--worker-only)
)

func roleOf(o *Options, cfg *config.Config) string {
	switch {
	case o.WorkerOnly:
		return roleWorker
	case o.NoWorkers:
		return roleAPI
	case cfg.Role == roleAPI || cfg.Role == roleWorker:
		return cfg.Role
	}
	return roleAll
}

// workerRun is `atg serve --worker-only`: the queue poller without a listener. Several such
// processes against one storage account and one graph share the work: every shard of a scan is
// its own queue message, so the shards of one scan spread over them, and the invocation that
// completes the last shard finalizes (once, claimed on the job entity).
func workerRun(ctx context.Context, o *Options, cfg *config.Config, log *slog.Logger) error {
	workers := o.Workers
	if workers == 0 {
		workers = cfg.WorkerCount()
	}
	app, closeStore, err := openApp(ctx, o, cfg, log)
	if err != nil {
		return err
	}
	defer closeStore()
	p := app.Poller(workers, o.Visibility)
	p.Grace = o.Grace
	p.MaxPollInterval = o.PollInterval
	var wg sync.WaitGroup
	if o.DailyBackup != "" {
		at, _ := backup.ParseTimeOfDay(o.DailyBackup) // validated in RunE
		wg.Add(1)
		go func() {
			defer wg.Done()
			backup.RunDailyBackups(ctx, app.Azure.Backend, at, nil, log)
		}()
	}
	log.Info("atg serve ready (worker only)", "workers", workers, "shard_concurrency", cfg.WorkerConcurrency, "pid", os.Getpid(), "environment", cfg.Environment)
	fmt.Fprintf(o.IO.ErrOut, "worker ready (pid %d, %d workers)\n", os.Getpid(), workers)
	err = p.Run(ctx) // until ctx ends, then the grace period for in-flight messages
	wg.Wait()
	log.Info("worker stopped")
	return err
}
