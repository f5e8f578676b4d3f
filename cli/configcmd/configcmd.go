// Package configcmd implements `atg config`.
package configcmd

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdConfig returns the `config` command.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("config", "Show and edit configuration and profiles")
}
