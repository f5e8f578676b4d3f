// Package keys implements `atg keys`.
package keys

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdKeys returns the `keys` command.
func NewCmdKeys(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("keys", "Create service API keys")
}
