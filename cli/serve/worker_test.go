package serve

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
)

func TestRoleOf(t *testing.T) {
	for _, c := range []struct {
		workerOnly, noWorkers bool
		setting, want         string
	}{
		{false, false, "", roleAll},
		{false, false, "all", roleAll},
		{false, false, "api", roleAPI},
		{false, false, "worker", roleWorker},
		{true, false, "api", roleWorker}, // the flag wins over the setting
		{false, true, "worker", roleAPI},
	} {
		o := &Options{WorkerOnly: c.workerOnly, NoWorkers: c.noWorkers}
		if got := roleOf(o, &config.Config{Role: c.setting}); got != c.want {
			t.Errorf("--worker-only=%v --no-workers=%v role=%q: %s, want %s", c.workerOnly, c.noWorkers, c.setting, got, c.want)
		}
	}
}

// Contradicting flags are a usage error before anything starts.
func TestServeRoleFlags(t *testing.T) {
	f := &cmdutil.Factory{IO: &cmdutil.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}}
	for _, c := range []struct {
		args []string
		want string // usage error text; "" = runs
	}{
		{[]string{"--worker-only", "--no-workers"}, "exclude each other"},
		{[]string{"--max-poll-interval", "-1s"}, "--max-poll-interval"},
		{[]string{"--worker-only", "--max-poll-interval", "100ms"}, ""},
	} {
		ran := false
		cmd := NewCmdServe(f, func(o *Options) error {
			ran = true
			if !o.WorkerOnly {
				t.Errorf("%v: WorkerOnly not set", c.args)
			}
			return nil
		})
		cmd.SetArgs(c.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.ExecuteContext(context.Background())
		var ue *cmdutil.UsageError
		switch {
		case c.want == "" && (err != nil || !ran):
			t.Errorf("%v: err %v, ran %v", c.args, err, ran)
		case c.want != "" && (!errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) || ran):
			t.Errorf("%v: err %v (ran %v), want a usage error about %q", c.args, err, ran, c.want)
		}
	}
}
