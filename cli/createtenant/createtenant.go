// Package createtenant implements `atg create-tenant`: recreate a scanned tenant (or a spec) in
// target subscriptions through ARM.
package createtenant

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/replicate"
	"github.com/atg-go/atg/engine/spec"
)

// Options are the inputs of `atg create-tenant`.
type Options struct {
	IO         *cmdutil.IOStreams
	Config     func() (*config.Config, error)
	Logger     func() *slog.Logger
	GraphStore func(context.Context) (graph.Store, error)

	SpecFile            string
	SourceTenantID      string
	TargetTenantID      string
	TargetSubscriptions []string
	TargetLocation      string
	NameSuffix          string
	IdentityMapFile     string
	SSHPublicKeyFile    string
	CreateIdentities    bool
	Filter              model.Filter
	DryRun              bool
	ARMEndpoint         string
	MSGraphEndpoint     string
	Concurrency         int
	JSON                bool

	// Remote mode (--remote): the job runs on the ATG service.
	Remote    remote.Flags
	RemoteRun remote.RunOptions

	// AzureBase are base client options (tests set Credential or Transport); endpoints, tenant
	// and logger are filled in.
	AzureBase azure.Options
}

// NewCmdCreateTenant returns the command; runF, when set, receives the validated options
// instead of running (tests).
func NewCmdCreateTenant(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IO, Config: f.Config, Logger: f.Logger, GraphStore: f.GraphStore}
	cmd := &cobra.Command{
		Use:   "create-tenant (--spec FILE | --source-tenant-id A) --target-tenant-id B --target-subscription S",
		Short: "Recreate a tenant in target subscriptions through ARM",
		Long: `Create-tenant deploys a copy of a scanned tenant (--source-tenant-id, read from the graph) or of a
spec (--spec, the Markdown of atg generate-spec or its JSON block) into target subscriptions.

It uses the model, translation and dependency graph of generate-iac: subscription and tenant ids,
principals (through --identity-map), globally unique names (deterministic suffix, or
--name-suffix) and locations (--target-location) are rewritten; resource groups are created
first, then each dependency level, resources of a level in parallel (--concurrency, paced by
ARM's write limits). Source subscriptions map onto --target-subscription values in order (the
last target takes the rest; SOURCE=TARGET maps one explicitly); same-named resource groups of
different sources landing in one target are kept apart with a suffix.

Every resource is read first: what exists with the same writable properties is skipped, what
differs is updated, so a re-run is a no-op and an interrupted run resumes. --dry-run prints the
plan (create/update/skip per resource, with reasons) without writing. Required secrets (VM and
SQL admin passwords) are generated and never shown. --create-identities first creates the
source's groups (with members) and users (disabled, random passwords) in the target tenant via
MS Graph and writes the identity map, so role assignments replicate.

The report goes to stdout (Markdown, or -o json); progress to stderr. The exit status is 1 when
any resource failed or was blocked by a failed dependency.`,
		Example: `  atg create-tenant --source-tenant-id $A --target-tenant-id $B --target-subscription $S --dry-run
  atg create-tenant --spec tenant.md --target-tenant-id $B --target-subscription $S --target-location westeurope
  atg create-tenant --source-tenant-id $A --target-tenant-id $B --target-subscription $S1 --target-subscription $S2 \
      --create-identities --identity-map ids.json -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := o.Config()
			if err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			fl := cmd.Flags()
			if !fl.Changed("arm-endpoint") {
				o.ARMEndpoint = cfg.ARMEndpoint
			}
			if !fl.Changed("msgraph-endpoint") {
				o.MSGraphEndpoint = cfg.MSGraphEndpoint
			}
			o.JSON = cmdutil.WantJSON(cfg)
			if err := o.validate(); err != nil {
				return err
			}
			return remote.Dispatch(cmd.Context(), &o.Remote, cfg, o.RemoteRun, o, runF, runRemote, run)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.SpecFile, "spec", "", "spec file (Markdown from generate-spec, or its JSON)")
	fl.StringVar(&o.SourceTenantID, "source-tenant-id", "", "scanned source tenant in the graph")
	fl.StringVar(&o.TargetTenantID, "target-tenant-id", "", "tenant to deploy into")
	fl.StringArrayVar(&o.TargetSubscriptions, "target-subscription", nil, "target subscription (repeatable; or SOURCE=TARGET)")
	fl.StringVar(&o.TargetLocation, "target-location", "", "deploy every regional resource into this location")
	fl.StringVar(&o.NameSuffix, "name-suffix", "", "suffix for globally unique names (default: a deterministic hash)")
	fl.StringVar(&o.IdentityMapFile, "identity-map", "", "JSON file {\"<source principal id>\": \"<target principal id>\"} (written by --create-identities)")
	fl.StringVar(&o.SSHPublicKeyFile, "ssh-public-key", "", "public key file for VMs whose source key is unknown (a spec); default: a generated key")
	fl.BoolVar(&o.CreateIdentities, "create-identities", false, "create groups (with members) and disabled users in the target tenant first")
	fl.StringSliceVar(&o.Filter.ResourceGroups, "resource-group", nil, "only these resource groups (repeatable; dependencies are pulled in)")
	fl.StringSliceVar(&o.Filter.Types, "type", nil, "only these ARM types (repeatable)")
	fl.BoolVar(&o.DryRun, "dry-run", false, "read the target and print the plan without writing")
	fl.StringVar(&o.ARMEndpoint, "arm-endpoint", "", "ARM endpoint (default Azure public cloud; a loopback URL for the simulator) [ATG_ARM_ENDPOINT]")
	fl.StringVar(&o.MSGraphEndpoint, "msgraph-endpoint", "", "Microsoft Graph endpoint [ATG_MSGRAPH_ENDPOINT]")
	fl.IntVar(&o.Concurrency, "concurrency", 8, "writes in flight within a dependency level")
	remote.AddFlags(cmd, &o.Remote)
	remote.AddRunFlags(cmd, &o.RemoteRun)
	return cmd
}

// runRemote submits the job to the service (POST /create-tenant) and prints its report like a
// local run. The service deploys into one target subscription and does not create identities.
func runRemote(ctx context.Context, o *Options, cfg *config.Config) error {
	if len(o.TargetSubscriptions) != 1 || strings.Contains(o.TargetSubscriptions[0], "=") {
		return cmdutil.Usagef("--remote deploys into exactly one --target-subscription")
	}
	if o.CreateIdentities || o.IdentityMapFile != "" || o.SSHPublicKeyFile != "" || len(o.Filter.ResourceGroups) > 0 || len(o.Filter.Types) > 0 {
		return cmdutil.Usagef("--create-identities, --identity-map, --ssh-public-key and filters are local-only; run without --remote")
	}
	req := remote.CreateTenantRequest{SourceTenantID: o.SourceTenantID, DryRun: o.DryRun,
		Target: &remote.Target{TenantID: o.TargetTenantID, SubscriptionID: o.TargetSubscriptions[0], Location: o.TargetLocation, NameSuffix: o.NameSuffix}}
	if o.SpecFile != "" {
		b, err := os.ReadFile(o.SpecFile)
		if err != nil {
			return fmt.Errorf("read spec: %w", err)
		}
		s, err := spec.Validate(b) // the service checks it again, with the plan
		if err != nil {
			return fmt.Errorf("%s: %w", o.SpecFile, err)
		}
		if req.Spec, err = json.Marshal(s); err != nil {
			return fmt.Errorf("encoding spec: %w", err)
		}
	}
	return remote.RunJob(ctx, o.IO, cfg, &o.Remote, o.Logger(), remote.JobSpec{
		Submit: func(ctx context.Context, c *remote.Client, key string) (remote.Job, error) {
			return c.SubmitCreateTenant(ctx, req, key)
		},
		Run: o.RemoteRun,
		Render: func(ios *cmdutil.IOStreams, result json.RawMessage, asJSON bool) error {
			var rep replicate.Report
			if err := json.Unmarshal(result, &rep); err != nil {
				return fmt.Errorf("decoding the service's report: %w", err)
			}
			var err error
			if asJSON {
				err = cmdutil.PrintJSON(ios.Out, rep)
			} else {
				_, err = io.WriteString(ios.Out, rep.Markdown())
			}
			if err == nil && !rep.OK() {
				fmt.Fprintf(ios.ErrOut, "create-tenant: %d failed, %d blocked\n", rep.Failed, rep.Blocked)
				return cmdutil.ErrSilent
			}
			return err
		},
	})
}

func (o *Options) validate() error {
	if (o.SpecFile == "") == (o.SourceTenantID == "") {
		return cmdutil.Usagef("give exactly one of --spec and --source-tenant-id")
	}
	if strings.TrimSpace(o.TargetTenantID) == "" {
		return cmdutil.Usagef("--target-tenant-id is required")
	}
	if len(o.TargetSubscriptions) == 0 {
		return cmdutil.Usagef("--target-subscription is required (repeatable)")
	}
	if o.Concurrency < 1 || o.Concurrency > 64 {
		return cmdutil.Usagef("--concurrency must be between 1 and 64, got %d", o.Concurrency)
	}
	if err := (azure.Endpoints{ARM: o.ARMEndpoint, MSGraph: o.MSGraphEndpoint}).Validate(); err != nil {
		return &cmdutil.UsageError{Err: err}
	}
	return nil
}

func run(ctx context.Context, o *Options) error {
	log := slog.New(slog.DiscardHandler)
	if o.Logger != nil {
		log = o.Logger()
	}
	in := replicate.Input{TargetTenantID: o.TargetTenantID, TargetSubscriptions: o.TargetSubscriptions,
		TargetLocation: o.TargetLocation, NameSuffix: o.NameSuffix, Filter: o.Filter, SourceTenantID: o.SourceTenantID}
	if o.SSHPublicKeyFile != "" {
		b, err := os.ReadFile(o.SSHPublicKeyFile)
		if err != nil {
			return fmt.Errorf("read ssh public key: %w", err)
		}
		in.SSHPublicKey = string(b)
	}
	var principals []replicate.Principal
	if o.SpecFile != "" {
		b, err := os.ReadFile(o.SpecFile)
		if err != nil {
			return fmt.Errorf("read spec: %w", err)
		}
		// the same check the service runs at submit: schema, limits, cycles, and a plan that
		// writes only under the target subscriptions
		s, err := replicate.CheckSpec(ctx, b, o.TargetTenantID, o.TargetSubscriptions)
		if err != nil {
			return fmt.Errorf("%s: %w", o.SpecFile, err)
		}
		in.Model = s.Model
		in.SourceTenantID = s.Tenant.ID
		for _, p := range s.Principals {
			switch strings.ToLower(p.Kind) {
			case "user", "group":
				principals = append(principals, replicate.Principal{ID: strings.ToLower(p.ID), Kind: strings.ToLower(p.Kind), DisplayName: p.DisplayName})
			}
		}
	} else {
		store, err := o.GraphStore(ctx)
		if err != nil {
			return fmt.Errorf("opening graph store: %w", err)
		}
		defer store.Close(context.WithoutCancel(ctx))
		in.Store = store
		if o.CreateIdentities {
			if principals, err = replicate.SourcePrincipals(ctx, store, o.SourceTenantID); err != nil {
				return err
			}
		}
	}
	copts := o.AzureBase
	copts.Endpoints = azure.Endpoints{ARM: o.ARMEndpoint, MSGraph: o.MSGraphEndpoint}
	copts.TenantID = o.TargetTenantID
	if cfg, err := o.Config(); err == nil && cfg.AzureClientID != "" && copts.Identity == nil {
		copts.Identity = &azure.Identity{AppClientID: cfg.AzureClientID, ManagedIdentityClientID: cfg.AzureMIClientID}
	}
	copts.Logger = log
	clients, err := azure.NewClients(copts)
	if err != nil {
		return err
	}
	idmap := map[string]string{}
	if o.IdentityMapFile != "" {
		if _, err := os.Stat(o.IdentityMapFile); err != nil && !o.CreateIdentities {
			return cmdutil.Usagef("--identity-map %s: %v", o.IdentityMapFile, err)
		}
		if idmap, err = replicate.LoadIdentityMap(o.IdentityMapFile); err != nil {
			return err
		}
	}
	var idrep *replicate.IdentityReport
	if o.CreateIdentities {
		if o.DryRun {
			fmt.Fprintf(o.IO.ErrOut, "dry run: not creating identities (%d users and groups in the source)\n", len(principals))
		} else {
			fmt.Fprintf(o.IO.ErrOut, "creating identities: %d users and groups\n", len(principals))
			idrep, err = replicate.CreateIdentities(ctx, replicate.IdentityOptions{Azure: clients, Principals: principals, Existing: idmap, Logger: log})
			if err != nil {
				return err
			}
			idmap = idrep.Map
			path := o.IdentityMapFile
			if path == "" {
				path = "identity-map-" + o.TargetTenantID + ".json"
			}
			if err := replicate.SaveIdentityMap(path, idmap); err != nil {
				return err
			}
			fmt.Fprintf(o.IO.ErrOut, "identities: %d users and %d groups created, %d memberships added, %d failures; map written to %s\n",
				idrep.UsersCreated, idrep.GroupsCreated, idrep.MembershipsAdded, len(idrep.Failures), path)
		}
	}
	in.IdentityMap = idmap
	plan, err := replicate.MakePlan(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.IO.ErrOut, "plan: %d resources in %d dependency levels (+ resource groups), %d not deployed\n",
		len(plan.Items), plan.Levels, len(plan.Skipped))
	prog := newProgress(o.IO, len(plan.Items), o.DryRun)
	rep, derr := replicate.Deploy(ctx, plan, replicate.Options{Azure: clients, Concurrency: o.Concurrency, DryRun: o.DryRun,
		Logger: log, Progress: prog.update})
	prog.done()
	if rep == nil {
		return derr
	}
	rep.Identities = idrep
	if idrep != nil {
		rep.APICalls["msgraph"] += idrep.APICalls["msgraph"]
	}
	if o.JSON {
		err = cmdutil.PrintJSON(o.IO.Out, rep)
	} else {
		_, err = io.WriteString(o.IO.Out, rep.Markdown())
	}
	if err != nil {
		return err
	}
	if derr != nil {
		return derr
	}
	if !rep.OK() || (idrep != nil && len(idrep.Failures) > 0) {
		fmt.Fprintf(o.IO.ErrOut, "create-tenant: %d failed, %d blocked\n", rep.Failed, rep.Blocked)
		return cmdutil.ErrSilent
	}
	return nil
}

// progress reports on stderr: a bar on a terminal, a line per 10% otherwise.
type progress struct {
	mu    sync.Mutex
	io    *cmdutil.IOStreams
	bar   *progressbar.ProgressBar
	total int
	next  int
	start time.Time
	verb  string
}

func newProgress(ios *cmdutil.IOStreams, total int, dry bool) *progress {
	p := &progress{io: ios, total: total, start: time.Now(), verb: "deploy"}
	if dry {
		p.verb = "plan"
	}
	if ios.StderrTTY {
		p.bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(ios.ErrOut), progressbar.OptionSetWidth(24),
			progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish(), progressbar.OptionShowCount(),
			progressbar.OptionShowDescriptionAtLineEnd(), progressbar.OptionSetDescription(p.verb))
	}
	return p
}

func (p *progress) update(pr replicate.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		p.bar.Describe(fmt.Sprintf("%s level %d/%d, %d writes", p.verb, pr.Level, pr.Levels, pr.Writes))
		_ = p.bar.Set(pr.Done)
		return
	}
	if pr.Last.Action == replicate.ActionFail {
		fmt.Fprintf(p.io.ErrOut, "failed: %s: %s %s\n", pr.Last.TargetID, pr.Last.Code, pr.Last.Message)
	}
	if pr.Done*10/max(p.total, 1) >= p.next || pr.Done == p.total {
		fmt.Fprintf(p.io.ErrOut, "%s: %d/%d resources (level %d/%d, %d writes, %.1fs)\n", p.verb, pr.Done, p.total, pr.Level, pr.Levels, pr.Writes, time.Since(p.start).Seconds())
		p.next = pr.Done*10/max(p.total, 1) + 1
	}
}

func (p *progress) done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}
