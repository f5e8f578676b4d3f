package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/internal/testenv"
)

func factory(tty bool) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &cmdutil.Factory{
		IO:     &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut, StdoutTTY: tty, StderrTTY: tty},
		Config: func() (*config.Config, error) { return &config.Config{Output: "text", Neo4jUser: "neo4j"}, nil },
		Logger: func() *slog.Logger { return slog.New(slog.DiscardHandler) },
	}, out, errOut
}

func TestDemoDefaults(t *testing.T) {
	f, _, _ := factory(false)
	var got *Options
	cmd := NewCmdDemo(f, func(o *Options) error { got = o; return nil })
	cmd.SetArgs(nil)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Resources != 2000 || got.Subscriptions != 4 || got.Seed != 7 || got.Throttle != "fast" || got.Dir != "atg-demo" || got.Graph != "" {
		t.Fatalf("defaults = %+v", *got)
	}
}

func TestDemoRunsScanAndSteps(t *testing.T) {
	testenv.Integration(t)
	f, out, _ := factory(false)
	dir := t.TempDir()
	ran := false
	o := &Options{IO: f.IO, Config: f.Config, Logger: f.Logger, Dir: dir, Resources: 200, Subscriptions: 2, Seed: 7,
		Throttle: "fast", Concurrency: 8, Steps: []Step{{Name: "check", Run: func(ctx context.Context, env StepEnv) error {
			ran = env.Result.Resources > 0 && env.Store != nil && env.TenantID != ""
			p := filepath.Join(env.Dir, "step.txt")
			env.AddFile("step output", p)
			return os.WriteFile(p, []byte("ok"), 0o644)
		}}}}
	if err := demoRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Fatal("post-scan step did not run with the scan's result")
	}
	for _, name := range []string{"graph.db", "truth.json", "scan.json", "step.txt"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("missing %s: %v", name, err)
		}
	}
	var res struct {
		Resources int   `json:"resources"`
		Failures  []any `json:"failures"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "scan.json"))
	if err := json.Unmarshal(b, &res); err != nil || res.Resources == 0 || len(res.Failures) != 0 {
		t.Fatalf("scan.json: %v %+v", err, res)
	}
	if !strings.Contains(out.String(), "step output") || !strings.Contains(out.String(), "graph.db") {
		t.Fatalf("summary lacks files:\n%s", out)
	}
}

// The default steps write what the README promises: the spec, the Terraform and the explorer.
func TestDemoDefaultStepsWriteSpecTerraformExplorer(t *testing.T) {
	testenv.Integration(t)
	f, out, _ := factory(false)
	dir := t.TempDir()
	o := &Options{IO: f.IO, Config: f.Config, Logger: f.Logger, Dir: dir, Resources: 150, Subscriptions: 2, Seed: 7,
		Throttle: "fast", Concurrency: 8}
	if err := demoRun(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"spec.md", "terraform/main.tf", "terraform/providers.tf", "terraform/skipped.json", "tenant.html"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("demo did not write %s: %v", name, err)
		}
	}
	spec, _ := os.ReadFile(filepath.Join(dir, "spec.md"))
	if !strings.Contains(string(spec), "```json") {
		t.Error("spec.md has no machine-readable JSON block")
	}
	for _, label := range []string{"spec", "terraform", "explorer"} {
		if !strings.Contains(out.String(), label) {
			t.Errorf("summary does not say where the %s is:\n%s", label, out)
		}
	}
}
