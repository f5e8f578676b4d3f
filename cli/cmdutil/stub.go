package cmdutil

import (
	"errors"

	"github.com/spf13/cobra"
)

// NotImplemented is a placeholder command body for capabilities that have not landed yet.
func NotImplemented(use, short string) *cobra.Command {
	return &cobra.Command{
		Use:   use,
		Short: short + " (not implemented yet)",
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New(cmd.CommandPath() + ": not implemented yet")
		},
	}
}
