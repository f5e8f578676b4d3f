package posture

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

type env struct {
	f        *cmdutil.Factory
	out, err *bytes.Buffer
	cfg      *config.Config
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{out: &bytes.Buffer{}, err: &bytes.Buffer{}, cfg: &config.Config{Graph: filepath.Join(t.TempDir(), "graph.db"), Output: "text"}}
	e.f = &cmdutil.Factory{
		IO:     &cmdutil.IOStreams{In: strings.NewReader(""), Out: e.out, ErrOut: e.err},
		Config: func() (*config.Config, error) { return e.cfg, nil },
		GraphStore: func(ctx context.Context) (graph.Store, error) {
			return stores.Open(ctx, stores.Options{Graph: e.cfg.Graph})
		},
	}
	return e
}

func (e *env) run(t *testing.T, runF func(*Options) error, args ...string) error {
	t.Helper()
	e.out.Reset()
	e.err.Reset()
	cmd := NewCmdPosture(e.f, runF)
	cmd.SetArgs(args)
	cmd.SetOut(e.out)
	cmd.SetErr(e.err)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.ExecuteContext(context.Background())
}

func TestArgsToOptions(t *testing.T) {
	e := newEnv(t)
	var got *Options
	capture := func(o *Options) error { got = o; return nil }
	if err := e.run(t, capture, "--tenant-id", "T", "--format", "md,json,sarif", "--output-dir", "out", "--rule", "ATG-NET-001", "--max-paths", "5"); err != nil {
		t.Fatal(err)
	}
	if got.TenantID != "T" || strings.Join(got.Formats, ",") != "md,json,sarif" || got.OutputDir != "out" || got.Rules[0] != "ATG-NET-001" || got.MaxPaths != 5 {
		t.Errorf("options %+v", got)
	}
	e.cfg.TenantID = "from-config"
	if err := e.run(t, capture); err != nil || got.TenantID != "from-config" || got.Formats[0] != "md" {
		t.Errorf("defaults: %v %+v", err, got)
	}
	e.cfg.TenantID = ""
	for _, bad := range [][]string{
		{},
		{"--tenant-id", "T", "--format", "html"},
		{"--tenant-id", "T", "--format", "md,json"},
		{"--tenant-id", "T", "--rule", "ATG-NOPE"},
		{"--tenant-id", "T", "--iac", filepath.Join(t.TempDir(), "missing")},
		{"--tenant-id", "T", "--fail-on", "severe"},
	} {
		err := e.run(t, capture, bad...)
		if cmdutil.ExitCodeFor(err) != cmdutil.ExitUsage {
			t.Errorf("%v: err %v, want a usage error", bad, err)
		}
	}
	if err := e.run(t, nil, "--list-rules"); err != nil || strings.Count(e.out.String(), "\n") < 30 {
		t.Errorf("--list-rules: %v\n%s", err, e.out.String())
	}
}

func TestEmptyTenant(t *testing.T) {
	e := newEnv(t)
	err := e.run(t, nil, "--tenant-id", "nobody")
	if err == nil || cmdutil.ExitCodeFor(err) != cmdutil.ExitNotFound || !strings.Contains(err.Error(), "scan it first") {
		t.Errorf("empty tenant: %v", err)
	}
}

// TestEndToEnd scans a simulated tenant with planted misconfigurations, generates its
// Terraform and writes all three formats mapped to it.
func TestEndToEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s, srv := simtest.Start(t, sim.Options{Resources: 60, Seed: 5, Throttle: "off", PlantPosture: true})
	tenant := srv.TenantIDs[0]
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint}, TenantID: tenant,
		Throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.f.GraphStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&scan.Engine{Store: st, Azure: c, Concurrency: 8}).Run(ctx, scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true}); err != nil {
		t.Fatal(err)
	}
	tf := filepath.Join(t.TempDir(), "tf")
	rg := s.Truth().Tenants[0].Posture.ResourceGroup
	if _, err := iac.GenerateToDir(ctx, st, tenant, iac.FormatTerraform, tf, model.Filter{ResourceGroups: []string{rg[strings.LastIndex(rg, "/")+1:]}}, translate.Options{}, true); err != nil {
		t.Fatal(err)
	}
	st.Close(ctx)
	out := filepath.Join(t.TempDir(), "report")
	if err := e.run(t, nil, "--tenant-id", tenant, "--format", "md,json,sarif", "--output-dir", out, "--iac", tf); err != nil {
		t.Fatalf("%v\n%s", err, e.err.String())
	}
	if !strings.Contains(e.err.String(), "mapped ") || strings.Contains(e.err.String(), "mapped 0 ") {
		t.Errorf("no finding mapped to Terraform: %s", e.err.String())
	}
	md, _ := os.ReadFile(filepath.Join(out, "posture.md"))
	for _, want := range []string{"## Summary", "```mermaid", "ATG-NET-001", "main.tf:"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("posture.md lacks %q", want)
		}
	}
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
		} `json:"findings"`
		Paths []any `json:"attack_paths"`
	}
	b, _ := os.ReadFile(filepath.Join(out, "posture.json"))
	if err := json.Unmarshal(b, &rep); err != nil || len(rep.Findings) == 0 || len(rep.Paths) == 0 {
		t.Errorf("posture.json: %v, %d findings, %d paths", err, len(rep.Findings), len(rep.Paths))
	}
	sarif, _ := os.ReadFile(filepath.Join(out, "posture.sarif"))
	if !strings.Contains(string(sarif), `"version": "2.1.0"`) || !strings.Contains(string(sarif), `"IACROOT"`) {
		t.Errorf("posture.sarif lacks the version or IaC locations")
	}
	// stdout, one format; --fail-on gates on severity
	if err := e.run(t, nil, "--tenant-id", tenant, "--format", "json", "--rule", "ATG-DP-001", "--max-paths", "-1", "--fail-on", "critical"); err != nil {
		t.Fatal(err) // ATG-DP-001 is high: no critical finding
	}
	if !strings.Contains(e.out.String(), `"rule_id": "ATG-DP-001"`) || strings.Contains(e.out.String(), "ATG-NET-001") {
		t.Errorf("--rule filter: %.400s", e.out.String())
	}
	err = e.run(t, nil, "--tenant-id", tenant, "--format", "sarif", "--rule", "ATG-DP-001", "--fail-on", "high")
	if cmdutil.ExitCodeFor(err) != cmdutil.ExitFailure || !strings.Contains(e.out.String(), `"version": "2.1.0"`) {
		t.Errorf("--fail-on high with a high finding: %v (the report is still written)", err)
	}
}
