// Package generate implements `atg generate-spec` and `atg generate-iac`.
package generate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/cli/shared"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/engine/spec"
)

// SpecOptions are the inputs of `atg generate-spec`.
type SpecOptions struct {
	IO         *cmdutil.IOStreams
	Config     func() (*config.Config, error)
	Logger     func() *slog.Logger
	GraphStore func(context.Context) (graph.Store, error)

	TenantID  string
	Output    string // file; "" = stdout
	Anonymize bool
	Filter    model.Filter
}

// NewCmdGenerateSpec returns the command; runF, when set, receives the validated options (tests).
func NewCmdGenerateSpec(f *cmdutil.Factory, runF func(*SpecOptions) error) *cobra.Command {
	o := &SpecOptions{IO: f.IO, Config: f.Config, Logger: f.Logger, GraphStore: f.GraphStore}
	var out *cmdutil.OutputValue
	cmd := &cobra.Command{
		Use:   "generate-spec --tenant-id T [--output FILE] [--anonymize]",
		Short: "Write a Markdown + JSON tenant specification",
		Long: `Generate-spec writes the tenant specification from the graph: a Markdown document (tenant
summary, per subscription and resource group the resources with their key settings, relationships,
identities and role assignments, counts by type) ending in one fenced json block that
atg create-tenant --spec reads. --anonymize replaces names, ids, principals, domains and addresses
with stable pseudonyms.`,
		Example: `  atg generate-spec --tenant-id $T --output tenant.md
  atg generate-spec --tenant-id $T --anonymize --resource-group prod-web`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Output = out.Path
			if o.TenantID == "" {
				if cfg, err := o.Config(); err == nil {
					o.TenantID = cfg.TenantID
				}
			}
			if o.TenantID == "" {
				return cmdutil.Usagef("--tenant-id is required")
			}
			if runF != nil {
				return runF(o)
			}
			return specRun(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.TenantID, "tenant-id", "", "tenant whose graph to describe")
	out = cmdutil.AddOutputFileFlag(cmd, "FILE to write instead of stdout")
	cmd.Flags().BoolVar(&o.Anonymize, "anonymize", false, "replace names, ids, principals and domains with stable pseudonyms")
	filterFlags(cmd, &o.Filter)
	return cmd
}

func filterFlags(cmd *cobra.Command, f *model.Filter) {
	cmd.Flags().StringSliceVar(&f.ResourceGroups, "resource-group", nil, "only these resource groups (repeatable; dependencies are pulled in)")
	cmd.Flags().StringSliceVar(&f.Types, "type", nil, "only these ARM types (repeatable)")
	cmd.Flags().StringSliceVar(&f.IDs, "id", nil, "only these resource ids (repeatable)")
}

func specRun(ctx context.Context, o *SpecOptions) error {
	st, err := o.GraphStore(ctx)
	if err != nil {
		return fmt.Errorf("open graph: %w", err)
	}
	defer st.Close(context.WithoutCancel(ctx))
	s, err := spec.Build(ctx, st, o.TenantID, spec.Options{Filter: o.Filter, Anonymize: o.Anonymize})
	if err != nil {
		return err
	}
	if len(s.Model.Resources) == 0 {
		return fmt.Errorf("tenant %s: no resources in the graph (run atg scan first)", o.TenantID)
	}
	md, err := s.Markdown()
	if err != nil {
		return err
	}
	if o.Output == "" {
		_, err = o.IO.Out.Write(md)
		return err
	}
	if err := shared.WriteFile(o.Output, md); err != nil {
		return err
	}
	cfg, _ := o.Config()
	sum := map[string]any{"file": o.Output, "resources": len(s.Model.Resources), "skipped": len(s.Model.Skipped),
		"anonymized": s.Anonymized, "bytes": len(md)}
	if cmdutil.WantJSON(cfg) {
		return cmdutil.PrintJSON(o.IO.Out, sum)
	}
	fmt.Fprintf(o.IO.Out, "wrote %s: %d resources, %d skipped\n", o.Output, len(s.Model.Resources), len(s.Model.Skipped))
	return nil
}

// IaCOptions are the inputs of `atg generate-iac`.
type IaCOptions struct {
	IO         *cmdutil.IOStreams
	Config     func() (*config.Config, error)
	Logger     func() *slog.Logger
	GraphStore func(context.Context) (graph.Store, error)

	TenantID    string
	Format      iac.Format
	OutputDir   string
	Filter      model.Filter
	Translate   translate.Options
	IdentityMap string // file
	NoImports   bool

	// Remote mode (--remote): the job runs on the ATG service.
	Remote    remote.Flags
	RemoteRun remote.RunOptions
}

// NewCmdGenerateIaC returns the command; runF, when set, receives the validated options (tests).
func NewCmdGenerateIaC(f *cmdutil.Factory, runF func(*IaCOptions) error) *cobra.Command {
	o := &IaCOptions{IO: f.IO, Config: f.Config, Logger: f.Logger, GraphStore: f.GraphStore}
	var format string
	var out *cmdutil.OutputValue
	cmd := &cobra.Command{
		Use:   "generate-iac --tenant-id T --format terraform|bicep|arm --output DIR",
		Short: "Generate Terraform, Bicep or ARM from the graph",
		Long: `Generate-iac turns the graph (or the part selected by --resource-group, --type and --id, with
what they depend on) into Terraform (azurerm 5.x typed resources + azapi fallback), Bicep (a module
per resource group) or an ARM template (a nested deployment per resource group). References between
resources become symbolic references; ids outside the selection and secrets become input
variables: a secret found anywhere in the source (a connection string in a tag, a token in an app
setting, a signed URL) becomes a sensitive input, listed in secrets.json by resource id, JSON path
and rule, never by value. skipped.json lists what was left out and why; with --target-* flags the code is
translated for another tenant/subscription/region and translation.json lists every rewrite.`,
		Example: `  atg generate-iac --tenant-id $T --format terraform --output out/tf
  atg generate-iac --tenant-id $T --format bicep --output out/bicep --resource-group app-rg
  atg generate-iac --tenant-id $T --format arm --output out/arm --target-subscription $S2 \
      --target-location westeurope --name-suffix dr --identity-map ids.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.TenantID == "" {
				if cfg, err := o.Config(); err == nil {
					o.TenantID = cfg.TenantID
				}
			}
			if o.TenantID == "" {
				return cmdutil.Usagef("--tenant-id is required")
			}
			fm, err := iac.ParseFormat(format)
			if err != nil {
				return &cmdutil.UsageError{Err: err}
			}
			o.Format = fm
			o.OutputDir = out.Path
			if o.OutputDir == "" {
				return cmdutil.Usagef("--output DIR is required")
			}
			if o.IdentityMap != "" {
				im, err := translate.LoadIdentityMap(o.IdentityMap)
				if err != nil {
					return &cmdutil.UsageError{Err: err}
				}
				o.Translate.IdentityMap = im
			}
			if o.Translate.TargetTenantID != "" || o.Translate.TargetSubscription != "" {
				o.Translate.UniqueNames = true
			}
			cfg, err := o.Config()
			if err != nil {
				return err
			}
			return remote.Dispatch(cmd.Context(), &o.Remote, cfg, o.RemoteRun, o, runF, iacRemote, iacRun)
		},
	}
	cmd.Flags().StringVar(&o.TenantID, "tenant-id", "", "tenant whose graph to generate from")
	cmd.Flags().StringVar(&format, "format", "terraform", "terraform, bicep or arm")
	out = cmdutil.AddOutputDirFlag(cmd, "output DIRECTORY")
	filterFlags(cmd, &o.Filter)
	cmd.Flags().StringVar(&o.Translate.TargetTenantID, "target-tenant-id", "", "translate for this tenant")
	cmd.Flags().StringVar(&o.Translate.TargetSubscription, "target-subscription", "", "translate for this subscription")
	cmd.Flags().StringVar(&o.Translate.TargetLocation, "target-location", "", "move every regional resource to this location")
	cmd.Flags().StringVar(&o.Translate.NameSuffix, "name-suffix", "", "suffix for globally unique names (storage, key vault, web apps, …)")
	cmd.Flags().StringVar(&o.IdentityMap, "identity-map", "", `JSON file {"<source principal id>": "<target principal id>"}`)
	cmd.Flags().BoolVar(&o.NoImports, "no-imports", false, "Terraform: do not write imports.tf")
	remote.AddFlags(cmd, &o.Remote)
	remote.AddRunFlags(cmd, &o.RemoteRun)
	return cmd
}

// iacRemote runs generate-iac on the service (POST /generate-iac): the generated files come back
// as a zip artifact, extracted into --output DIR like a local run's, and the summary is printed
// with the local printer.
func iacRemote(ctx context.Context, o *IaCOptions, cfg *config.Config) error {
	if o.IdentityMap != "" || len(o.Filter.IDs) > 0 || o.NoImports {
		return cmdutil.Usagef("--identity-map, --id and --no-imports are local-only; run without --remote")
	}
	req := remote.GenerateIaCRequest{TenantID: o.TenantID, Format: string(o.Format),
		ResourceGroups: o.Filter.ResourceGroups, Types: o.Filter.Types}
	if t := o.Translate; t.TargetTenantID != "" || t.TargetSubscription != "" || t.TargetLocation != "" || t.NameSuffix != "" {
		req.Target = &remote.Target{TenantID: t.TargetTenantID, SubscriptionID: t.TargetSubscription, Location: t.TargetLocation, NameSuffix: t.NameSuffix}
	}
	run := o.RemoteRun
	run.OutputDir, run.ExtractZips = o.OutputDir, true
	return remote.RunJob(ctx, o.IO, cfg, &o.Remote, o.Logger(), remote.JobSpec{
		Submit: func(ctx context.Context, c *remote.Client, key string) (remote.Job, error) {
			return c.SubmitGenerateIaC(ctx, req, key)
		},
		Run: run,
		Render: func(ios *cmdutil.IOStreams, result json.RawMessage, asJSON bool) error {
			var res iac.DirResult
			if err := json.Unmarshal(result, &res); err != nil {
				return fmt.Errorf("decoding the service's result: %w", err)
			}
			res.Directory = o.OutputDir
			if asJSON {
				return cmdutil.PrintJSON(ios.Out, res)
			}
			return printSummary(ios.Out, res)
		},
	})
}

func iacRun(ctx context.Context, o *IaCOptions) error {
	st, err := o.GraphStore(ctx)
	if err != nil {
		return fmt.Errorf("open graph: %w", err)
	}
	defer st.Close(context.WithoutCancel(ctx))
	res, err := iac.GenerateToDir(ctx, st, o.TenantID, o.Format, o.OutputDir, o.Filter, o.Translate, !o.NoImports)
	if err != nil {
		return err
	}
	cfg, _ := o.Config()
	if cmdutil.WantJSON(cfg) {
		return cmdutil.PrintJSON(o.IO.Out, res)
	}
	return printSummary(o.IO.Out, res)
}

func printSummary(w io.Writer, res iac.DirResult) error {
	s := res.Summary
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "format\t%s\n", s.Format)
	fmt.Fprintf(tw, "directory\t%s\n", res.Directory)
	emitted := fmt.Sprint(s.Emitted)
	if s.Format == iac.FormatTerraform {
		emitted += fmt.Sprintf(" (%d azurerm typed, %d azapi)", s.Typed, s.Generic)
	}
	fmt.Fprintf(tw, "emitted\t%s\n", emitted)
	fmt.Fprintf(tw, "skipped\t%d (see skipped.json)\n", s.Skipped)
	fmt.Fprintf(tw, "secret properties removed\t%d\n", s.Dropped)
	fmt.Fprintf(tw, "secrets found\t%d (see secrets.json)\n", s.SecretsFound)
	fmt.Fprintf(tw, "variables\t%d (%d secret)\n", s.Variables, s.Secrets)
	if s.Rewrites > 0 {
		fmt.Fprintf(tw, "translation rewrites\t%d (see translation.json)\n", s.Rewrites)
	}
	fmt.Fprintf(tw, "files\t%s\n", strings.Join(s.Files, ", "))
	return tw.Flush()
}
