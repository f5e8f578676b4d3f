// Package sim implements `atg sim`: the Azure tenant simulator.
package sim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	engine "github.com/atg-go/atg/sim"
)

// NewCmdSim returns the `sim` command.
func NewCmdSim(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the Azure tenant simulator (ARM, Resource Graph, MS Graph)",
	}
	cmd.AddCommand(NewCmdServe(f, nil))
	return cmd
}

// ServeOptions are the flags and dependencies of `atg sim serve`.
type ServeOptions struct {
	IO     *cmdutil.IOStreams
	Logger *slog.Logger

	Addr      string
	TruthFile string
	Sim       engine.Options
}

// NewCmdServe returns `atg sim serve`; runF replaces the run function in tests.
func NewCmdServe(f *cmdutil.Factory, runF func(*ServeOptions) error) *cobra.Command {
	opts := &ServeOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve a simulated Azure tenant until interrupted",
		Long: `Serve a simulated Azure cloud (ARM, Resource Graph and MS Graph) for ATG and the Azure SDKs.

When ready it prints one JSON line on stdout:
  {"arm_endpoint": "...", "msgraph_endpoint": "...", "tenant_ids": ["..."]}
and serves until SIGINT or SIGTERM.`,
		Example: `  atg sim serve --addr 127.0.0.1:8090 --resources 2000 --subscriptions 4 --seed 7 --throttle fast --truth truth.json`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Sim.Resources < 0 || opts.Sim.Subscriptions < 1 || opts.Sim.Tenants < 1 {
				return cmdutil.Usagef("--resources must be >= 0, --subscriptions and --tenants >= 1")
			}
			switch opts.Sim.Throttle {
			case "real", "off", "fast":
			default:
				return cmdutil.Usagef("--throttle must be real, off or fast")
			}
			if opts.Sim.Faults < 0 || opts.Sim.Faults > 1 {
				return cmdutil.Usagef("--faults must be within [0,1]")
			}
			if f.Logger != nil {
				opts.Logger = f.Logger()
			}
			if runF != nil {
				return runF(opts)
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			return serveRun(ctx, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Addr, "addr", "127.0.0.1:8090", "listen address (port 0 picks a free port)")
	fl.IntVar(&opts.Sim.Resources, "resources", 2000, "resources to generate in the first tenant")
	fl.IntVar(&opts.Sim.Subscriptions, "subscriptions", 4, "subscriptions per tenant")
	fl.Int64Var(&opts.Sim.Seed, "seed", 7, "seed for the generator, faults and jitter")
	fl.IntVar(&opts.Sim.Tenants, "tenants", 1, "tenants; the ones after the first start empty (deployment targets)")
	fl.StringVar(&opts.Sim.Throttle, "throttle", "real", "throttling: real, off, or fast (Azure's limits on a sped-up clock)")
	fl.DurationVar(&opts.Sim.Latency, "latency", 0, "added latency per request")
	fl.DurationVar(&opts.Sim.LatencyJitter, "latency-jitter", 0, "latency jitter (±)")
	fl.Float64Var(&opts.Sim.Faults, "faults", 0, "fraction of requests that fault (500/503/429 with Retry-After, reset, slow)")
	fl.StringVar(&opts.Sim.FromDir, "from", "", "serve the ARM JSON envelopes of this directory (their subscriptions, resource groups and ids) instead of generating")
	fl.BoolVar(&opts.Sim.PlatformResources, "platform-resources", false, "add what Azure creates itself: private endpoint NICs, AKS MC_ node resource groups (scale set, load balancer, public IP, NSG); on top of --resources")
	fl.StringVar(&opts.Sim.FromGraph, "from-graph", "", "replay a scanned tenant: an 'atg graph export --format json' file (.json or .json.gz)")
	fl.BoolVar(&opts.Sim.FromRehome, "from-rehome", false, "with --from: re-home every envelope into one subscription and resource group rg-imported (example payloads with placeholder ids)")
	fl.StringVar(&opts.TruthFile, "truth", "", "write the ground truth JSON to this file")
	fl.BoolVar(&opts.Sim.TLS, "tls", false, "serve HTTPS with a generated self-signed certificate")
	fl.StringVar(&opts.Sim.GraphPrefix, "graph-prefix", "/v1.0", "MS Graph path prefix (/v1.0 and /beta are always Graph)")
	fl.IntVar(&opts.Sim.PageSize, "page-size", 1000, "ARM list page size (subscriptions page at <= 100)")
	fl.IntVar(&opts.Sim.GraphPage, "graph-page-size", 100, "MS Graph default page size")
	fl.BoolVar(&opts.Sim.RichChildren, "rich-children", false, "add web app slots, DNS record sets, federated credentials and Cosmos SQL databases (beyond --resources)")
	fl.IntVar(&opts.Sim.Users, "users", 0, "users in the first tenant's directory (0: derived from --resources); with --groups or --service-principals, memberships are realistic (groups of 1-500, some nested)")
	fl.IntVar(&opts.Sim.Groups, "groups", 0, "groups in the first tenant's directory (0: derived from the users)")
	fl.IntVar(&opts.Sim.ServicePrincipals, "service-principals", 0, "application service principals (app registrations and enterprise apps; 0: derived from the users)")
	fl.BoolVar(&opts.Sim.Governance, "governance", false, "add management groups under the tenant root group, policy assignments and resource locks")
	fl.BoolVar(&opts.Sim.PlantPosture, "plant-posture", false, "plant posture misconfigurations, compliant counterparts and attack paths (truth: posture)")
	return cmd
}

type readyLine struct {
	ARMEndpoint     string   `json:"arm_endpoint"`
	MSGraphEndpoint string   `json:"msgraph_endpoint"`
	TenantIDs       []string `json:"tenant_ids"`
	CertPEM         string   `json:"cert_pem,omitempty"`
}

func serveRun(ctx context.Context, opts *ServeOptions) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts.Sim.Logger = opts.Logger
	s, err := engine.New(opts.Sim)
	if err != nil {
		return err
	}
	if opts.TruthFile != "" {
		if err := s.WriteTruth(opts.TruthFile); err != nil {
			return err
		}
	}
	srv, err := s.Start(opts.Addr)
	if err != nil {
		return err
	}
	if err := printReady(opts.IO.Out, srv); err != nil {
		_ = srv.Close(context.Background())
		return err
	}
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Close(shutdown); err != nil {
		return fmt.Errorf("stopping simulator: %w", err)
	}
	return nil
}

func printReady(w io.Writer, srv *engine.Server) error {
	b, err := json.Marshal(readyLine{ARMEndpoint: srv.ARMEndpoint, MSGraphEndpoint: srv.MSGraphEndpoint, TenantIDs: srv.TenantIDs, CertPEM: string(srv.CertPEM)})
	if err != nil {
		return fmt.Errorf("encoding ready line: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
