// Package visualize implements `atg visualize`.
package visualize

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdVisualize returns the `visualize` command.
func NewCmdVisualize(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("visualize", "Write an interactive HTML graph explorer")
}
