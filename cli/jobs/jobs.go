// Package jobs implements `atg jobs list|show|wait|cancel|result|artifacts` against the service.
package jobs

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/cli/shared"
	enginescan "github.com/atg-go/atg/engine/scan"
)

// Options carries what every jobs subcommand needs.
type Options struct {
	IO     *cmdutil.IOStreams
	Client func() (*remote.Client, error)
	JSON   func() bool
	Now    func() time.Time
}

// NewCmdJobs returns the `jobs` command group.
func NewCmdJobs(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "jobs",
		Short: "List, follow and manage service jobs",
		Long:  "Jobs run on the ATG service (remote mode). These commands need a service URL and an API key.",
	}
	opts := &Options{IO: f.IO, Now: time.Now}
	var fl *remote.Flags
	fl, opts.Client, opts.JSON = remote.ServiceOnly(cmd, f, "API key")
	cmd.PersistentFlags().BoolVar(&fl.Insecure, "insecure", false, "allow sending the API key over plain http:// to a non-loopback host")
	cmd.AddCommand(newCmdList(opts), newCmdShow(opts), newCmdWait(opts), newCmdCancel(opts), newCmdResult(opts), newCmdArtifacts(opts))
	return cmd
}

func newCmdList(o *Options) *cobra.Command {
	var lo remote.ListOptions
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List your jobs (newest first)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if lo.Limit < 0 || lo.Limit > 100 {
				return cmdutil.Usagef("--limit must be between 1 and 100")
			}
			c, err := o.Client()
			if err != nil {
				return err
			}
			var jobs []remote.Job
			for {
				l, err := c.ListJobs(cmd.Context(), lo)
				if err != nil {
					return err
				}
				jobs = append(jobs, l.Jobs...)
				if !all || l.NextCursor == "" {
					if o.JSON() {
						return cmdutil.PrintJSON(o.IO.Out, remote.JobList{Jobs: jobs, NextCursor: l.NextCursor})
					}
					break
				}
				lo.Cursor = l.NextCursor
			}
			return printJobs(o, jobs)
		},
	}
	cmd.Flags().StringVar(&lo.Status, "status", "", "only jobs with this status")
	cmd.Flags().StringVar(&lo.Type, "type", "", "only jobs of this type (scan, generate-iac, create-tenant)")
	cmd.Flags().IntVar(&lo.Limit, "limit", 20, "page size (at most 100)")
	cmd.Flags().BoolVar(&all, "all", false, "follow cursors and list every page")
	return cmd
}

func printJobs(o *Options, jobs []remote.Job) error {
	t := cmdutil.NewTable(o.IO, "ID", "TYPE", "STATUS", "PROGRESS", "CREATED")
	for _, j := range jobs {
		created := ""
		if j.CreatedAt != nil {
			created = j.CreatedAt.UTC().Format(time.RFC3339)
		}
		if o.IO.StdoutTTY {
			created = relTime(o.Now(), j.CreatedAt)
		}
		t.Row(j.ID, j.Type, j.Status, progress(j), created)
	}
	return t.Render()
}

func progress(j remote.Job) string {
	if j.Progress == nil {
		return "-"
	}
	s := fmt.Sprintf("%d%%", j.Progress.Percent)
	if j.Progress.Phase != "" {
		s += " " + j.Progress.Phase
	}
	return s
}

func relTime(now time.Time, t *time.Time) string {
	if t == nil {
		return "-"
	}
	d := now.Sub(*t).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return t.UTC().Format("2006-01-02")
}

func newCmdShow(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show one job",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.Client()
			if err != nil {
				return err
			}
			j, err := c.GetJob(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return printJob(o, j)
		},
	}
}

