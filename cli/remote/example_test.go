package remote_test

import (
	"context"
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
)

// How a command gains --remote (generate-iac here): register the flags, then in RunE, before
// the local run, hand the job to RunJob. Output, exit codes, --no-wait, Ctrl-C and downloads
// then behave as in `atg scan --remote`.
func ExampleRunJob() {
	f := &cmdutil.Factory{}
	var (
		fl       remote.Flags
		ro       remote.RunOptions
		tenantID string
		format   string
		outDir   string // the command's --output DIR
	)
	cmd := &cobra.Command{
		Use: "generate-iac",
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			if isRemote, err := fl.Mode(cfg); err != nil || isRemote {
				if err != nil {
					return err
				}
				ro.OutputDir, ro.ExtractZips = outDir, true // the zip's files land like a local run's
				return remote.RunJob(cmd.Context(), f.IO, cfg, &fl, f.Logger(), remote.JobSpec{
					Submit: func(ctx context.Context, c *remote.Client, key string) (remote.Job, error) {
						return c.SubmitGenerateIaC(ctx, remote.GenerateIaCRequest{TenantID: tenantID, Format: format}, key)
					},
					Run: ro,
					Render: func(ios *cmdutil.IOStreams, result json.RawMessage, asJSON bool) error {
						return nil // decode into the local result type and call the local printer
					},
				})
			}
			if err := remote.CheckLocalRunFlags(ro); err != nil {
				return err
			}
			return nil // the local run, unchanged
		},
	}
	remote.AddFlags(cmd, &fl)
	remote.AddRunFlags(cmd, &ro)
}
