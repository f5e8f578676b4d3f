package cmdutil

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// OutputValue is where a command that writes files puts them. -o/--output means one thing
// everywhere — the output format (text|json, the global flag) — and the destination has its
// own flag: --output-dir/-d for a directory, --output-file for a single file.
//
// For one release a command's -o/--output still accepts a path (the old spelling) with a
// deprecation warning on stderr; text and json given there select the format as before. The
// root command reads Format().
type OutputValue struct {
	Path   string
	format string
	// newFlag is the flag that replaces -o PATH (for the warning).
	newFlag string
	cmd     *cobra.Command
	setBy   string
}

// setPath records a destination given by flag; two flags naming different paths conflict.
func (v *OutputValue) setPath(flag, s string) error {
	if v.Path != "" && v.Path != s && v.setBy != flag {
		kind := "directories"
		if v.newFlag == "output-file" {
			kind = "files"
		}
		return fmt.Errorf("--output and --%s name different %s (%s, %s)", v.newFlag, kind, v.Path, s)
	}
	v.Path, v.setBy = s, flag
	return nil
}

func (v *OutputValue) String() string { return v.Path }

// Type implements pflag.Value.
func (v *OutputValue) Type() string { return "string" }

// Set implements pflag.Value (the legacy -o/--output).
func (v *OutputValue) Set(s string) error {
	switch strings.ToLower(s) {
	case "text", "json":
		v.format = strings.ToLower(s)
	default:
		if err := v.setPath("output", s); err != nil {
			return err
		}
		var w io.Writer = os.Stderr
		if v.cmd != nil {
			w = v.cmd.ErrOrStderr()
		}
		fmt.Fprintf(w, "warning: -o/--output %s as a destination is deprecated and will be removed; use --%s %s (-o is the output format: text or json)\n", s, v.newFlag, s)
	}
	return nil
}

// Format returns the output format given with -o/--output, or "".
func (v *OutputValue) Format() string { return v.format }

// pathValue is the new destination flag, writing into the same OutputValue.
type pathValue struct{ v *OutputValue }

func (p pathValue) String() string     { return p.v.Path }
func (p pathValue) Type() string       { return "string" }
func (p pathValue) Set(s string) error { return p.v.setPath(p.v.newFlag, s) }

// AddOutputDirFlag registers --output-dir/-d (the destination directory) and the legacy
// -o/--output on cmd.
func AddOutputDirFlag(cmd *cobra.Command, usage string) *OutputValue {
	return addOutput(cmd, "output-dir", "d", usage)
}

// AddOutputFileFlag registers --output-file (the destination file) and the legacy -o/--output.
func AddOutputFileFlag(cmd *cobra.Command, usage string) *OutputValue {
	return addOutput(cmd, "output-file", "", usage)
}

func addOutput(cmd *cobra.Command, name, short, usage string) *OutputValue {
	v := &OutputValue{newFlag: name, cmd: cmd}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })
	cmd.Flags().VarP(pathValue{v}, name, short, usage)
	cmd.Flags().VarP(v, "output", "o", "output format: text or json (a path here is the deprecated spelling of --"+name+")")
	return v
}
