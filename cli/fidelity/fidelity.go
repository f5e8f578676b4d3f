// Package fidelity implements `atg fidelity`.
package fidelity

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdFidelity returns the `fidelity` command.
func NewCmdFidelity(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("fidelity", "Compare a source tenant with its copy")
}
