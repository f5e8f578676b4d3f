// Package fidelity implements `atg fidelity`: compare a source tenant with its replica.
package fidelity

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/engine/fidelity"
	"github.com/atg-go/atg/engine/graph"
)

// Options are the command's inputs.
type Options struct {
	IO       *cmdutil.IOStreams
	Store    func(ctx context.Context) (graph.Store, error)
	JSON     bool
	Compare  fidelity.Options
	MinCount float64
	MinProps float64
}

// NewCmdFidelity returns the `fidelity` command; runF, when set, receives the validated options
// instead of running (tests).
func NewCmdFidelity(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IO, Store: f.GraphStore}
	cmd := &cobra.Command{
		Use:   "fidelity --source-tenant-id A --target-tenant-id B",
		Short: "Compare a source tenant with its copy: count and property fidelity, every miss explained",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.Compare.SourceTenantID == "" || o.Compare.TargetTenantID == "" {
				return cmdutil.Usagef("--source-tenant-id and --target-tenant-id are required")
			}
			if o.MinCount < 0 || o.MinCount > 1 || o.MinProps < 0 || o.MinProps > 1 {
				return cmdutil.Usagef("--min-count and --min-properties are fractions between 0 and 1")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			o.JSON = cmdutil.WantJSON(cfg)
			if runF != nil {
				return runF(o)
			}
			return run(cmd.Context(), o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Compare.SourceTenantID, "source-tenant-id", "", "the scanned source tenant")
	fl.StringVar(&o.Compare.TargetTenantID, "target-tenant-id", "", "the scanned copy")
	fl.StringSliceVar(&o.Compare.SourceSubscriptions, "source-subscription", nil, "limit the source to these subscriptions (repeatable)")
	fl.StringSliceVar(&o.Compare.TargetSubscriptions, "target-subscription", nil, "limit the target to these subscriptions (repeatable)")
	fl.StringVar(&o.Compare.NameSuffix, "name-suffix", "", "the suffix create-tenant appended to names")
	fl.Float64Var(&o.MinCount, "min-count", 0, "exit 1 when count fidelity is below this fraction")
	fl.Float64Var(&o.MinProps, "min-properties", 0, "exit 1 when property fidelity is below this fraction")
	return cmd
}

func run(ctx context.Context, o *Options) error {
	store, err := o.Store(ctx)
	if err != nil {
		return fmt.Errorf("opening graph: %w", err)
	}
	defer store.Close(context.WithoutCancel(ctx))
	rep, err := fidelity.Compare(ctx, store, o.Compare)
	if err != nil {
		return err
	}
	if rep.SourceResources == 0 {
		return fmt.Errorf("source tenant %s has no resources in the graph: scan it first", o.Compare.SourceTenantID)
	}
	if o.JSON {
		err = cmdutil.PrintJSON(o.IO.Out, rep)
	} else {
		_, err = fmt.Fprint(o.IO.Out, rep.Markdown())
	}
	if err != nil {
		return err
	}
	if rep.CountFidelity < o.MinCount || rep.PropertyFidelity < o.MinProps {
		fmt.Fprintf(o.IO.ErrOut, "fidelity below threshold: count %.2f%% (min %.2f%%), properties %.2f%% (min %.2f%%)\n",
			100*rep.CountFidelity, 100*o.MinCount, 100*rep.PropertyFidelity, 100*o.MinProps)
		return cmdutil.ErrSilent
	}
	return nil
}
