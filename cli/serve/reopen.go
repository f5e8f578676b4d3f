package serve

import (
	"context"
	"log/slog"
	"time"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/handler"
)

// reopenGraph retries opening the graph store after a failed start (Neo4j restarting, its
// container group being recreated, its DNS record not yet pointing at the new IP) with backoff
// from first to max, and when it opens builds a new app on it and installs its handler with
// install — so an instance that started during a Neo4j outage becomes healthy by itself
// instead of staying degraded until restarted. It returns when ctx ends or the store opened;
// the returned close func (nil when nothing opened) closes the store on shutdown.
func reopenGraph(ctx context.Context, o *Options, cfg *config.Config, log *slog.Logger, first, max time.Duration,
	install func(*handler.App)) (closeStore func()) {
	wait := first
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		store, err := o.GraphStore(ctx)
		if err != nil {
			log.Warn("graph store still unavailable", "retry_in", min(wait*2, max).String(), "err", err)
			wait = min(wait*2, max)
			continue
		}
		app, err := handler.NewApp(ctx, handler.AppOptions{Config: cfg, Logger: log, Graph: store})
		if err != nil {
			log.Error("graph store reopened but the service could not be rebuilt; keeping the degraded one", "err", err)
			_ = store.Close(context.WithoutCancel(ctx))
			wait = min(wait*2, max)
			continue
		}
		install(app)
		log.Info("graph store reopened: scans enabled")
		return func() {
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := store.Close(cctx); err != nil {
				log.Warn("closing graph store", "err", err)
			}
		}
	}
}
