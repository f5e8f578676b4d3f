package e2e

import (
	"encoding/json"
	"testing"

	"github.com/atg-go/atg/engine/replicate"
	"github.com/atg-go/atg/sim"
)

// `atg create-tenant --remote` copies the service's scanned tenant A into the simulator's empty
// tenant B, reports like the local command, and a second run changes nothing.
func TestRemoteCreateTenant(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 120, Subscriptions: 1, Seed: 9, Tenants: 2}})
	ctx := t.Context()
	if r := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID, "-o", "json"}, e.RemoteArgs()...)...); r.Code != 0 {
		t.Fatalf("remote scan: %s\nservice log:\n%s", r, e.ServiceLog())
	}
	ids := e.Sim.TenantIDs()
	if len(ids) != 2 {
		t.Fatalf("want 2 simulated tenants, got %v", ids)
	}
	target := ids[1]
	subs := e.Sim.SubscriptionIDs(target)
	if len(subs) == 0 {
		t.Fatal("target tenant has no subscription")
	}
	args := append([]string{"create-tenant", "--source-tenant-id", e.TenantID, "--target-tenant-id", target,
		"--target-subscription", subs[0], "-o", "json"}, e.RemoteArgs()...)
	decode := func(r Result) replicate.Report {
		t.Helper()
		var rep replicate.Report
		if err := json.Unmarshal([]byte(r.Stdout), &rep); err != nil {
			t.Fatalf("report is not JSON: %v\n%s", err, r)
		}
		return rep
	}
	first := e.Run(ctx, args...)
	if first.Code != 0 {
		t.Fatalf("remote create-tenant: %s\nservice log:\n%s", first, e.ServiceLog())
	}
	rep := decode(first)
	if rep.Created < 100 || rep.Failed != 0 || rep.Blocked != 0 {
		t.Fatalf("first run: created %d, failed %d, blocked %d", rep.Created, rep.Failed, rep.Blocked)
	}
	second := decode(e.Run(ctx, args...))
	if second.Created != 0 || second.Updated != 0 || second.Unchanged < rep.Created {
		t.Fatalf("second run is not a no-op: created %d, updated %d, unchanged %d", second.Created, second.Updated, second.Unchanged)
	}
	// Local-only options are refused in remote mode, with exit 2.
	bad := e.Run(ctx, append(args, "--create-identities")...)
	if bad.Code != 2 {
		t.Fatalf("--create-identities with --remote: want exit 2, got %s", bad)
	}
}
