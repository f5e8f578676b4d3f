package scan

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/shared/clitest"
	"github.com/atg-go/atg/config"
	enginescan "github.com/atg-go/atg/engine/scan"
)

func TestArgvToOptions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		argv    []string
		cfg     config.Config
		want    Options
		wantErr string
	}{
		{name: "all flags", argv: []string{"--tenant-id", "T1", "--subscription", "s1", "--subscription", "s2",
			"--resource-group", "rg-*", "--no-identities", "--no-rbac", "--arm-endpoint", "http://127.0.0.1:9",
			"--msgraph-endpoint", "http://127.0.0.1:9", "--concurrency", "4"},
			want: Options{TenantID: "T1", Subscriptions: []string{"s1", "s2"}, ResourceGroups: []string{"rg-*"}, NoIdentities: true,
				NoRBAC: true, ARMEndpoint: "http://127.0.0.1:9", MSGraphEndpoint: "http://127.0.0.1:9", Concurrency: 4}},
		{name: "config supplies tenant and endpoints", argv: nil,
			cfg:  config.Config{TenantID: "T2", ARMEndpoint: "http://localhost:1", MSGraphEndpoint: "http://localhost:1"},
			want: Options{TenantID: "T2", ARMEndpoint: "http://localhost:1", MSGraphEndpoint: "http://localhost:1", Concurrency: 16}},
		{name: "flag beats config", argv: []string{"--tenant-id", "T3"}, cfg: config.Config{TenantID: "T2"},
			want: Options{TenantID: "T3", Concurrency: 16}},
		{name: "tenant required", argv: nil, wantErr: "--tenant-id is required"},
		{name: "http only on loopback", argv: []string{"--tenant-id", "T", "--arm-endpoint", "http://example.com", "--msgraph-endpoint", "http://example.com"},
			wantErr: "plain http is only allowed on loopback"},
		{name: "bad concurrency", argv: []string{"--tenant-id", "T", "--concurrency", "0"}, wantErr: "--concurrency"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			f, _, _ := clitest.Factory(&cfg, false)
			got := clitest.Parse(t, f, NewCmdScan, tc.argv, tc.wantErr)
			if got == nil {
				return
			}
			if got.TenantID != tc.want.TenantID || !slices.Equal(got.Subscriptions, tc.want.Subscriptions) ||
				!slices.Equal(got.ResourceGroups, tc.want.ResourceGroups) || got.NoIdentities != tc.want.NoIdentities ||
				got.NoRBAC != tc.want.NoRBAC || got.ARMEndpoint != tc.want.ARMEndpoint || got.MSGraphEndpoint != tc.want.MSGraphEndpoint ||
				got.Concurrency != tc.want.Concurrency {
				t.Fatalf("options = %+v\nwant %+v", *got, tc.want)
			}
			req := got.Request()
			if req.IncludeIdentities == tc.want.NoIdentities || req.IncludeRBAC == tc.want.NoRBAC {
				t.Fatalf("request = %+v", req)
			}
		})
	}
}

var sample = enginescan.Result{TenantID: "t1", ScanID: "scan_x", Subscriptions: 2, Resources: 3, Relationships: 5,
	ByType:   map[string]int{"microsoft.network/virtualnetworks": 1, "microsoft.network/virtualnetworks/subnets": 2},
	APICalls: map[string]int{"arm": 10, "arg": 2, "msgraph": 4}, Failures: []enginescan.Failure{}, DurationS: 1.5}

func runWith(t *testing.T, cfg config.Config, tty bool, res enginescan.Result) (string, string, error) {
	t.Helper()
	f, out, errOut := clitest.Factory(&cfg, tty)
	o := &Options{IO: f.IO, Config: f.Config, Logger: f.Logger, TenantID: "t1", Concurrency: 4,
		Run: func(ctx context.Context, o *Options, progress func(enginescan.Progress)) (enginescan.Result, error) {
			if tty != (progress != nil) {
				t.Errorf("progress callback set = %v on tty = %v", progress != nil, tty)
			}
			if progress != nil {
				progress(enginescan.Progress{Phase: "resources", Counts: map[string]int{"subscriptions_total": 2, "subscriptions_done": 1, "resources": 3}})
			}
			return res, nil
		}}
	err := scanRun(context.Background(), o)
	return out.String(), errOut.String(), err
}

func TestOutputJSON(t *testing.T) {
	out, _, err := runWith(t, config.Config{Output: "json"}, false, sample)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"tenant_id", "scan_id", "subscriptions", "resources", "relationships", "identities",
		"role_assignments", "by_type", "failures", "api_calls", "throttled", "duration_s"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing %q in %s", k, out)
		}
	}
	if calls := m["api_calls"].(map[string]any); calls["arg"] != float64(2) {
		t.Errorf("api_calls = %v", calls)
	}
}

func TestOutputText(t *testing.T) {
	out, _, err := runWith(t, config.Config{Output: "text"}, false, sample)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "resources\t3\n") || !strings.Contains(out, "type\tmicrosoft.network/virtualnetworks/subnets\t2\n") {
		t.Fatalf("pipe output not tab-separated rows:\n%s", out)
	}
	out, errOut, err := runWith(t, config.Config{Output: "text"}, true, sample)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "TYPE") || !strings.Contains(out, "microsoft.network/virtualnetworks/subnets  2") {
		t.Fatalf("tty output not a table:\n%s", out)
	}
	if errOut == "" {
		t.Fatalf("no progress on the terminal")
	}
}

func TestFailuresExitOne(t *testing.T) {
	res := sample
	res.Failures = []enginescan.Failure{{Scope: "s1", ID: "/subscriptions/s1/x", Code: "InternalServerError", Message: "HTTP 500"}}
	out, errOut, err := runWith(t, config.Config{Output: "text"}, false, res)
	if cmdutil.ExitCodeFor(err) != 1 {
		t.Fatalf("exit code %d (err %v)", cmdutil.ExitCodeFor(err), err)
	}
	if !strings.Contains(out, "failure\ts1\t/subscriptions/s1/x\tInternalServerError") || !strings.Contains(errOut, "1 failure") {
		t.Fatalf("failure not reported:\n%s\n%s", out, errOut)
	}
	out, _, err = runWith(t, config.Config{Output: "json"}, false, res)
	if cmdutil.ExitCodeFor(err) != 1 || !strings.Contains(out, "InternalServerError") {
		t.Fatalf("json: exit %d\n%s", cmdutil.ExitCodeFor(err), out)
	}
}
