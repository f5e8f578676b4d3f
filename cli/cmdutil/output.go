package cmdutil

import (
	"strings"

	"github.com/spf13/cobra"
)

// OutputValue is the --output/-o flag of commands that also write files. The global -o/--output
// (text|json) and the documented --output FILE|DIR share one name, so such a command owns the
// flag and sorts the values: text and json select the output format, anything else is the
// destination. Both can be given: --output out/tf -o json. The root command reads Format().
type OutputValue struct {
	Path   string
	format string
}

func (v *OutputValue) String() string { return v.Path }

// Type implements pflag.Value.
func (v *OutputValue) Type() string { return "string" }

// Set implements pflag.Value.
func (v *OutputValue) Set(s string) error {
	switch strings.ToLower(s) {
	case "text", "json":
		v.format = strings.ToLower(s)
	default:
		v.Path = s
	}
	return nil
}

// Format returns the output format given with -o/--output, or "".
func (v *OutputValue) Format() string { return v.format }

// AddOutputPathFlag registers --output/-o as a destination path (and format) on cmd.
func AddOutputPathFlag(cmd *cobra.Command, usage string) *OutputValue {
	v := &OutputValue{}
	cmd.Flags().VarP(v, "output", "o", usage+" (-o text|json still selects the output format)")
	return v
}
