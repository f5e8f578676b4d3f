// Package createtenant implements `atg create-tenant`.
package createtenant

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdCreateTenant returns the `create-tenant` command.
func NewCmdCreateTenant(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("create-tenant", "Recreate a tenant in a target subscription")
}
