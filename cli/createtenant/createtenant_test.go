package createtenant

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/shared/clitest"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/replicate"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/engine/spec"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

func testFactory(cfg *config.Config, tty bool, store graph.Store) (*cmdutil.Factory, *bytes.Buffer, *bytes.Buffer) {
	f, out, errOut := clitest.Factory(cfg, tty)
	f.GraphStore = func(context.Context) (graph.Store, error) { return nopClose{store}, nil }
	return f, out, errOut
}

// nopClose keeps the test's store open when the command closes it.
type nopClose struct{ graph.Store }

func (nopClose) Close(context.Context) error { return nil }

func TestArgvToOptions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		argv    []string
		cfg     config.Config
		check   func(t *testing.T, o *Options)
		wantErr string
	}{
		{name: "all flags", argv: []string{"--source-tenant-id", "A", "--target-tenant-id", "B", "--target-subscription", "s1",
			"--target-subscription", "src=s2", "--target-location", "westeurope", "--name-suffix", "x1", "--identity-map", "ids.json",
			"--create-identities", "--resource-group", "rg1", "--type", "Microsoft.Web/sites", "--dry-run", "--concurrency", "4",
			"--arm-endpoint", "http://127.0.0.1:9", "--msgraph-endpoint", "http://127.0.0.1:9", "--ssh-public-key", "k.pub"},
			check: func(t *testing.T, o *Options) {
				if o.SourceTenantID != "A" || o.TargetTenantID != "B" || !slices.Equal(o.TargetSubscriptions, []string{"s1", "src=s2"}) ||
					o.TargetLocation != "westeurope" || o.NameSuffix != "x1" || o.IdentityMapFile != "ids.json" || !o.CreateIdentities ||
					!slices.Equal(o.Filter.ResourceGroups, []string{"rg1"}) || !slices.Equal(o.Filter.Types, []string{"Microsoft.Web/sites"}) ||
					!o.DryRun || o.Concurrency != 4 || o.ARMEndpoint != "http://127.0.0.1:9" || o.SSHPublicKeyFile != "k.pub" || o.JSON {
					t.Fatalf("options = %+v", *o)
				}
			}},
		{name: "spec, endpoints and json from config", argv: []string{"--spec", "t.md", "--target-tenant-id", "B", "--target-subscription", "s"},
			cfg: config.Config{ARMEndpoint: "http://localhost:1", MSGraphEndpoint: "http://localhost:1", Output: "json"},
			check: func(t *testing.T, o *Options) {
				if o.SpecFile != "t.md" || o.ARMEndpoint != "http://localhost:1" || !o.JSON || o.Concurrency != 8 {
					t.Fatalf("options = %+v", *o)
				}
			}},
		{name: "one source", argv: []string{"--target-tenant-id", "B", "--target-subscription", "s"}, wantErr: "exactly one of --spec and --source-tenant-id"},
		{name: "not both sources", argv: []string{"--spec", "x", "--source-tenant-id", "A", "--target-tenant-id", "B", "--target-subscription", "s"},
			wantErr: "exactly one of"},
		{name: "target tenant", argv: []string{"--source-tenant-id", "A", "--target-subscription", "s"}, wantErr: "--target-tenant-id is required"},
		{name: "target subscription", argv: []string{"--source-tenant-id", "A", "--target-tenant-id", "B"}, wantErr: "--target-subscription is required"},
		{name: "concurrency", argv: []string{"--source-tenant-id", "A", "--target-tenant-id", "B", "--target-subscription", "s", "--concurrency", "0"},
			wantErr: "--concurrency"},
		{name: "http only on loopback", argv: []string{"--source-tenant-id", "A", "--target-tenant-id", "B", "--target-subscription", "s",
			"--arm-endpoint", "http://example.com", "--msgraph-endpoint", "http://example.com"}, wantErr: "plain http is only allowed on loopback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			f, _, _ := testFactory(&cfg, false, nil)
			if got := clitest.Parse(t, f, NewCmdCreateTenant, tc.argv, tc.wantErr); got != nil {
				tc.check(t, got)
			}
		})
	}
}

type simEnv struct {
	srv      *sim.Server
	src, dst string
	dstSubs  []string
	store    graph.Store
}

func startSim(t *testing.T) *simEnv {
	t.Helper()
	s, srv := simtest.Start(t, sim.Options{Resources: 100, Subscriptions: 1, Seed: 5, Tenants: 2, Throttle: "fast"})
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := &simEnv{srv: srv, src: srv.TenantIDs[0], dst: srv.TenantIDs[1], dstSubs: s.SubscriptionIDs(srv.TenantIDs[1]), store: st}
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint}, TenantID: e.src})
	if err != nil {
		t.Fatal(err)
	}
	res, err := (&scan.Engine{Store: st, Azure: c}).Run(context.Background(), scan.Request{TenantID: e.src, IncludeIdentities: true, IncludeRBAC: true})
	if err != nil || len(res.Failures) > 0 {
		t.Fatalf("scan: %v %v", err, res.Failures)
	}
	return e
}

func (e *simEnv) run(t *testing.T, json bool, args ...string) (string, string, error) {
	return e.runTTY(t, json, false, args...)
}

