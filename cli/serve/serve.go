// Package serve implements `atg serve`.
package serve

import (
	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
)

// NewCmdServe returns the `serve` command.
func NewCmdServe(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("serve", "Host the API and workers without the Functions host")
}

// NewCmdHandler returns the `handler` command (Azure Functions custom handler).
func NewCmdHandler(f *cmdutil.Factory) *cobra.Command {
	return cmdutil.NotImplemented("handler", "Run as the Azure Functions custom handler")
}
