// Package jobs implements `atg jobs`.
package jobs

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdJobs returns the `jobs` command.
func NewCmdJobs(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("jobs", "List, follow and manage service jobs")
}
