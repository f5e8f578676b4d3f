// Package cmdutil holds what every command shares: the Factory of lazy dependencies,
// IOStreams, typed errors that pick exit codes, and output helpers.
package cmdutil

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/errs"
)

// Exit codes; ExitCodes (exitcodes.go) says which error codes map to which.
const (
	ExitOK          = 0
	ExitFailure     = 1
	ExitUsage       = 2
	ExitNotFound    = 3
	ExitAuth        = 4
	ExitUnavailable = 5
	ExitInterrupted = 130
)

// IOStreams is where commands read and write. Data goes to Out; progress, warnings and
// logs go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// StdoutTTY reports whether Out is a terminal: it alone decides how data is formatted
	// (aligned tables with headers for a person, tab-separated rows for a pipe).
	StdoutTTY bool
	// StderrTTY reports whether ErrOut is a terminal: progress bars only then.
	StderrTTY bool
}

// System returns the process's streams, each checked for a terminal on its own (cli/cli's
// iostreams): `atg jobs list | cut -f1` gets rows even when stderr is a terminal.
func System() *IOStreams {
	return &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, StdoutTTY: isTerminal(os.Stdout), StderrTTY: isTerminal(os.Stderr)}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Factory builds dependencies lazily; tests build a Factory literal.
type Factory struct {
	IO *IOStreams
	// Config returns the resolved configuration (flags applied by the root command).
	Config func() (*config.Config, error)
	// Logger returns the slog logger writing to ErrOut.
	Logger func() *slog.Logger
	// GraphStore opens the configured graph store (embedded file or Neo4j) and initialises it.
	GraphStore func(ctx context.Context) (graph.Store, error)
	// SetGlobalFlags records the global flags the user set and the --config file; the root
	// command calls it before any command runs, and Config re-resolves afterwards.
	SetGlobalFlags func(flags map[string]string, configFile string)
}

// UsageError marks bad flags or arguments (exit 2).
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError.
func Usagef(format string, a ...any) error { return &UsageError{Err: fmt.Errorf(format, a...)} }

// ExitError carries an explicit exit code with an optional message already printed or not.
type ExitError struct {
	Code int
	Err  error // nil: nothing more to print
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// ErrSilent makes the command exit 1 without printing anything more (it has reported already).
var ErrSilent = &ExitError{Code: ExitFailure}

// ExitCodeFor maps an error to the process exit code: a usage error is 2, an ExitError
// carries its own, and every other error exits by its code (errs.CodeOf) through ExitCodes.
func ExitCodeFor(err error) int {
	if err == nil {
		return ExitOK
	}
	var ue *UsageError
	if errors.As(err, &ue) {
		return ExitUsage
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	if code, ok := exitByCode[errs.CodeOf(err)]; ok {
		return code
	}
	return ExitFailure
}

// WantJSON reports whether the configured output is json.
func WantJSON(cfg *config.Config) bool { return cfg != nil && strings.EqualFold(cfg.Output, "json") }

// PrintJSON writes v as indented JSON with a trailing newline.
func PrintJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