func (e *simEnv) runTTY(t *testing.T, json, tty bool, args ...string) (string, string, error) {
	t.Helper()
	cfg := &config.Config{ARMEndpoint: e.srv.ARMEndpoint, MSGraphEndpoint: e.srv.MSGraphEndpoint, Output: "text"}
	if json {
		cfg.Output = "json"
	}
	f, out, errOut := testFactory(cfg, tty, e.store)
	cmd := NewCmdCreateTenant(f, nil)
	cmd.SetArgs(append([]string{"--target-tenant-id", e.dst, "--target-subscription", e.dstSubs[0]}, args...))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&bytes.Buffer{})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	return out.String(), errOut.String(), err
}

// TestCreateTenantCommand runs the command against the simulator: a dry run (Markdown plan), the
// deployment with identities (JSON report, identity map written, no password anywhere), a
// re-run (all unchanged) and a spec-based dry run.
func TestCreateTenantCommand(t *testing.T) {
	testenv.Integration(t)
	e := startSim(t)
	dir := t.TempDir()
	idmap := filepath.Join(dir, "ids.json")

	out, errOut, err := e.run(t, false, "--source-tenant-id", e.src, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "# create-tenant plan (dry run)") || !strings.Contains(out, "**create**") || strings.Contains(out, "**update**") {
		t.Fatalf("dry-run output:\n%.1500s", out)
	}
	if !strings.Contains(errOut, "plan: ") || !strings.Contains(errOut, "resources (level") {
		t.Errorf("no progress lines on stderr: %q", errOut)
	}
	// on a terminal: a bar instead of lines, the same report
	outTTY, errTTY, err := e.runTTY(t, false, true, "--source-tenant-id", e.src, "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errTTY, "resources (level") || !strings.Contains(errTTY, "level") {
		t.Errorf("terminal progress: %q", errTTY)
	}
	if stripTiming(outTTY) != stripTiming(out) {
		t.Error("the report differs between terminal and pipe")
	}

	out, errOut, err = e.run(t, true, "--source-tenant-id", e.src, "--create-identities", "--identity-map", idmap)
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, errOut)
	}
	var rep replicate.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json report: %v\n%.500s", err, out)
	}
	// updated or unchanged: singletons Azure creates with their parent (a storage account's blob
	// service, an AKS cluster's node pools)
	if rep.Created == 0 || rep.Created+rep.Updated+rep.Unchanged != rep.Planned || rep.Failed+rep.Blocked != 0 || rep.Identities == nil || rep.Identities.UsersCreated == 0 {
		t.Fatalf("report: planned %d created %d failed %d blocked %d identities %+v", rep.Planned, rep.Created, rep.Failed, rep.Blocked, rep.Identities)
	}
	b, err := os.ReadFile(idmap)
	if err != nil {
		t.Fatalf("identity map not written: %v", err)
	}
	for _, s := range []string{out, errOut, string(b)} {
		if strings.Contains(strings.ToLower(s), "password\":") || strings.Contains(s, "adminPassword") && strings.Contains(s, "\"value\"") {
			t.Fatal("a password leaked into the output")
		}
	}

	out, _, err = e.run(t, true, "--source-tenant-id", e.src, "--identity-map", idmap)
	if err != nil {
		t.Fatal(err)
	}
	var rep2 replicate.Report
	if err := json.Unmarshal([]byte(out), &rep2); err != nil {
		t.Fatal(err)
	}
	if rep2.Unchanged != rep.Planned || rep2.Created+rep2.Updated != 0 {
		t.Fatalf("re-run: created %d updated %d unchanged %d of %d", rep2.Created, rep2.Updated, rep2.Unchanged, rep.Planned)
	}

	s, err := spec.Build(context.Background(), e.store, e.src, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	md, err := s.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	specFile := filepath.Join(dir, "tenant.md")
	if err := os.WriteFile(specFile, md, 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, err = e.run(t, false, "--spec", specFile, "--identity-map", idmap, "--dry-run", "--resource-group", rep.Results[0].TargetID[strings.LastIndexByte(rep.Results[0].TargetID, '/')+1:])
	if err != nil {
		t.Fatalf("spec dry run: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "**skip**") {
		t.Fatalf("spec dry run on a deployed target should skip:\n%.1500s", out)
	}
}

// TestCreateTenantFailureExit: a target subscription that does not exist fails every resource
// group; the command prints the report and exits 1.
func TestCreateTenantFailureExit(t *testing.T) {
	testenv.Integration(t)
	e := startSim(t)
	e.dstSubs = []string{"00000000-0000-0000-0000-000000000000"}
	out, _, err := e.run(t, false, "--source-tenant-id", e.src)
	if cmdutil.ExitCodeFor(err) != cmdutil.ExitFailure {
		t.Fatalf("exit code %d (err %v), want 1", cmdutil.ExitCodeFor(err), err)
	}
	if !strings.Contains(out, "## Failed") || !strings.Contains(out, "SubscriptionNotFound") || !strings.Contains(out, "## Blocked") {
		t.Fatalf("report:\n%.1500s", out)
	}
}

// stripTiming drops the line with call counts and durations.
func stripTiming(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "API calls:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
