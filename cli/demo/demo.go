// Package demo implements `atg demo`.
package demo

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdDemo returns the `demo` command.
func NewCmdDemo(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("demo", "Simulate a tenant, scan it and generate its spec and IaC")
}
