// Package scan implements `atg scan`.
package scan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/cli/shared"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	enginescan "github.com/atg-go/atg/engine/scan"
)

// Options are the inputs of `atg scan`.
type Options struct {
	IO         *cmdutil.IOStreams
	Config     func() (*config.Config, error)
	Logger     func() *slog.Logger
	GraphStore func(context.Context) (graph.Store, error)

	TenantID          string
	Subscriptions     []string
	ResourceGroups    []string
	NoIdentities      bool
	NoRBAC            bool
	Incremental       bool
	Full              bool
	ARMEndpoint       string
	MSGraphEndpoint   string
	Concurrency       int
	ShardSubscription int

	// OutputDir receives scan-summary.json (remote mode: the job's artifacts, sha256 verified).
	OutputDir string
	// Remote selects and configures remote mode (--remote/--local/--service-url/--api-key-file).
	Remote remote.Flags
	// IsRemote is the mode the dispatcher chose (set by RunE).
	IsRemote bool
	// Follow holds --no-wait and --cancel-on-interrupt (remote mode).
	Follow remote.RunOptions

	// Run is the scan itself (test seam); nil runs the engine in-process (RunLocal).
	Run func(ctx context.Context, o *Options, progress func(enginescan.Progress)) (enginescan.Result, error)
	// Client builds the service client in remote mode (test seam); nil resolves flags > env >
	// profile with remote.Flags.Client.
	Client func(cfg *config.Config) (*remote.Client, error)
}

// ScanRequest is the service request the options describe (POST /scan).
func (o *Options) ScanRequest() remote.ScanRequest {
	r := remote.ScanRequest{TenantID: o.TenantID, SubscriptionIDs: o.Subscriptions, ResourceGroups: o.ResourceGroups,
		Incremental: o.Incremental, Full: o.Full}
	if o.NoIdentities {
		f := false
		r.IncludeIdentities = &f
	}
	if o.NoRBAC {
		f := false
		r.IncludeRBAC = &f
	}
	return r
}

// Request is the engine request the options describe.
func (o *Options) Request() enginescan.Request {
	return enginescan.Request{TenantID: o.TenantID, Subscriptions: o.Subscriptions, ResourceGroups: o.ResourceGroups,
		IncludeIdentities: !o.NoIdentities, IncludeRBAC: !o.NoRBAC, Incremental: o.Incremental, Full: o.Full}
}

