// Package scan implements `atg scan`.
package scan

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdScan returns the `scan` command.
func NewCmdScan(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("scan", "Scan a tenant into the graph")
}
