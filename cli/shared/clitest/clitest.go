// Package clitest holds what the command packages' tests share: a factory over buffers and
// parsing a command line into the options a command hands its run function.
package clitest

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
)

// Factory returns a factory for a command under test: cfg as the configuration, an empty stdin,
// stdout and stderr into the returned buffers (terminals when tty), a discarding logger.
func Factory(cfg *config.Config, tty bool) (f *cmdutil.Factory, out, errOut *bytes.Buffer) {
	out, errOut = &bytes.Buffer{}, &bytes.Buffer{}
	return &cmdutil.Factory{
		IO:     &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, StdoutTTY: tty, StderrTTY: tty},
		Config: func() (*config.Config, error) { return cfg, nil },
		Logger: func() *slog.Logger { return slog.New(slog.DiscardHandler) },
	}, out, errOut
}

// Parse executes the command newCmd builds with argv (its output discarded) and returns the
// options it hands its run function. With wantErr it requires instead a usage error (exit 2)
// containing wantErr and returns nil.
func Parse[O any](t *testing.T, f *cmdutil.Factory, newCmd func(*cmdutil.Factory, func(*O) error) *cobra.Command, argv []string, wantErr string) *O {
	t.Helper()
	var got *O
	cmd := newCmd(f, func(o *O) error { got = o; return nil })
	cmd.SetArgs(argv)
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.Execute()
	if wantErr != "" {
		var ue *cmdutil.UsageError
		if err == nil || !strings.Contains(err.Error(), wantErr) || !errors.As(err, &ue) {
			t.Fatalf("err = %v, want usage error containing %q", err, wantErr)
		}
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return got
}