// NewCmdScan returns the `scan` command; runF, when set, receives the validated options
// instead of running the scan (tests).
func NewCmdScan(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IO, Config: f.Config, Logger: f.Logger, GraphStore: f.GraphStore}
	var (
		outFlag *cmdutil.OutputValue
	)
	cmd := &cobra.Command{
		Use:   "scan --tenant-id T [--subscription S]... [--resource-group GLOB]...",
		Short: "Scan a tenant into the graph",
		Long: `Scan discovers a tenant into the graph: subscriptions, resource groups, every resource with
its full ARM JSON (Resource Graph pages plus ARM child lists), role assignments and definitions,
and Entra users, groups, service principals and applications; then it derives relationships and
removes what disappeared from the scanned scope.

--incremental reads only what changed since the tenant's last successful scan (kept in the
graph): Resource Graph's resourcechanges/resourcecontainerchanges tables, the changed resources
with their child lists, role assignments, and Entra through MS Graph delta links. It falls back
to a full scan — the summary's "mode" says which it did, and why — when there is no previous
scan, the last one is over 14 days old (the change tables' retention), the options or filters
differ, a subscription is new in scope, or the change feed fails; --full forces a full scan.

Progress goes to stderr (a live bar on a terminal); the summary goes to stdout (-o json prints
the machine-readable result). The exit status is 1 when anything could not be discovered.

Point --arm-endpoint/--msgraph-endpoint at a loopback simulator (atg sim serve) to try it
without Azure.

With --remote (or ATG_REMOTE=1, or an active profile with remote: true) the scan runs as a
job on the ATG service: progress is polled, the same summary is printed, --output DIR receives
the job's artifacts (sha256 verified), --no-wait prints the job id. Ctrl-C leaves the job
running (resume with atg jobs wait ID) unless --cancel-on-interrupt. The tenant defaults to
the active profile's tenant_id. Exit status: 0 succeeded, 1 failed, 2 usage, 130 interrupted.`,
		Example: `  atg scan --tenant-id 00000000-0000-0000-0000-000000000000
  atg scan --tenant-id $T --incremental
  atg scan --tenant-id $T --subscription $S --resource-group 'prod-*' --no-identities
  atg scan --tenant-id $T --arm-endpoint http://127.0.0.1:8090 --msgraph-endpoint http://127.0.0.1:8090 -o json
  atg scan --remote --tenant-id $T --output ./scan-out
  atg scan --remote --no-wait -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := o.Config()
			if err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			fl := cmd.Flags()
			o.OutputDir = outFlag.Path
			if o.IsRemote, err = o.Remote.Mode(cfg); err != nil {
				return err
			}
			if !fl.Changed("tenant-id") {
				o.TenantID = cfg.TenantID
				if _, p, ok := cfg.CurrentProfile(); ok && o.IsRemote && p.TenantID != "" {
					o.TenantID = p.TenantID
				}
			}
			if !o.IsRemote {
				if err := remote.CheckLocalRunFlags(o.Follow); err != nil {
					return err
				}
			} else {
				for _, name := range []string{"arm-endpoint", "msgraph-endpoint", "concurrency"} {
					if fl.Changed(name) {
						fmt.Fprintf(o.IO.ErrOut, "warning: --%s applies to local scans only; the service uses its own setting\n", name)
					}
				}
			}
			if !fl.Changed("arm-endpoint") {
				o.ARMEndpoint = cfg.ARMEndpoint
			}
			if !fl.Changed("msgraph-endpoint") {
				o.MSGraphEndpoint = cfg.MSGraphEndpoint
			}
			if err := o.validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(o)
			}
			return scanRun(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.TenantID, "tenant-id", "", "tenant to scan [ATG_TENANT_ID]")
	fl.StringArrayVar(&o.Subscriptions, "subscription", nil, "scan only this subscription (repeatable)")
	fl.StringArrayVar(&o.ResourceGroups, "resource-group", nil, "scan only resource groups matching this glob (repeatable, case-insensitive)")
	fl.BoolVar(&o.NoIdentities, "no-identities", false, "skip Entra users, groups, service principals and applications")
	fl.BoolVar(&o.NoRBAC, "no-rbac", false, "skip role assignments and definitions")
	fl.BoolVar(&o.Incremental, "incremental", false, "scan only what changed since the last successful scan (falls back to full, saying why)")
	fl.BoolVar(&o.Full, "full", false, "force a full scan (overrides --incremental)")
	fl.StringVar(&o.ARMEndpoint, "arm-endpoint", "", "ARM endpoint (default Azure public cloud; a loopback URL for the simulator) [ATG_ARM_ENDPOINT]")
	fl.StringVar(&o.MSGraphEndpoint, "msgraph-endpoint", "", "Microsoft Graph endpoint (default https://graph.microsoft.com) [ATG_MSGRAPH_ENDPOINT]")
	fl.IntVar(&o.Concurrency, "concurrency", 16, "concurrent list calls")
	outFlag = cmdutil.AddOutputDirFlag(cmd, "directory for scan-summary.json (remote: the job's artifacts, sha256 verified)")
	remote.AddFlags(cmd, &o.Remote)
	remote.AddRunFlags(cmd, &o.Follow)
	return cmd
}

func (o *Options) validate() error {
	if strings.TrimSpace(o.TenantID) == "" {
		return cmdutil.Usagef("--tenant-id is required (or set ATG_TENANT_ID)")
	}
	if o.Concurrency < 1 || o.Concurrency > 256 {
		return cmdutil.Usagef("--concurrency must be between 1 and 256, got %d", o.Concurrency)
	}
	ep := azure.Endpoints{ARM: o.ARMEndpoint, MSGraph: o.MSGraphEndpoint}
	if err := ep.Validate(); err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	return nil
}

// scanMemoryLimit is the Go heap's soft limit during a local scan when GOMEMLIMIT is not set.
// A scan's heap is mostly short-lived (each page of JSON, each chunk of nodes Finalize reads),
// and with the default GOGC the heap grows to twice what is live before the collector runs: a
// 100k-resource tenant with 80k directory objects reached 1.2 GB of heap for 420 MB live. The
// limit makes the collector run earlier instead (the runtime caps its CPU at half when live
// data nears the limit), so peak RSS stays within 1 GB; set GOMEMLIMIT to choose another.
const scanMemoryLimit = 640 << 20

// boundHeap sets scanMemoryLimit unless GOMEMLIMIT chose a limit already.
func boundHeap() {
	if os.Getenv("GOMEMLIMIT") == "" && debug.SetMemoryLimit(-1) == math.MaxInt64 {
		debug.SetMemoryLimit(scanMemoryLimit)
	}
}

// RunLocal runs the scan in-process against the configured graph store.
func RunLocal(ctx context.Context, o *Options, progress func(enginescan.Progress)) (enginescan.Result, error) {
	boundHeap()
	store, err := o.GraphStore(ctx)
	if err != nil {
		return enginescan.Result{}, fmt.Errorf("opening graph store: %w", err)
	}
	defer store.Close(context.WithoutCancel(ctx))
	var ident *azure.Identity
	if cfg, err := o.Config(); err == nil && cfg.AzureClientID != "" {
		ident = &azure.Identity{AppClientID: cfg.AzureClientID, ManagedIdentityClientID: cfg.AzureMIClientID}
	}
	return shared.RunEngine(ctx, store, shared.EngineOptions{
		Endpoints: azure.Endpoints{ARM: o.ARMEndpoint, MSGraph: o.MSGraphEndpoint}, Identity: ident, Logger: o.Logger(),
		Concurrency: o.Concurrency, ShardSubscriptions: o.ShardSubscription, Progress: progress,
	}, o.Request())
}

func scanRun(ctx context.Context, o *Options) error {
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	if o.IsRemote {
		return scanRemote(ctx, o, cfg)
	}
	run := o.Run
	if run == nil {
		run = RunLocal
	}
	var progress func(enginescan.Progress)
	var bar *shared.Bar
	if o.IO.StderrTTY {
		bar = shared.NewBar(o.IO.ErrOut)
		progress = bar.Update
	}
	res, err := run(ctx, o, progress)
	if bar != nil {
		bar.Done()
	}
	if err != nil {
		return err
	}
	if o.OutputDir != "" {
		if err := writeSummary(o.OutputDir, res); err != nil {
			return err
		}
	}
	return report(o.IO, cmdutil.WantJSON(cfg), res)
}

// scanRemote submits POST /scan, follows the job and prints its result like a local scan.
func scanRemote(ctx context.Context, o *Options, cfg *config.Config) error {
	var (
		c   *remote.Client
		err error
	)
	if o.Client != nil {
		c, err = o.Client(cfg)
	} else {
		c, _, err = o.Remote.Client(cfg, o.IO.ErrOut, o.Logger())
	}
	if err != nil {
		return err
	}
	ro := o.Follow
	ro.OutputDir = o.OutputDir
	req := o.ScanRequest()
	return remote.RunJobWith(ctx, o.IO, c, cmdutil.WantJSON(cfg), remote.JobSpec{
		Submit: func(ctx context.Context, c *remote.Client, key string) (remote.Job, error) {
			return c.SubmitScan(ctx, req, key)
		},
		Run: ro,
		Render: func(ios *cmdutil.IOStreams, raw json.RawMessage, asJSON bool) error {
			var res enginescan.Result
			if err := json.Unmarshal(raw, &res); err != nil {
				return fmt.Errorf("decoding the service's scan result: %w", err)
			}
			return report(ios, asJSON, res)
		},
	})
}

// SummaryFile is the name of the scan summary written by --output (the service's artifact).
const SummaryFile = "scan-summary.json"

func writeSummary(dir string, res enginescan.Result) error {
	b, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encoding scan summary: %w", err)
	}
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, b, "", "  ")
	pretty.WriteByte('\n')
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	path := filepath.Join(dir, SummaryFile)
	if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// report prints a scan result (local or from the service) and maps failures to exit 1.
func report(ios *cmdutil.IOStreams, asJSON bool, res enginescan.Result) error {
	if asJSON {
		if err := cmdutil.PrintJSON(ios.Out, res); err != nil {
			return err
		}
	} else {
		shared.PrintSummary(ios.Out, res, ios.StdoutTTY)
	}
	if len(res.Failures) > 0 {
		if !asJSON {
			fmt.Fprintf(ios.ErrOut, "scan finished with %d failure(s); the graph is incomplete for those scopes\n", len(res.Failures))
		}
		return cmdutil.ErrSilent
	}
	return nil
}
