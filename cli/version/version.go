// Package version implements `atg version`.
package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/internal/buildinfo"
)

// NewCmdVersion returns the `version` command.
func NewCmdVersion(f *cmdutil.Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			info := buildinfo.Get()
			if cmdutil.WantJSON(cfg) {
				return cmdutil.PrintJSON(f.IO.Out, info)
			}
			_, err = fmt.Fprintf(f.IO.Out, "atg %s (commit %s, %s)\n", info.Version, info.Commit, info.Go)
			return err
		},
	}
}
