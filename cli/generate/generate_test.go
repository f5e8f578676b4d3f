package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
)

func factory(t *testing.T, out *bytes.Buffer, output string) *cmdutil.Factory {
	t.Helper()
	nodes, err := iactest.LoadNodes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	st := iactest.NewMemStore()
	if err := st.UpsertNodes(context.Background(), iactest.TenantID, "s1", nodes); err != nil {
		t.Fatal(err)
	}
	return &cmdutil.Factory{
		IO:         &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: &bytes.Buffer{}},
		Config:     func() (*config.Config, error) { return &config.Config{Output: output}, nil },
		GraphStore: func(context.Context) (graph.Store, error) { return st, nil },
	}
}

func TestGenerateIaCFlags(t *testing.T) {
	var got *IaCOptions
	f := factory(t, &bytes.Buffer{}, "text")
	cmd := NewCmdGenerateIaC(f, func(o *IaCOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--tenant-id", "T", "--format", "ARM", "-d", "d", "--resource-group", "a,b", "--type", "X/y",
		"--target-subscription", "S2", "--target-location", "westeurope", "--name-suffix", "dr"})
	cmd.SetOut(&bytes.Buffer{})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	// The old spelling (-o DIR) still works for a release, with a warning naming the new flag;
	// -o json beside it is still the format.
	var legacy *IaCOptions
	var stderr bytes.Buffer
	old := NewCmdGenerateIaC(f, func(o *IaCOptions) error { legacy = o; return nil })
	old.SetArgs([]string{"--tenant-id", "T", "--format", "arm", "-o", "olddir", "-o", "json"})
	old.SetOut(&bytes.Buffer{})
	old.SetErr(&stderr)
	if err := old.Execute(); err != nil || legacy.OutputDir != "olddir" {
		t.Fatalf("legacy -o DIR: %v %+v", err, legacy)
	}
	if !strings.Contains(stderr.String(), "deprecated") || !strings.Contains(stderr.String(), "--output-dir olddir") {
		t.Errorf("no deprecation warning: %q", stderr.String())
	}
	if got.Format != iac.FormatARM || got.OutputDir != "d" || len(got.Filter.ResourceGroups) != 2 || got.Filter.Types[0] != "X/y" ||
		got.Translate.TargetSubscription != "S2" || got.Translate.NameSuffix != "dr" || !got.Translate.UniqueNames {
		t.Errorf("options = %+v", got)
	}
	for _, bad := range [][]string{{"--format", "terraform", "--output", "d"}, {"--tenant-id", "T", "--format", "pulumi", "--output", "d"},
		{"--tenant-id", "T", "--format", "arm"}} {
		cmd := NewCmdGenerateIaC(f, func(*IaCOptions) error { return nil })
		cmd.SetArgs(bad)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if cmdutil.ExitCodeFor(err) != cmdutil.ExitUsage {
			t.Errorf("%v: err %v, want usage error", bad, err)
		}
	}
}

func TestGenerateIaCWritesFiles(t *testing.T) {
	for _, f := range iac.Formats {
		var out bytes.Buffer
		dir := t.TempDir()
		cmd := NewCmdGenerateIaC(factory(t, &out, "json"), nil)
		cmd.SetArgs([]string{"--tenant-id", iactest.TenantID, "--format", string(f), "--output-dir", dir, "--target-location", "westeurope"})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var res iac.DirResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("%s: output %q: %v", f, out.String(), err)
		}
		if res.Summary.Emitted == 0 || res.Summary.Rewrites == 0 {
			t.Errorf("%s: summary %+v", f, res.Summary)
		}
		for _, n := range []string{"skipped.json", "translation.json", "README.md"} {
			if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
}

func TestGenerateSpec(t *testing.T) {
	var out bytes.Buffer
	file := filepath.Join(t.TempDir(), "spec.md")
	cmd := NewCmdGenerateSpec(factory(t, &out, "text"), nil)
	cmd.SetArgs([]string{"--tenant-id", iactest.TenantID, "--output-file", file})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(b, []byte("```json")) {
		t.Fatalf("spec file: %v", err)
	}
	if !strings.HasPrefix(out.String(), "wrote ") {
		t.Errorf("stdout = %q", out.String())
	}
	// to stdout
	out.Reset()
	cmd = NewCmdGenerateSpec(factory(t, &out, "text"), nil)
	cmd.SetArgs([]string{"--tenant-id", iactest.TenantID, "--anonymize"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "# Tenant specification") {
		t.Errorf("stdout starts %q", out.String()[:40])
	}
}
