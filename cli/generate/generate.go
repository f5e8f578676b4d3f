// Package generate implements `atg generate-spec` and `atg generate-iac`.
package generate

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdGenerateSpec returns the `generate-spec` command.
func NewCmdGenerateSpec(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("generate-spec", "Write a Markdown + JSON tenant specification")
}

// NewCmdGenerateIaC returns the `generate-iac` command.
func NewCmdGenerateIaC(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("generate-iac", "Generate Terraform, Bicep or ARM from the graph")
}
