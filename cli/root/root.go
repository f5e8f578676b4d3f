// Package root wires the atg command tree. It only wires subcommands, global flags and
// the Factory; each command lives in its own package.
package root

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/admin"
	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/configcmd"
	"github.com/atg-go/atg/cli/createtenant"
	"github.com/atg-go/atg/cli/demo"
	"github.com/atg-go/atg/cli/fidelity"
	"github.com/atg-go/atg/cli/generate"
	"github.com/atg-go/atg/cli/graphcmd"
	"github.com/atg-go/atg/cli/jobs"
	"github.com/atg-go/atg/cli/keys"
	mcpcmd "github.com/atg-go/atg/cli/mcp"
	posturecmd "github.com/atg-go/atg/cli/posture"
	"github.com/atg-go/atg/cli/scan"
	"github.com/atg-go/atg/cli/serve"
	"github.com/atg-go/atg/cli/sim"
	"github.com/atg-go/atg/cli/version"
	"github.com/atg-go/atg/cli/visualize"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/engine/secrets"
)

// Main runs atg with the process arguments and returns the exit code. Nothing else exits.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	io := cmdutil.System()
	return Run(ctx, io, os.Args[1:])
}

// Run executes the command tree with args and returns the exit code.
func Run(ctx context.Context, io *cmdutil.IOStreams, args []string) int {
	f := NewFactory(io)
	cmd := NewCmdRoot(f)
	cmd.SetArgs(args)
	cmd.SetIn(io.In)
	cmd.SetOut(io.Out)
	cmd.SetErr(io.ErrOut)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return cmdutil.ExitOK
	}
	code := cmdutil.ExitCodeFor(err)
	if IsUnknownCommand(err) || strings.Contains(err.Error(), "unknown flag") {
		code = cmdutil.ExitUsage
	}
	var ee *cmdutil.ExitError
	switch {
	case errors.As(err, &ee) && ee.Err == nil:
		// already reported
	case code == cmdutil.ExitInterrupted:
		fmt.Fprintln(io.ErrOut, "interrupted")
	default:
		fmt.Fprintln(io.ErrOut, "error:", err)
	}
	return code
}

// globalFlags are the flags every command accepts; set ones override env and file.
var globalFlags = []string{"graph", "output", "log-level"}

// NewFactory returns a Factory whose dependencies are built on first use.
func NewFactory(io *cmdutil.IOStreams) *cmdutil.Factory {
	f := &cmdutil.Factory{IO: io}
	var (
		cfg     *config.Config
		cfgErr  error
		loaded  bool
		logger  *slog.Logger
		flagSet = map[string]string{}
		file    string
	)
	f.Config = func() (*config.Config, error) {
		if !loaded {
			cfg, cfgErr = config.Load(config.LoadOptions{File: file, Flags: flagSet})
			loaded = true
		}
		return cfg, cfgErr
	}
	f.Logger = func() *slog.Logger {
		if logger == nil {
			level := slog.LevelInfo
			if c, err := f.Config(); err == nil {
				_ = level.UnmarshalText([]byte(c.LogLevel))
			}
			// every record passes engine/secrets' detector: no detected secret reaches a log,
			// at any level, in the CLI or the service (atg serve / atg handler log here too)
			logger = slog.New(secrets.NewHandler(slog.NewTextHandler(io.ErrOut, &slog.HandlerOptions{Level: level})))
		}
		return logger
	}
	f.GraphStore = func(ctx context.Context) (graph.Store, error) {
		c, err := f.Config()
		if err != nil {
			return nil, err
		}
		return stores.Open(ctx, stores.Options{Graph: c.Graph, User: c.Neo4jUser, Password: c.Neo4jPassword, Logger: f.Logger()})
	}
	f.SetGlobalFlags = func(vals map[string]string, configFile string) {
		for k, v := range vals {
			flagSet[k] = v
		}
		file = configFile
		loaded = false
		logger = nil
	}
	return f
}

// NewCmdRoot builds the command tree.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	var configFile string
	cmd := &cobra.Command{
		Use:   "atg",
		Short: "Azure Tenant Grapher: discover an Azure tenant into a graph, generate IaC, recreate it",
		Long: `atg discovers everything in an Azure tenant (subscriptions, resource groups, resources with
their full JSON, Entra users/groups/service principals, role assignments) into a graph, writes
a tenant spec, generates Terraform/Bicep/ARM and recreates the tenant elsewhere.

Local mode (default) runs the engine in-process; --remote sends the work to the service.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			vals := map[string]string{}
			for _, name := range globalFlags {
				fl := cmd.Flags().Lookup(name)
				if fl == nil || !fl.Changed {
					continue
				}
				if ov, ok := fl.Value.(*cmdutil.OutputValue); ok {
					// a command's own --output FILE|DIR; only -o text|json is the global one
					if ov.Format() != "" {
						vals[name] = ov.Format()
					}
					continue
				}
				vals[name] = fl.Value.String()
			}
			if f.SetGlobalFlags != nil {
				f.SetGlobalFlags(vals, configFile)
			}
			if _, err := f.Config(); err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			return nil
		},
	}
	pf := cmd.PersistentFlags()
	pf.String("graph", "", "graph store: file path (embedded) or bolt://host:7687 (Neo4j) [ATG_GRAPH]")
	pf.StringP("output", "o", "", "output format: text or json [ATG_OUTPUT]")
	pf.String("log-level", "", "log level: debug, info, warn, error [ATG_LOG_LEVEL]")
	pf.StringVar(&configFile, "config", "", "config file (default ~/.config/atg/config.yaml) [ATG_CONFIG]")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("log-level", cobra.FixedCompletions([]string{"debug", "info", "warn", "error"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &cmdutil.UsageError{Err: err} })

	cmd.AddCommand(
		version.NewCmdVersion(f, nil),
		scan.NewCmdScan(f, nil),
		generate.NewCmdGenerateSpec(f, nil),
		generate.NewCmdGenerateIaC(f, nil),
		createtenant.NewCmdCreateTenant(f, nil),
		fidelity.NewCmdFidelity(f, nil),
		graphcmd.NewCmdGraph(f),
		visualize.NewCmdVisualize(f, nil),
		posturecmd.NewCmdPosture(f, nil),
		mcpcmd.NewCmdMCP(f, nil),
		demo.NewCmdDemo(f, nil),
		sim.NewCmdSim(f),
		serve.NewCmdServe(f, nil),
		serve.NewCmdHandler(f, nil),
		keys.NewCmdKeys(f),
		jobs.NewCmdJobs(f),
		admin.NewCmdAdmin(f),
		configcmd.NewCmdConfig(f),
	)
	// Unknown subcommands and bad args are usage errors.
	for _, c := range cmd.Commands() {
		wrapArgs(c)
	}
	return cmd
}

func wrapArgs(c *cobra.Command) {
	if c.Args != nil {
		orig := c.Args
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := orig(cmd, args); err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		wrapArgs(sub)
	}
}

// IsUnknownCommand reports cobra's unknown-command error text (used by tests).
func IsUnknownCommand(err error) bool {
	return err != nil && strings.Contains(err.Error(), "unknown command")
}
