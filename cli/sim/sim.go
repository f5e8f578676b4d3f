// Package sim implements `atg sim`.
package sim

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdSim returns the `sim` command.
func NewCmdSim(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("sim", "Run the Azure tenant simulator")
}
