package scan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/root"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// TestScanCommandAgainstSimulator runs `atg scan -o json` end to end (root command, config,
// embedded store) against the in-process simulator.
func TestScanCommandAgainstSimulator(t *testing.T) {
	testenv.Integration(t)
	s, srv := simtest.Start(t, sim.Options{Resources: 300, Subscriptions: 2, Seed: 3, Throttle: "fast"})
	t.Setenv("ATG_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	io := &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}
	code := root.Run(context.Background(), io, []string{"scan", "--tenant-id", srv.TenantIDs[0],
		"--arm-endpoint", srv.ARMEndpoint, "--msgraph-endpoint", srv.MSGraphEndpoint,
		"--graph", filepath.Join(t.TempDir(), "g.db"), "-o", "json", "--log-level", "warn"})
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var res struct {
		Resources int            `json:"resources"`
		ByType    map[string]int `json:"by_type"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	b, _ := json.Marshal(s.Truth())
	var tr struct {
		Tenants []struct {
			Resources int `json:"resources"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal(b, &tr); err != nil || len(tr.Tenants) == 0 {
		t.Fatalf("truth: %v", err)
	}
	if res.Resources != tr.Tenants[0].Resources || res.Resources == 0 {
		t.Fatalf("resources = %d, truth %d", res.Resources, tr.Tenants[0].Resources)
	}
}

// TestScanIncrementalCommand: `atg scan --incremental` is full the first time (saying why),
// incremental after a change, and `--full` forces a full scan; the summary names the mode.
func TestScanIncrementalCommand(t *testing.T) {
	testenv.Integration(t)
	s, srv := simtest.Start(t, sim.Options{Resources: 300, Subscriptions: 2, Seed: 8, Throttle: "fast"})
	t.Setenv("ATG_CONFIG", filepath.Join(t.TempDir(), "none.yaml"))
	db := filepath.Join(t.TempDir(), "g.db")
	scan := func(extra ...string) (string, string) {
		t.Helper()
		out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
		io := &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}
		args := append([]string{"scan", "--tenant-id", srv.TenantIDs[0], "--arm-endpoint", srv.ARMEndpoint,
			"--msgraph-endpoint", srv.MSGraphEndpoint, "--graph", db, "--log-level", "warn"}, extra...)
		if code := root.Run(context.Background(), io, args); code != 0 {
			t.Fatalf("atg %v: exit %d\n%s", extra, code, errOut)
		}
		return out.String(), errOut.String()
	}
	out, _ := scan("--incremental")
	if !strings.Contains(out, "full (no previous successful scan of the tenant)") {
		t.Fatalf("first --incremental scan:\n%s", out)
	}
	if _, err := s.Mutate(srv.TenantIDs[0], sim.MutateOptions{Fraction: 0.05, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	out, _ = scan("--incremental", "-o", "json")
	var res struct {
		Mode       string         `json:"mode"`
		ModeReason string         `json:"mode_reason"`
		APICalls   map[string]int `json:"api_calls"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Mode != "incremental" || res.ModeReason != "" {
		t.Fatalf("second scan: %+v %v\n%s", res, err, out)
	}
	out, _ = scan("--incremental", "--full")
	if !strings.Contains(out, "mode") || !strings.Contains(out, "full") || strings.Contains(out, "incremental") {
		t.Fatalf("--full:\n%s", out)
	}
}
