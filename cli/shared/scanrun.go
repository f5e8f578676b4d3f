package shared

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/scan"
)

// EngineOptions configure RunEngine.
type EngineOptions struct {
	Endpoints          azure.Endpoints
	Identity           *azure.Identity // nil: from the environment
	Logger             *slog.Logger
	Concurrency        int
	ShardSubscriptions int
	Progress           func(scan.Progress)
}

// RunEngine builds the Azure clients and the engine and runs one scan into store (used by
// `atg scan` and `atg demo`).
func RunEngine(ctx context.Context, store graph.Store, eo EngineOptions, req scan.Request) (scan.Result, error) {
	clients, err := azure.NewClients(azure.Options{Endpoints: eo.Endpoints, Identity: eo.Identity, TenantID: req.TenantID, Logger: eo.Logger})
	if err != nil {
		return scan.Result{}, err
	}
	eng := &scan.Engine{Store: store, Azure: clients, Logger: eo.Logger, Progress: eo.Progress,
		Concurrency: eo.Concurrency, ShardSubscriptions: eo.ShardSubscriptions}
	return eng.Run(ctx, req)
}

// Bar is the live progress display on a terminal.
type Bar struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	start time.Time
}

// NewBar returns a progress bar writing to w.
func NewBar(w io.Writer) *Bar {
	return &Bar{start: time.Now(), bar: progressbar.NewOptions(100, progressbar.OptionSetWriter(w),
		progressbar.OptionSetWidth(24), progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(), progressbar.OptionShowDescriptionAtLineEnd(), progressbar.OptionSetDescription("planning"))}
}

// Update renders one progress event.
func (b *Bar) Update(p scan.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c := p.Counts
	total, done := c["subscriptions_total"], c["subscriptions_done"]
	pct := p.Percent
	if p.Phase != "finalize" && p.Phase != "done" && total > 0 {
		pct = done * 90 / total
	}
	rate := float64(c["resources"]) / max(time.Since(b.start).Seconds(), 0.001)
	b.bar.Describe(fmt.Sprintf("%-10s subs %d/%d  resources %d (%.0f/s)  calls %d  throttled %d",
		p.Phase, done, total, c["resources"], rate, c["api_calls"], c["throttled"]))
	_ = b.bar.Set(pct)
}

// Done clears the bar.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.bar.Finish()
}

// PrintSummary writes the scan summary: aligned tables on a terminal, tab-separated rows otherwise.
func PrintSummary(w io.Writer, r scan.Result, tty bool) {
	var tw io.Writer = w
	var flush func()
	if tty {
		t := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		tw, flush = t, func() { _ = t.Flush() }
	}
	row := func(k string, v any) { fmt.Fprintf(tw, "%s\t%v\n", k, v) }
	row("tenant", r.TenantID)
	row("scan", r.ScanID)
	if r.Mode != "" {
		mode := r.Mode
		if r.ModeReason != "" {
			mode += " (" + r.ModeReason + ")"
		}
		row("mode", mode)
	}
	row("subscriptions", r.Subscriptions)
	row("resources", r.Resources)
	row("relationships", r.Relationships)
	row("users", r.Identities.Users)
	row("groups", r.Identities.Groups)
	row("service principals", r.Identities.ServicePrincipals)
	row("applications", r.Identities.Applications)
	row("role assignments", r.RoleAssignments)
	row("api calls", fmt.Sprintf("arm %d, arg %d, msgraph %d", r.APICalls["arm"], r.APICalls["arg"], r.APICalls["msgraph"]))
	row("throttled", r.Throttled)
	row("removed", fmt.Sprintf("%d nodes, %d edges", r.Removed.Nodes, r.Removed.Edges))
	row("duration", fmt.Sprintf("%.1fs", r.DurationS))
	row("failures", len(r.Failures))
	if flush != nil {
		flush()
	}
	if len(r.ByType) > 0 {
		fmt.Fprintln(w)
		types := make([]string, 0, len(r.ByType))
		for t := range r.ByType {
			types = append(types, t)
		}
		sort.Strings(types)
		if tty {
			t := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(t, "TYPE\tCOUNT")
			for _, k := range types {
				fmt.Fprintf(t, "%s\t%d\n", k, r.ByType[k])
			}
			_ = t.Flush()
		} else {
			for _, k := range types {
				fmt.Fprintf(w, "type\t%s\t%d\n", k, r.ByType[k])
			}
		}
	}
	if len(r.Failures) > 0 {
		fmt.Fprintln(w)
		for _, f := range r.Failures {
			fmt.Fprintf(w, "failure\t%s\t%s\t%s\t%s\n", f.Scope, f.ID, f.Code, f.Message)
		}
	}
}
