// Package version implements `atg version`.
package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/internal/buildinfo"
)

// Options are the inputs of `atg version`.
type Options struct {
	IO     *cmdutil.IOStreams
	Config func() (*config.Config, error)
}

// NewCmdVersion returns the `version` command; runF, when set, receives the options instead of
// printing (tests).
func NewCmdVersion(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	o := &Options{IO: f.IO, Config: f.Config}
	return &cobra.Command{
		Use:   "version",
		Short: "Print version, commit and Go version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(o)
			}
			return versionRun(o)
		},
	}
}

func versionRun(o *Options) error {
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	info := buildinfo.Get()
	if cmdutil.WantJSON(cfg) {
		return cmdutil.PrintJSON(o.IO.Out, info)
	}
	_, err = fmt.Fprintf(o.IO.Out, "atg %s (commit %s, %s)\n", info.Version, info.Commit, info.Go)
	return err
}