func printJob(o *Options, j remote.Job) error {
	if o.JSON() {
		return cmdutil.PrintJSON(o.IO.Out, j)
	}
	w := o.IO.Out
	fmt.Fprintf(w, "id:        %s\ntype:      %s\nstatus:    %s\nowner:     %s\nprogress:  %s\nattempts:  %d\n", j.ID, j.Type, j.Status, j.Owner, progress(j), j.Attempts)
	for _, t := range []struct {
		n string
		v *time.Time
	}{{"created", j.CreatedAt}, {"started", j.StartedAt}, {"finished", j.FinishedAt}} {
		if t.v != nil {
			fmt.Fprintf(w, "%-10s %s\n", t.n+":", t.v.UTC().Format(time.RFC3339))
		}
	}
	if j.Progress != nil && j.Progress.Message != "" {
		fmt.Fprintf(w, "message:   %s\n", j.Progress.Message)
	}
	if j.Error != nil {
		fmt.Fprintf(w, "error:     %s: %s\n", j.Error.Code, j.Error.Message)
	}
	return nil
}

func newCmdWait(o *Options) *cobra.Command {
	var (
		ro      remote.RunOptions
		outFlag *cmdutil.OutputValue
	)
	cmd := &cobra.Command{
		Use:   "wait ID",
		Short: "Follow a job until it finishes (exit 0 succeeded, 1 failed/cancelled, 130 interrupted)",
		Long: `Follow a job (e.g. one started with --no-wait, or left running by Ctrl-C) with progress on
stderr until it finishes; --output DIR (or --output-dir) downloads its artifacts, sha256
verified. A scan job's summary is printed like atg scan prints it; -o json prints the job,
its result and the downloads.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ro.OutputDir = outFlag.Path
			c, err := o.Client()
			if err != nil {
				return err
			}
			return remote.FollowPrinted(cmd.Context(), o.IO, c, args[0], ro, o.JSON(), func(out remote.Outcome) {
				for _, d := range out.Downloads {
					fmt.Fprintf(o.IO.Out, "downloaded %s (%d bytes, sha256 %s)\n", d.Path, d.Size, d.SHA256)
				}
				if out.Job.Type == "scan" && out.Job.Status == "succeeded" {
					var res enginescan.Result
					if jerr := json.Unmarshal(out.Result, &res); jerr == nil {
						fmt.Fprintln(o.IO.Out)
						shared.PrintSummary(o.IO.Out, res, o.IO.StdoutTTY)
					}
				}
			})
		},
	}
	outFlag = cmdutil.AddOutputDirFlag(cmd, "download the artifacts into this directory when the job succeeds")
	cmd.Flags().BoolVar(&ro.CancelOnInterrupt, "cancel-on-interrupt", false, "cancel the job on Ctrl-C instead of leaving it running")
	return cmd
}

func newCmdCancel(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a queued or running job",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.Client()
			if err != nil {
				return err
			}
			j, err := c.Cancel(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			return printJob(o, j)
		},
	}
}

func newCmdResult(o *Options) *cobra.Command {
	return &cobra.Command{
		Use:   "result ID",
		Short: "Print a finished job's result JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.Client()
			if err != nil {
				return err
			}
			r, err := c.Result(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			var v any
			if err := json.Unmarshal(r, &v); err != nil {
				return fmt.Errorf("decoding result: %w", err)
			}
			return cmdutil.PrintJSON(o.IO.Out, v)
		},
	}
}

func newCmdArtifacts(o *Options) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "artifacts ID",
		Short: "List a job's artifacts, or download them (sha256 verified) with --download DIR",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := o.Client()
			if err != nil {
				return err
			}
			if dir != "" {
				dl, err := remote.DownloadAll(cmd.Context(), c, args[0], dir)
				if o.JSON() {
					if perr := cmdutil.PrintJSON(o.IO.Out, map[string]any{"downloads": dl}); perr != nil {
						return perr
					}
				} else {
					for _, d := range dl {
						fmt.Fprintf(o.IO.Out, "%s\t%d\t%s\n", d.Path, d.Size, d.SHA256)
					}
				}
				return err
			}
			arts, err := c.Artifacts(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if o.JSON() {
				return cmdutil.PrintJSON(o.IO.Out, map[string]any{"artifacts": arts})
			}
			t := cmdutil.NewTable(o.IO, "NAME", "SIZE", "TYPE", "SHA256")
			for _, a := range arts {
				t.Row(a.Name, a.Size, a.ContentType, a.SHA256)
			}
			return t.Render()
		},
	}
	cmd.Flags().StringVar(&dir, "download", "", "download every artifact into this directory")
	return cmd
}
