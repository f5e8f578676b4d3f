// Package visualize implements `atg visualize`: one self-contained interactive HTML file.
package visualize

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/posture"
	"github.com/atg-go/atg/engine/visualize"
)

// Options are the command's inputs.
type Options struct {
	IO       *cmdutil.IOStreams
	Store    func(ctx context.Context) (graph.Store, error)
	TenantID string
	Output   string
	Filter   visualize.Filter
	Collapse int
	JSON     bool
	// Posture overlays security findings and attack paths (atg posture) on the page.
	Posture bool
}

// NewCmdVisualize returns the `visualize` command; runF, when set, receives the validated options
// instead of running (tests).
func NewCmdVisualize(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IO, Store: f.GraphStore}
	var out *cmdutil.OutputValue
	cmd := &cobra.Command{
		Use:   "visualize --tenant-id T --output tenant.html",
		Short: "Write a self-contained, interactive HTML graph explorer (no network needed to view it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if o.TenantID == "" {
				o.TenantID = cfg.TenantID
			}
			if o.TenantID == "" {
				return cmdutil.Usagef("--tenant-id is required")
			}
			o.Output = out.Path
			if o.Output == "" {
				return cmdutil.Usagef("--output is required (an .html file)")
			}
			o.JSON = cmdutil.WantJSON(cfg)
			if runF != nil {
				return runF(o)
			}
			return run(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.TenantID, "tenant-id", "", "tenant to draw [ATG_TENANT_ID]")
	out = cmdutil.AddOutputFileFlag(cmd, "HTML file to write")
	fl.StringSliceVar(&o.Filter.Subscriptions, "subscription", nil, "only these subscriptions (repeatable)")
	fl.StringSliceVar(&o.Filter.ResourceGroups, "resource-group", nil, "only these resource groups (repeatable)")
	fl.StringSliceVar(&o.Filter.Types, "type", nil, "only these resource types, e.g. Microsoft.Network/virtualNetworks (repeatable)")
	fl.BoolVar(&o.Posture, "posture", false, "highlight nodes with security findings (by severity) and list attack paths to select")
	fl.IntVar(&o.Collapse, "collapse-above", 3000, "start with resource groups collapsed when more nodes than this are drawn")
	return cmd
}

func run(ctx context.Context, o *Options) error {
	store, err := o.Store(ctx)
	if err != nil {
		return fmt.Errorf("opening graph: %w", err)
	}
	defer store.Close(context.WithoutCancel(ctx))
	d, err := visualize.Build(ctx, store, o.TenantID, o.Filter, visualize.Options{CollapseAbove: o.Collapse})
	if err != nil {
		return err
	}
	if len(d.Nodes) == 0 {
		return fmt.Errorf("tenant %s has nothing to draw (scan it first, or loosen the filters)", o.TenantID)
	}
	if o.Posture {
		rep, err := posture.Assess(ctx, store, o.TenantID, posture.Options{})
		if err != nil {
			return err
		}
		visualize.ApplyPosture(d, rep)
	}
	if err := os.MkdirAll(filepath.Dir(o.Output), 0o755); err != nil {
		return fmt.Errorf("creating output directory: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(o.Output), ".visualize-*")
	if err != nil {
		return fmt.Errorf("creating output: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := visualize.Render(tmp, d, visualize.Options{CollapseAbove: o.Collapse}); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	if err := os.Rename(tmp.Name(), o.Output); err != nil {
		return fmt.Errorf("writing %s: %w", o.Output, err)
	}
	_ = os.Chmod(o.Output, 0o644)
	st, _ := os.Stat(o.Output)
	summary := map[string]any{"output": o.Output, "nodes": len(d.Nodes), "edges": len(d.Edges), "bytes": st.Size()}
	if d.Posture != nil {
		summary["posture_nodes"], summary["attack_paths"] = len(d.Posture.Findings), len(d.Posture.Paths)
	}
	if o.JSON {
		return cmdutil.PrintJSON(o.IO.Out, summary)
	}
	_, err = fmt.Fprintf(o.IO.Out, "wrote %s (%d nodes, %d edges, %d KiB); open it in a browser, no network needed\n", o.Output, len(d.Nodes), len(d.Edges), st.Size()/1024)
	return err
}
