// Package demo implements `atg demo`: simulate a tenant in-process, scan it into the embedded
// graph, and run the post-scan steps (spec, IaC, … as they are registered in Steps).
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/shared"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/stores"
	enginescan "github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/engine/visualize"
	"github.com/atg-go/atg/sim"
)

// Options are the inputs of `atg demo`.
type Options struct {
	IO     *cmdutil.IOStreams
	Config func() (*config.Config, error)
	Logger func() *slog.Logger

	Dir           string // where the demo writes its files
	Graph         string // graph store; "" = <Dir>/graph.db
	Resources     int
	Subscriptions int
	Seed          int64
	Throttle      string
	Faults        float64
	Concurrency   int
	// Steps run after the scan, in order (nil = DefaultSteps()).
	Steps []Step
}

// StepEnv is what a post-scan step gets.
type StepEnv struct {
	IO       *cmdutil.IOStreams
	Logger   *slog.Logger
	Store    graph.Store
	TenantID string
	Dir      string // the demo directory; steps write their artifacts under it
	Result   enginescan.Result
	// Files collects "label: path" lines printed at the end.
	AddFile func(label, path string)
}

// warnOnly passes on warnings and errors only (the simulator's info lines would interleave with
// the progress bar).
type warnOnly struct{ slog.Handler }

func (h warnOnly) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnOnly) WithAttrs(a []slog.Attr) slog.Handler { return warnOnly{h.Handler.WithAttrs(a)} }
func (h warnOnly) WithGroup(n string) slog.Handler      { return warnOnly{h.Handler.WithGroup(n)} }

// Step is one post-scan demo step (the spec and IaC issue adds generate-spec and Terraform).
type Step struct {
	Name string
	Run  func(ctx context.Context, env StepEnv) error
}

// DefaultSteps are the steps `atg demo` runs after the scan. Add spec, IaC, … here.
func DefaultSteps() []Step {
	return []Step{
		{Name: "spec and terraform", Run: func(ctx context.Context, env StepEnv) error {
			files, err := shared.DemoArtifacts(ctx, env.Store, env.TenantID, env.Dir)
			for _, f := range files {
				env.AddFile(f[0], f[1])
			}
			return err
		}},
		{Name: "graph explorer", Run: func(ctx context.Context, env StepEnv) error {
			d, err := visualize.Build(ctx, env.Store, env.TenantID, visualize.Filter{}, visualize.Options{})
			if err != nil {
				return err
			}
			path := filepath.Join(env.Dir, "tenant.html")
			f, err := os.Create(path)
			if err != nil {
				return fmt.Errorf("creating %s: %w", path, err)
			}
			if err := visualize.Render(f, d, visualize.Options{}); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return fmt.Errorf("writing %s: %w", path, err)
			}
			env.AddFile("explorer", path+" (open in a browser; works offline)")
			return nil
		}},
	}
}

