package replicate

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/fidelity"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/jsonpath"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/engine/spec"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// env is a running simulator with a generated tenant A (scanned into the store) and an empty
// tenant B.
type env struct {
	sim        *sim.Simulator
	srv        *sim.Server
	src, dst   string
	dstSubs    []string
	store      graph.Store
	log        *slog.Logger
	throttle   azure.ThrottleOptions
	scanResult scan.Result
}

func testLogger() *slog.Logger {
	if os.Getenv("ATG_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newEnv(t testing.TB, resources, subs int) *env { return newEnvFaults(t, resources, subs, 0) }

func newEnvFaults(t testing.TB, resources, subs int, faults float64) *env {
	t.Helper()
	log := testLogger()
	s, srv := simtest.Start(t, sim.Options{Resources: resources, Subscriptions: subs, Seed: 11, Tenants: 2, Throttle: "fast", Logger: log, Faults: faults})
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "graph.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	e := &env{sim: s, srv: srv, src: srv.TenantIDs[0], dst: srv.TenantIDs[1], store: st, log: log,
		throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond}}
	e.dstSubs = s.SubscriptionIDs(e.dst)
	e.scanResult = e.scan(t, e.src)
	return e
}

func (e *env) clients(t testing.TB, tenant string) *azure.Clients {
	t.Helper()
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: e.srv.ARMEndpoint, MSGraph: e.srv.MSGraphEndpoint},
		TenantID: tenant, Logger: e.log, Throttle: e.throttle})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) scan(t testing.TB, tenant string) scan.Result {
	t.Helper()
	eng := &scan.Engine{Store: e.store, Azure: e.clients(t, tenant), Logger: e.log, Concurrency: 16}
	res, err := eng.Run(context.Background(), scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 {
		t.Fatalf("scan of %s failed: %+v", tenant, res.Failures[:min(3, len(res.Failures))])
	}
	return res
}

func (e *env) plan(t testing.TB, mut func(*Input)) *Plan {
	t.Helper()
	in := Input{Store: e.store, SourceTenantID: e.src, TargetTenantID: e.dst, TargetSubscriptions: e.dstSubs}
	if mut != nil {
		mut(&in)
	}
	p, err := MakePlan(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) deploy(t testing.TB, ctx context.Context, p *Plan, mut func(*Options)) (*Report, error) {
	t.Helper()
	o := Options{Azure: e.clients(t, e.dst), Concurrency: 8, PollFrequency: time.Second, Logger: e.log}
	if mut != nil {
		mut(&o)
	}
	return Deploy(ctx, p, o)
}

func logFailures(t testing.TB, r *Report, n int) {
	t.Helper()
	shown := 0
	for _, x := range r.Results {
		if (x.Action == ActionFail || x.Action == ActionBlocked) && shown < n {
			t.Logf("  %s %s %s: %s %s", x.Action, x.Type, x.TargetID, x.Code, x.Message+x.Reason)
			shown++
		}
	}
}

// TestRoundTrip is the acceptance round trip: generate a 2,000-resource tenant A (2
// subscriptions), scan A, create-tenant A -> B (two target subscriptions), scan B, fidelity >= 98%
// of resources and >= 95% of writable properties; a second run is a no-op. About 10s, 35s under
// -race.
func TestRoundTrip(t *testing.T) {
	testenv.Integration(t)
	roundTrip(t, 2000, 2)
}

// TestRoundTripFromSpec is the same round trip from the spec generate-spec writes (Markdown with
// its JSON block, parsed back by spec.Parse).
func TestRoundTripFromSpec(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 300, 2)
	s, err := spec.Build(context.Background(), e.store, e.src, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	md, err := s.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	// the submit-time check accepts what generate-spec writes
	if _, err := CheckSpec(context.Background(), md, e.dst, e.dstSubs); err != nil {
		t.Fatalf("CheckSpec refuses a generated spec: %v", err)
	}
	roundTripEnv(t, e, func(in *Input) {
		parsed, err := spec.Parse(md)
		if err != nil {
			t.Fatal(err)
		}
		in.Store, in.Model = nil, parsed.Model
	})
}

func roundTrip(t *testing.T, n, subs int) { roundTripEnv(t, newEnv(t, n, subs), nil) }

// TestRoundTripOneTarget: two source subscriptions into one target subscription (same-named
// resource groups kept apart).
func TestRoundTripOneTarget(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 300, 2)
	e.dstSubs = e.dstSubs[:1]
	if p := e.plan(t, nil); len(p.RenamedResourceGroups) == 0 {
		t.Fatalf("no resource group renamed; subscriptions %v", p.Subscriptions)
	}
	roundTripEnv(t, e, func(in *Input) {
		in.TargetSubscriptions = e.dstSubs
	})
}

// TestRoundTripWithFaults: 3% of requests fail (500, 503, 429 without Retry-After, connection
// resets, slow answers); retries make the deployment complete all the same.
func TestRoundTripWithFaults(t *testing.T) {
	testenv.Integration(t)
	roundTripEnv(t, newEnvFaults(t, 200, 1, 0.03), nil)
}

func roundTripEnv(t *testing.T, e *env, input func(*Input)) {
	ctx := context.Background()
	p := e.plan(t, input)
	t.Logf("plan: %d items, %d levels, %d not deployed", len(p.Items), p.Levels, len(p.Skipped))
	start := time.Now()
	rep, err := e.deploy(t, ctx, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("deploy: created %d updated %d unchanged %d failed %d blocked %d in %s, calls %v throttled %d",
		rep.Created, rep.Updated, rep.Unchanged, rep.Failed, rep.Blocked, time.Since(start).Round(time.Millisecond), rep.APICalls, rep.Throttled)
	if rep.Failed+rep.Blocked > 0 {
		logFailures(t, rep, 10)
		t.Errorf("%d failed, %d blocked", rep.Failed, rep.Blocked)
	}
	// singletons Azure creates with their parent (a storage account's blob service, an AKS
	// cluster's node pools) exist when their turn comes: updated, or unchanged when the parent's
	// PUT already made them as declared — never created twice
	if rep.Created+rep.Updated+rep.Unchanged != len(p.Items) {
		t.Errorf("created %d, updated %d, unchanged %d of %d", rep.Created, rep.Updated, rep.Unchanged, len(p.Items))
	}
	checkSecrets(t, e, p, rep)
	e.scan(t, e.dst)
	fr, err := fidelity.Compare(ctx, e.store, fidelity.Options{SourceTenantID: e.src, TargetTenantID: e.dst, MapName: p.MapName()})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("fidelity: %d source, %d target, matched %d, count %.4f, properties %.4f (%d/%d), misses %d",
		fr.SourceResources, fr.TargetResources, fr.Matched, fr.CountFidelity, fr.PropertyFidelity, fr.PropertiesEqual, fr.PropertiesTotal, len(fr.Misses))
	for i, m := range fr.Misses {
		if i == 15 {
			break
		}
		t.Logf("  miss %s %s: %s", m.Type, m.ID, m.Reason)
	}
	// The raw figures, nothing excluded: the platform creates what the model does not deploy
	// (a VM's OS disk from osDisk.name), as Azure does, so those resources count like the rest.
	if fr.CountFidelity < 0.98 {
		t.Errorf("count fidelity %.4f < 0.98 (%d of %d source resources in the target)", fr.CountFidelity, fr.Matched, fr.SourceResources)
	}
	implicit := 0
	for _, s := range p.Skipped {
		if strings.HasPrefix(s.Reason, "created by ") {
			implicit++
		}
	}
	if disks := fr.ByType["microsoft.compute/disks"]; implicit > 0 && disks.Matched != disks.Source {
		t.Errorf("%d disks are left to their VMs to create, yet only %d of %d source disks are in the target", implicit, disks.Matched, disks.Source)
	}
	if fr.PropertyFidelity < 0.95 {
		t.Errorf("property fidelity %.4f < 0.95", fr.PropertyFidelity)
	}
	// second run: a no-op
	rep2, err := e.deploy(t, ctx, e.plan(t, input), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Unchanged != len(p.Items) || rep2.Created+rep2.Updated+rep2.Failed+rep2.Blocked != 0 {
		for _, x := range rep2.Results {
			if x.Action != ActionSkip {
				t.Logf("  second run: %s %s %v %s", x.Action, x.TargetID, x.Diff, x.Message)
				break
			}
		}
		t.Errorf("second run: created %d updated %d unchanged %d failed %d blocked %d; want all %d unchanged",
			rep2.Created, rep2.Updated, rep2.Unchanged, rep2.Failed, rep2.Blocked, len(p.Items))
	}
	if rep2.APICalls["arm"] == 0 {
		t.Error("second run made no ARM calls: it cannot have checked the target")
	}
}

// TestResumeAfterCancel cancels a deployment after 40 PUTs; the re-run completes the job,
// skipping what exists, and a third run is a no-op.
func TestResumeAfterCancel(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 150, 1)
	p := e.plan(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep, err := e.deploy(t, ctx, p, func(o *Options) {
		o.Progress = func(pr Progress) {
			if pr.Writes >= 40 {
				cancel()
			}
		}
	})
	if !errors.Is(err, context.Canceled) || rep == nil || !rep.Cancelled {
		t.Fatalf("cancelled run: err %v, report %+v", err, rep)
	}
	first := rep.Created
	if first == 0 || first >= len(p.Items) {
		t.Fatalf("cancelled run created %d of %d", first, len(p.Items))
	}
	rep2, err := e.deploy(t, context.Background(), e.plan(t, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep2.OK() || rep2.Created+rep2.Unchanged+rep2.Updated != len(p.Items) {
		logFailures(t, rep2, 5)
		t.Fatalf("re-run: created %d updated %d unchanged %d failed %d blocked %d of %d",
			rep2.Created, rep2.Updated, rep2.Unchanged, rep2.Failed, rep2.Blocked, len(p.Items))
	}
	if rep2.Unchanged < first {
		t.Errorf("re-run left %d unchanged, the first run had created %d", rep2.Unchanged, first)
	}
	t.Logf("cancelled after %d created; re-run: %d created, %d unchanged, %d updated", first, rep2.Created, rep2.Unchanged, rep2.Updated)
	rep3, err := e.deploy(t, context.Background(), e.plan(t, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep3.Unchanged != len(p.Items) {
		t.Errorf("third run: %d of %d unchanged", rep3.Unchanged, len(p.Items))
	}
}

func findItem(t *testing.T, p *Plan, typ string, withDeps bool) *Item {
	t.Helper()
	for _, it := range p.Items {
		if strings.EqualFold(it.Type, typ) && (!withDeps || len(it.DependsOn) > 0) {
			return it
		}
	}
	t.Fatalf("no %s in the plan", typ)
	return nil
}

func resultOf(r *Report, key string) Result {
	for _, x := range r.Results {
		if x.Key == key {
			return x
		}
	}
	return Result{}
}

// TestWrongOrderFails deploys a NIC before the subnet it references: the simulator rejects the
// PUT (InvalidResourceReference), the NIC is reported failed with ARM's code and message, the VM
// that uses it is blocked, and everything else still deploys.
func TestWrongOrderFails(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 120, 1)
	p := e.plan(t, nil)
	nic := findItem(t, p, "Microsoft.Network/networkInterfaces", true)
	p.Levels++
	moved := 0
	for _, d := range nic.DependsOn {
		if dep := p.byKey[d]; strings.EqualFold(dep.Type, "Microsoft.Network/virtualNetworks/subnets") {
			dep.Level = p.Levels
			moved++
		}
	}
	if moved == 0 {
		t.Fatalf("NIC %s has no subnet dependency: %v", nic.Key, nic.DependsOn)
	}
	nic.Level = 1
	rep, err := e.deploy(t, context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := resultOf(rep, nic.Key)
	if r.Action != ActionFail || r.Code != "InvalidResourceReference" || !strings.Contains(r.Message, "was not found") {
		t.Fatalf("NIC deployed before its subnet: %+v", r)
	}
	blocked := 0
	for _, x := range rep.Results {
		if x.Action == ActionBlocked {
			blocked++
			if !strings.Contains(x.Reason, nic.TargetID) && !strings.Contains(x.Reason, "is blocked") {
				t.Errorf("blocked without naming the cause: %+v", x)
			}
		}
	}
	if blocked == 0 {
		t.Error("nothing was blocked by the failed NIC (its VM should be)")
	}
	if rep.Failed != 1 || rep.Created+rep.Updated+rep.Unchanged != len(p.Items)-1-blocked { // updated or unchanged: implicit singletons
		t.Errorf("failed %d created %d updated %d blocked %d of %d: the rest must still deploy", rep.Failed, rep.Created, rep.Updated, blocked, len(p.Items))
	}
	if rep.OK() {
		t.Error("report OK despite a failure")
	}
	md := rep.Markdown()
	for _, want := range []string{"## Failed (1)", "InvalidResourceReference", "## Blocked"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}

// TestUntranslatedReferenceFails plants references translation did not rewrite: one into the
// source subscription (caught before the PUT) and one to a resource group the target lacks
// (rejected by the simulator). Both are failures, not silent passes.
func TestUntranslatedReferenceFails(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 120, 1)
	p := e.plan(t, nil)
	nsgs := []*Item{}
	for _, it := range p.Items {
		if strings.EqualFold(it.Type, "Microsoft.Network/networkSecurityGroups") {
			nsgs = append(nsgs, it)
		}
	}
	a, b := findItem(t, p, "Microsoft.Network/networkInterfaces", true), (*Item)(nil)
	for _, it := range p.Items {
		if strings.EqualFold(it.Type, "Microsoft.Network/networkInterfaces") && it != a {
			b = it
			break
		}
	}
	if b == nil || len(nsgs) == 0 {
		t.Fatal("need two NICs and an NSG")
	}
	a.res.Body["networkSecurityGroup"] = map[string]any{"id": nsgs[0].SourceID}
	missing := strings.Replace(nsgs[0].TargetID, "/resourceGroups/"+nsgs[0].res.ResourceGroup+"/", "/resourceGroups/rg-never-created/", 1)
	b.res.Body["networkSecurityGroup"] = map[string]any{"id": missing}
	rep, err := e.deploy(t, context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := resultOf(rep, a.Key); r.Action != ActionFail || r.Code != "UntranslatedReference" || !strings.Contains(r.Message, nsgs[0].SourceID) {
		t.Errorf("source-subscription reference: %+v", r)
	}
	if r := resultOf(rep, b.Key); r.Action != ActionFail || r.Code != "InvalidResourceReference" {
		t.Errorf("reference to a missing resource group: %+v", r)
	}
}

// TestDryRun plans against an empty target (all creates, no writes), then against a deployed
// one with one resource changed out of band (one update, the rest skips).
func TestDryRun(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 80, 1)
	p := e.plan(t, nil)
	rep, err := e.deploy(t, context.Background(), p, func(o *Options) { o.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Created != len(p.Items) || rep.Failed+rep.Blocked+rep.Updated+rep.Unchanged != 0 {
		t.Fatalf("dry run on an empty target: %+v", rep)
	}
	if got := e.sim.SubscriptionIDs(e.dst); len(got) == 0 {
		t.Fatal("no target subscriptions")
	}
	if rep2, err := e.deploy(t, context.Background(), p, nil); err != nil || !rep2.OK() {
		t.Fatalf("deploy: %v", err)
	}
	// change one storage account's tag in the target, out of band
	st := findItem(t, p, "Microsoft.Storage/storageAccounts", false)
	c := e.clients(t, e.dst)
	var body map[string]any
	if err := c.GetARM(context.Background(), st.TargetID, st.APIVersion, &body); err != nil {
		t.Fatal(err)
	}
	if len(body) == 0 {
		t.Fatal("storage account not in the target")
	}
	p2 := e.plan(t, nil)
	p2.byKey[st.Key].res.Tags["environment"] = "changed"
	rep3, err := e.deploy(t, context.Background(), p2, func(o *Options) { o.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
	if rep3.Updated != 1 || rep3.Unchanged != len(p.Items)-1 {
		t.Fatalf("dry run with one change: updated %d unchanged %d of %d", rep3.Updated, rep3.Unchanged, len(p.Items))
	}
	r := resultOf(rep3, st.Key)
	if r.Action != ActionUpdate || len(r.Diff) != 1 || r.Diff[0] != "tags.environment" {
		t.Errorf("storage account: %+v", r)
	}
	if md := rep3.Markdown(); !strings.Contains(md, "**update**") || !strings.Contains(md, "tags.environment") {
		t.Errorf("dry-run markdown does not show the update:\n%s", md[:min(len(md), 2000)])
	}
}

// TestCreateIdentities recreates A's users and groups (with memberships) in B, then deploys with
// the resulting identity map: role assignments for users and groups replicate; only
// application service principals stay unmapped. A second run creates nothing.
func TestCreateIdentities(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 120, 1)
	ctx := context.Background()
	ps, err := SourcePrincipals(ctx, e.store, e.src)
	if err != nil {
		t.Fatal(err)
	}
	users, groups, members := 0, 0, 0
	for _, p := range ps {
		switch p.Kind {
		case "user":
			users++
		case "group":
			groups++
			members += len(p.Members)
		}
	}
	if users == 0 || groups == 0 || members == 0 {
		t.Fatalf("source has %d users, %d groups, %d memberships", users, groups, members)
	}
	idr, err := CreateIdentities(ctx, IdentityOptions{Azure: e.clients(t, e.dst), Principals: ps, Logger: e.log})
	if err != nil {
		t.Fatal(err)
	}
	if len(idr.Failures) > 0 {
		t.Fatalf("identity failures: %+v", idr.Failures[:min(3, len(idr.Failures))])
	}
	if idr.UsersCreated != users || idr.GroupsCreated != groups || idr.MembershipsAdded == 0 {
		t.Fatalf("created %d/%d users, %d/%d groups, %d memberships", idr.UsersCreated, users, idr.GroupsCreated, groups, idr.MembershipsAdded)
	}
	if idr.APICalls["msgraph"] < users+groups {
		t.Errorf("msgraph calls %d for %d objects", idr.APICalls["msgraph"], users+groups)
	}
	path := filepath.Join(t.TempDir(), "identities.json")
	if err := SaveIdentityMap(path, idr.Map); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(strings.ToLower(string(b)), "password") {
		t.Fatal("identity map mentions a password")
	}
	loaded, err := LoadIdentityMap(path)
	if err != nil || len(loaded) != len(idr.Map) {
		t.Fatalf("reload: %v, %d entries", err, len(loaded))
	}
	// second run: everything exists
	idr2, err := CreateIdentities(ctx, IdentityOptions{Azure: e.clients(t, e.dst), Principals: ps})
	if err != nil {
		t.Fatal(err)
	}
	if idr2.UsersCreated+idr2.GroupsCreated+idr2.MembershipsAdded != 0 || idr2.UsersExisting != users {
		t.Fatalf("second run: %+v", idr2)
	}
	// a fresh run without the map finds the objects by name
	idr3, err := CreateIdentities(ctx, IdentityOptions{Azure: e.clients(t, e.dst), Principals: ps})
	if err != nil || idr3.UsersCreated != 0 || idr3.GroupsCreated != 0 || idr3.MembershipsExisting < idr.MembershipsAdded {
		t.Fatalf("lookup run: %v %+v", err, idr3)
	}
	without := e.plan(t, nil)
	p := e.plan(t, func(in *Input) { in.IdentityMap = loaded })
	ras := func(p *Plan) int {
		n := 0
		for _, it := range p.Items {
			if strings.EqualFold(it.Type, "Microsoft.Authorization/roleAssignments") {
				n++
			}
		}
		return n
	}
	if ras(p) <= ras(without) {
		t.Fatalf("role assignments with identities %d, without %d", ras(p), ras(without))
	}
	rep, err := e.deploy(t, ctx, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		logFailures(t, rep, 5)
		t.Fatalf("deploy with identities: failed %d blocked %d", rep.Failed, rep.Blocked)
	}
	for _, pid := range rep.UnmappedPrincipals {
		for _, pr := range ps {
			if pr.ID == pid {
				t.Errorf("principal %s (%s) created but still unmapped", pid, pr.Kind)
			}
		}
	}
	t.Logf("identities: %d users, %d groups, %d memberships; role assignments %d (without map %d); unmapped %d",
		idr.UsersCreated, idr.GroupsCreated, idr.MembershipsAdded, ras(p), ras(without), len(rep.UnmappedPrincipals))
}

// checkSecrets: the SQL server got a generated administrator password, which the target
// accepted but (like Azure) never returns on a GET, and it appears nowhere in the report or plan.
func checkSecrets(t *testing.T, e *env, p *Plan, rep *Report) {
	t.Helper()
	it := findItem(t, p, "Microsoft.Sql/servers", false)
	var body map[string]any
	if err := e.clients(t, e.dst).GetARM(context.Background(), it.TargetID, it.APIVersion, &body); err != nil {
		t.Fatal(err)
	}
	if v := jsonpath.Get(body, "properties.administratorLoginPassword"); v != nil {
		t.Fatalf("GET returned the SQL administrator password (%T)", v)
	}
	pw, _ := e.sim.WriteOnly(it.TargetID)["administratorLoginPassword"].(string)
	if len(pw) != 24 {
		t.Fatalf("SQL server password not generated (%d chars)", len(pw))
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), pw) || strings.Contains(rep.Markdown(), pw) {
		t.Fatal("the generated password is in the report")
	}
	for _, r := range p.Items {
		if b, _ := json.Marshal(r.res.Body); strings.Contains(string(b), pw) {
			t.Fatal("the generated password is in the plan")
		}
	}
}

// TestWrongPrincipalFails maps one user to an object id the target directory lacks: its role
// assignments fail with PrincipalNotFound after the replication retries; the other users stay
// unmapped (reported, not guessed).
func TestWrongPrincipalFails(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 120, 1)
	ps, err := SourcePrincipals(context.Background(), e.store, e.src)
	if err != nil {
		t.Fatal(err)
	}
	without := e.plan(t, nil)
	var user string
	for _, pid := range newReport(without, false).UnmappedPrincipals {
		for _, p := range ps {
			if p.ID == pid && p.Kind == "user" {
				user = pid
			}
		}
	}
	if user == "" {
		t.Fatal("no unmapped user with a role assignment")
	}
	p := e.plan(t, func(in *Input) { in.IdentityMap = map[string]string{user: "00000000-0000-4000-8000-000000000000"} })
	rep, err := e.deploy(t, context.Background(), p, func(o *Options) { o.SettleWait = 5 * time.Millisecond })
	if err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, x := range rep.Results {
		if x.Action == ActionFail {
			failed++
			if x.Code != "PrincipalNotFound" || !strings.EqualFold(x.Type, "Microsoft.Authorization/roleAssignments") {
				t.Errorf("unexpected failure %+v", x)
			}
		}
	}
	if failed == 0 || rep.Created+rep.Updated+rep.Unchanged != len(p.Items)-failed { // updated or unchanged: implicit singletons
		t.Fatalf("failed %d created %d updated %d unchanged %d of %d", failed, rep.Created, rep.Updated, rep.Unchanged, len(p.Items))
	}
	for _, u := range rep.UnmappedPrincipals {
		if u == user {
			t.Error("mapped user listed as unmapped")
		}
	}
	if len(rep.UnmappedPrincipals) == 0 || !strings.Contains(rep.Markdown(), "## Unmapped principals") {
		t.Error("unmapped principals not reported")
	}
}

// TestUpdateFixesDrift changes a VNet in the target out of band (a tag); the next run updates
// exactly that VNet, keeps its subnets (declared as separate resources, absent from the VNet's
// desired body), and the run after is a no-op.
func TestUpdateFixesDrift(t *testing.T) {
	testenv.Integration(t)
	e := newEnv(t, 120, 1)
	ctx := context.Background()
	p := e.plan(t, nil)
	if rep, err := e.deploy(t, ctx, p, nil); err != nil || !rep.OK() {
		t.Fatalf("deploy: %v", err)
	}
	vnet := findItem(t, p, "Microsoft.Network/virtualNetworks", false)
	c := e.clients(t, e.dst)
	var body map[string]any
	if err := c.GetARM(ctx, vnet.TargetID, vnet.APIVersion, &body); err != nil {
		t.Fatal(err)
	}
	subnets := len(jsonpath.Get(body, "properties.subnets").([]any))
	if subnets == 0 {
		t.Fatal("VNet has no subnets in the target")
	}
	body["tags"] = map[string]any{"environment": "drifted"}
	d := &deployer{pl: mustPipeline(t, c), armEP: c.Endpoints.ARM}
	if err := d.do(ctx, "PUT", vnet.TargetID, vnet.APIVersion, body, nil, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := e.deploy(t, ctx, e.plan(t, nil), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Unchanged != len(p.Items)-1 {
		t.Fatalf("drift run: updated %d unchanged %d of %d", rep.Updated, rep.Unchanged, len(p.Items))
	}
	if r := resultOf(rep, vnet.Key); r.Action != ActionUpdate || !slicesContain(r.Diff, "tags.environment") {
		t.Fatalf("VNet result %+v", r)
	}
	var after map[string]any
	if err := c.GetARM(ctx, vnet.TargetID, vnet.APIVersion, &after); err != nil {
		t.Fatal(err)
	}
	if got := len(jsonpath.Get(after, "properties.subnets").([]any)); got != subnets {
		t.Fatalf("update dropped subnets: %d -> %d", subnets, got)
	}
	if rep, err := e.deploy(t, ctx, e.plan(t, nil), nil); err != nil || rep.Unchanged != len(p.Items) {
		t.Fatalf("after the fix: %v, %d of %d unchanged", err, rep.Unchanged, len(p.Items))
	}
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func mustPipeline(t *testing.T, c *azure.Clients) runtime.Pipeline {
	t.Helper()
	ac, err := arm.NewClient("test", "v0.0.0", c.Credential, c.ARMOptions())
	if err != nil {
		t.Fatal(err)
	}
	return ac.Pipeline()
}
