// Package posture implements `atg posture`: rule-based security findings and attack paths over
// a tenant's graph (either store), as Markdown, JSON or SARIF 2.1.0.
package posture

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/posture"
)

// Options are the command's inputs.
type Options struct {
	IO        *cmdutil.IOStreams
	Store     func(ctx context.Context) (graph.Store, error)
	TenantID  string
	Formats   []string
	OutputDir string
	IaCDir    string
	Rules     []string
	MaxPaths  int
	ListRules bool
	// FailOn makes the command exit 1 when a finding of this severity or above exists (CI gate).
	FailOn string
	// Remote mode (--remote): the job runs on the ATG service (POST /posture); the reports
	// come back as artifacts into --output-dir.
	Remote    remote.Flags
	RemoteRun remote.RunOptions
	Logger    func() *slog.Logger
}

// NewCmdPosture returns the `posture` command; runF, when set, receives the validated options
// instead of running (tests).
func NewCmdPosture(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IO, Store: f.GraphStore, Logger: f.Logger}
	var format string
	cmd := &cobra.Command{
		Use:   "posture --tenant-id T [--format md|json|sarif] [--output-dir DIR] [--iac DIR]",
		Short: "Security posture: rule-based findings and attack paths (Markdown, JSON, SARIF 2.1.0)",
		Long: `Evaluate the rule table (internet exposure, data protection, identity, logging; each rule with a
STRIDE category and a Microsoft cloud security benchmark control) over a tenant's graph, and
search shortest attack paths from the internet and from users to subscription control, key
vault secrets and storage data. Works on the embedded store and on Neo4j.

  --format md|json|sarif   one format, or several comma-separated with --output-dir
  --output-dir DIR         write posture.md / posture.json / posture.sarif there (default: stdout)
  --iac DIR                map findings to the Terraform written by 'atg generate-iac' (file:line in
                           the report, physical locations in SARIF)
  --list-rules             print the rule table and exit
  --fail-on SEVERITY       exit 1 when a finding of that severity or above exists (CI gate;
                           the reports are written first)
  --remote                 run on the ATG service (POST /api/v1/posture); the three reports are
                           downloaded into --output-dir

Evidence values pass through secret redaction; nothing secret reaches a report.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.ListRules {
				if runF != nil {
					return runF(o)
				}
				return listRules(o.IO.Out)
			}
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
			o.Formats = nil
			for _, s := range strings.Split(format, ",") {
				s = strings.ToLower(strings.TrimSpace(s))
				if s == "markdown" {
					s = "md"
				}
				if !slices.Contains(posture.Formats, s) {
					return cmdutil.Usagef("--format %q: want md, json or sarif", s)
				}
				if !slices.Contains(o.Formats, s) {
					o.Formats = append(o.Formats, s)
				}
			}
			if len(o.Formats) > 1 && o.OutputDir == "" {
				return cmdutil.Usagef("several formats need --output-dir")
			}
			if o.FailOn != "" && !slices.Contains(posture.Severities, posture.Severity(strings.ToLower(o.FailOn))) {
				return cmdutil.Usagef("--fail-on %q: want critical, high, medium or low", o.FailOn)
			}
			o.FailOn = strings.ToLower(o.FailOn)
			for _, id := range o.Rules {
				if _, ok := posture.RuleByID(id); !ok {
					return cmdutil.Usagef("--rule %q: no such rule (see --list-rules)", id)
				}
			}
			if o.IaCDir != "" {
				if st, err := os.Stat(o.IaCDir); err != nil || !st.IsDir() {
					return cmdutil.Usagef("--iac %q: not a directory", o.IaCDir)
				}
			}
			return remote.Dispatch(cmd.Context(), &o.Remote, cfg, o.RemoteRun, o, runF, postureRemote, run)
		},
	}
	remote.AddFlags(cmd, &o.Remote)
	remote.AddRunFlags(cmd, &o.RemoteRun)
	fl := cmd.Flags()
	fl.StringVar(&o.TenantID, "tenant-id", "", "tenant to assess [ATG_TENANT_ID]")
	fl.StringVar(&format, "format", "md", "md, json or sarif (comma-separated with --output-dir)")
	fl.StringVar(&o.OutputDir, "output-dir", "", "directory for posture.md/.json/.sarif (default: write to stdout)")
	fl.StringVar(&o.IaCDir, "iac", "", "Terraform directory from 'atg generate-iac' to map findings to file:line")
	fl.StringSliceVar(&o.Rules, "rule", nil, "run only these rule ids (repeatable)")
	fl.IntVar(&o.MaxPaths, "max-paths", 200, "attack paths to report at most (-1: no path search)")
	fl.BoolVar(&o.ListRules, "list-rules", false, "print the rule table and exit")
	fl.StringVar(&o.FailOn, "fail-on", "", "exit 1 when a finding of this severity or above exists (critical, high, medium, low)")
	return cmd
}

// postureRemote runs the assessment on the service: the three reports come back as artifacts
// into --output-dir (required in remote mode), then the summary prints as in local mode.
func postureRemote(ctx context.Context, o *Options, cfg *config.Config) error {
	if o.IaCDir != "" {
		return cmdutil.Usagef("--iac is local-only; run without --remote")
	}
	if o.OutputDir == "" && !o.RemoteRun.NoWait {
		return cmdutil.Usagef("remote mode writes the reports as files: give --output-dir")
	}
	req := remote.PostureRequest{TenantID: o.TenantID, Rules: o.Rules, MaxPaths: o.MaxPaths}
	run := o.RemoteRun
	run.OutputDir = o.OutputDir
	var logger *slog.Logger
	if o.Logger != nil {
		logger = o.Logger()
	}
	return remote.RunJob(ctx, o.IO, cfg, &o.Remote, logger, remote.JobSpec{
		Submit: func(ctx context.Context, c *remote.Client, key string) (remote.Job, error) {
			return c.SubmitPosture(ctx, req, key)
		},
		Run: run,
		Render: func(ios *cmdutil.IOStreams, result json.RawMessage, asJSON bool) error {
			var res struct {
				Findings  int                      `json:"findings"`
				Summary   map[posture.Severity]int `json:"summary"`
				Paths     int                      `json:"attack_paths"`
				Artifacts []string                 `json:"artifacts"`
			}
			if err := json.Unmarshal(result, &res); err != nil {
				return fmt.Errorf("decoding the service's result: %w", err)
			}
			if asJSON {
				if err := cmdutil.PrintJSON(ios.Out, json.RawMessage(result)); err != nil {
					return err
				}
				return failOn(res.Summary, o.FailOn)
			}
			for _, a := range res.Artifacts {
				fmt.Fprintf(ios.Out, "wrote %s\n", filepath.Join(o.OutputDir, a))
			}
			fmt.Fprintf(ios.ErrOut, "%d findings (critical %d, high %d, medium %d, low %d), %d attack paths\n", res.Findings,
				res.Summary[posture.Critical], res.Summary[posture.High], res.Summary[posture.Medium], res.Summary[posture.Low], res.Paths)
			return failOn(res.Summary, o.FailOn)
		},
	})
}

func listRules(w io.Writer) error {
	for _, r := range posture.Rules() {
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.MCSB, r.STRIDE, r.Title); err != nil {
			return err
		}
	}
	return nil
}

func run(ctx context.Context, o *Options) error {
	store, err := o.Store(ctx)
	if err != nil {
		return fmt.Errorf("opening graph: %w", err)
	}
	defer store.Close(context.WithoutCancel(ctx))
	rep, err := posture.Assess(ctx, store, o.TenantID, posture.Options{Rules: o.Rules, MaxPaths: o.MaxPaths})
	if err != nil { // coded: a tenant without a graph is not_found (exit 3)
		return err
	}
	sarifOpts := posture.SARIFOptions{}
	if o.IaCDir != "" {
		x, err := posture.LoadIaC(o.IaCDir)
		if err != nil {
			return err
		}
		n := rep.MapIaC(x)
		abs, _ := filepath.Abs(o.IaCDir)
		sarifOpts.IaCBase = "file://" + filepath.ToSlash(abs) + "/"
		fmt.Fprintf(o.IO.ErrOut, "mapped %d of %d findings to Terraform in %s\n", n, len(rep.Findings), o.IaCDir)
	}
	write := func(w io.Writer, format string) error {
		if format == "sarif" {
			return rep.WriteSARIF(w, sarifOpts)
		}
		return rep.Write(w, format)
	}
	if o.OutputDir == "" {
		if err := write(o.IO.Out, o.Formats[0]); err != nil {
			return err
		}
		return failOn(rep.Summary, o.FailOn)
	}
	if err := os.MkdirAll(o.OutputDir, 0o755); err != nil {
		return fmt.Errorf("posture: %w", err)
	}
	for _, f := range o.Formats {
		path := filepath.Join(o.OutputDir, posture.FileName(f))
		if err := writeFile(path, func(w io.Writer) error { return write(w, f) }); err != nil {
			return err
		}
		fmt.Fprintf(o.IO.Out, "wrote %s\n", path)
	}
	fmt.Fprintf(o.IO.ErrOut, "%d findings (critical %d, high %d, medium %d, low %d), %d attack paths\n", len(rep.Findings),
		rep.Summary[posture.Critical], rep.Summary[posture.High], rep.Summary[posture.Medium], rep.Summary[posture.Low], len(rep.Paths))
	return failOn(rep.Summary, o.FailOn)
}

// failOn returns an exit-1 error when the report has a finding at or above the severity.
func failOn(summary map[posture.Severity]int, sev string) error {
	if sev == "" {
		return nil
	}
	n := 0
	for _, s := range posture.Severities {
		n += summary[s]
		if string(s) == sev {
			break
		}
	}
	if n > 0 {
		return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%d findings of severity %s or above (--fail-on)", n, sev)}
	}
	return nil
}

// writeFile writes next to the target and renames, so a failed run leaves no half file.
func writeFile(path string, fn func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("posture: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("posture: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("posture: %w", err)
	}
	_ = os.Chmod(path, 0o644)
	return nil
}
