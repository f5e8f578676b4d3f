// Package mcp implements `atg mcp`: the Model Context Protocol server over stdio, bound to one
// tenant of the configured graph store (either store), for agents and MCP clients.
package mcp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/mcpserver"
)

// Options are the command's inputs.
type Options struct {
	IO            *cmdutil.IOStreams
	Store         func(ctx context.Context) (graph.Store, error)
	Logger        *slog.Logger
	TenantID      string
	CypherTimeout time.Duration
	CypherMaxRows int
}

// NewCmdMCP returns the `mcp` command; runF, when set, receives the validated options
// instead of running (tests).
func NewCmdMCP(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IO, Store: f.GraphStore}
	cmd := &cobra.Command{
		Use:   "mcp --tenant-id T",
		Short: "Serve the graph to agents: a Model Context Protocol server over stdio",
		Long: `Run a Model Context Protocol server on stdin/stdout (newline-delimited JSON-RPC), bound to one
tenant of the graph store named by --graph (the embedded file or Neo4j). Logs go to stderr.

Tools (all read-only, all scoped to the tenant): stats, search_resources, get_resource (secrets
redacted), neighbours, shortest_path, who_can_access, exposure_paths, posture_findings,
generate_iac, cypher (Neo4j only: read transaction, timeout, row cap; writes refused).

Attach it to an MCP client with a command entry, e.g.
  {"mcpServers": {"atg": {"command": "atg", "args": ["mcp", "--tenant-id", "<tenant>", "--graph", "bolt://127.0.0.1:7687"]}}}`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if o.TenantID == "" {
				o.TenantID = cfg.TenantID
			}
			if o.TenantID == "" {
				return cmdutil.Usagef("--tenant-id is required (or set ATG_TENANT_ID)")
			}
			if _, err := graph.CheckTenant(o.TenantID); err != nil {
				return cmdutil.Usagef("--tenant-id: %v", err)
			}
			if o.CypherTimeout <= 0 || o.CypherMaxRows <= 0 {
				return cmdutil.Usagef("--cypher-timeout and --cypher-max-rows must be positive")
			}
			if f.Logger != nil {
				o.Logger = f.Logger()
			}
			if runF != nil {
				return runF(o)
			}
			return run(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.TenantID, "tenant-id", "", "tenant the tools read [ATG_TENANT_ID]")
	fl.DurationVar(&o.CypherTimeout, "cypher-timeout", 10*time.Second, "timeout of one cypher tool call")
	fl.IntVar(&o.CypherMaxRows, "cypher-max-rows", 1000, "rows one cypher tool call returns at most")
	return cmd
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

func run(ctx context.Context, o *Options) error {
	store, err := o.Store(ctx)
	if err != nil {
		return fmt.Errorf("opening graph: %w", err)
	}
	defer store.Close(context.WithoutCancel(ctx))
	srv, err := mcpserver.New(mcpserver.Options{Store: store, TenantID: o.TenantID, Logger: o.Logger,
		CypherTimeout: o.CypherTimeout, CypherMaxRows: o.CypherMaxRows})
	if err != nil {
		return err
	}
	err = srv.Run(ctx, &sdk.IOTransport{Reader: io.NopCloser(o.IO.In), Writer: nopWriteCloser{o.IO.Out}})
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, context.Canceled) {
		return nil // the client closed stdin, or we were interrupted
	}
	return fmt.Errorf("mcp: %w", err)
}
