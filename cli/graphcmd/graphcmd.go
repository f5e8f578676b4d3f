// Package graphcmd implements `atg graph`.
package graphcmd

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdGraph returns the `graph` command.
func NewCmdGraph(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("graph", "Inspect, export and import the graph")
}