// NewCmdDemo returns the `demo` command; runF, when set, receives the options (tests).
func NewCmdDemo(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IO, Config: f.Config, Logger: f.Logger}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Simulate a tenant, scan it and generate its spec and IaC",
		Long: `Demo starts the Azure tenant simulator in-process (2,000 resources in 4 subscriptions by
default), scans it into an embedded graph under --dir (or --graph), and prints the summary and
where the files are. No Azure account is needed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Resources < 0 || o.Subscriptions < 1 {
				return cmdutil.Usagef("--resources must be >= 0 and --subscriptions >= 1")
			}
			if gf := cmd.Flags().Lookup("graph"); gf != nil && gf.Changed || os.Getenv("ATG_GRAPH") != "" {
				cfg, err := o.Config()
				if err != nil {
					return err
				}
				o.Graph = cfg.Graph
			}
			if runF != nil {
				return runF(o)
			}
			return demoRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Dir, "dir", "atg-demo", "directory for the demo's graph and generated files")
	fl.IntVar(&o.Resources, "resources", 2000, "resources in the simulated tenant")
	fl.IntVar(&o.Subscriptions, "subscriptions", 4, "subscriptions in the simulated tenant")
	fl.Int64Var(&o.Seed, "seed", 7, "simulator seed")
	fl.StringVar(&o.Throttle, "throttle", "fast", "simulated throttling: real, fast or off")
	fl.Float64Var(&o.Faults, "faults", 0, "fraction of simulated requests that fault")
	fl.IntVar(&o.Concurrency, "concurrency", 16, "concurrent list calls")
	return cmd
}

func demoRun(ctx context.Context, o *Options) error {
	logger := o.Logger()
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return fmt.Errorf("creating demo directory: %w", err)
	}
	s, err := sim.New(sim.Options{Resources: o.Resources, Subscriptions: o.Subscriptions, Seed: o.Seed,
		Throttle: o.Throttle, Faults: o.Faults, Logger: slog.New(warnOnly{logger.Handler()})})
	if err != nil {
		return fmt.Errorf("starting simulator: %w", err)
	}
	srv, err := s.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close(context.WithoutCancel(ctx))
	if len(srv.TenantIDs) == 0 {
		return fmt.Errorf("simulator has no tenant")
	}
	tenant := srv.TenantIDs[0]
	fmt.Fprintf(o.IO.ErrOut, "simulator: %d resources in %d subscriptions at %s (tenant %s)\n", o.Resources, o.Subscriptions, srv.ARMEndpoint, tenant)

	files := [][2]string{}
	addFile := func(label, path string) { files = append(files, [2]string{label, path}) }
	truthPath := filepath.Join(o.Dir, "truth.json")
	if b, err := json.MarshalIndent(s.Truth(), "", "  "); err == nil {
		if err := os.WriteFile(truthPath, b, 0o644); err != nil {
			return fmt.Errorf("writing truth: %w", err)
		}
		addFile("simulator truth", truthPath)
	}

	graphPath := o.Graph
	if graphPath == "" {
		graphPath = filepath.Join(o.Dir, "graph.db")
	}
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	store, err := stores.Open(ctx, stores.Options{Graph: graphPath, User: cfg.Neo4jUser, Password: cfg.Neo4jPassword, Logger: logger})
	if err != nil {
		return fmt.Errorf("opening graph %s: %w", graphPath, err)
	}
	defer store.Close(context.WithoutCancel(ctx))
	addFile("graph", graphPath)

	var progress func(enginescan.Progress)
	var bar *shared.Bar
	if o.IO.StderrTTY {
		bar = shared.NewBar(o.IO.ErrOut)
		progress = bar.Update
	}
	start := time.Now()
	res, err := shared.RunEngine(ctx, store, shared.EngineOptions{
		Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint}, Logger: logger,
		Concurrency: o.Concurrency, Progress: progress,
	}, enginescan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true})
	if bar != nil {
		bar.Done()
	}
	if err != nil {
		return fmt.Errorf("scanning the simulated tenant: %w", err)
	}
	resultPath := filepath.Join(o.Dir, "scan.json")
	if b, err := json.MarshalIndent(res, "", "  "); err == nil {
		if err := os.WriteFile(resultPath, b, 0o644); err != nil {
			return fmt.Errorf("writing scan result: %w", err)
		}
		addFile("scan result", resultPath)
	}
	fmt.Fprintf(o.IO.ErrOut, "scanned in %.1fs\n", time.Since(start).Seconds())

	steps := o.Steps
	if steps == nil {
		steps = DefaultSteps()
	}
	env := StepEnv{IO: o.IO, Logger: logger, Store: store, TenantID: tenant, Dir: o.Dir, Result: res, AddFile: addFile}
	for _, st := range steps {
		if err := st.Run(ctx, env); err != nil {
			return fmt.Errorf("demo step %s: %w", st.Name, err)
		}
	}

	shared.PrintSummary(o.IO.Out, res, o.IO.StdoutTTY)
	fmt.Fprintln(o.IO.Out)
	for _, f := range files {
		fmt.Fprintf(o.IO.Out, "%s\t%s\n", f[0], f[1])
	}
	fmt.Fprintf(o.IO.Out, "\nexplore: atg graph stats --graph %s --tenant-id %s\n", graphPath, tenant)
	if len(res.Failures) > 0 {
		return cmdutil.ErrSilent
	}
	return nil
}
