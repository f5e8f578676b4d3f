package scan

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
)

// TestScanSimulatedTenant is the acceptance scan: 2,000 resources in 4 subscriptions,
// throttle fast, 2% faults; by_type equals the truth, every truth edge is in the graph,
// identities and role assignments are complete, no failures remain; a re-scan changes nothing.
func TestScanSimulatedTenant(t *testing.T) {
	testenv.Integration(t)
	acceptance(t, startSim(t, sim.Options{Resources: 2000, Subscriptions: 4, Seed: 7, Throttle: "fast", Faults: 0.02}))
}

// TestScanSimulatedTenantNeo4j is the same acceptance scan into Neo4j.
func TestScanSimulatedTenantNeo4j(t *testing.T) {
	testenv.Integration(t)
	uri, user, password := testenv.RequireNeo4j(t)
	// a seed of its own per process: the Neo4j server is shared (by other packages and by
	// concurrent runs on one machine), and the tenant id follows the seed
	seed := 4207 + int64(os.Getpid())
	t.Logf("simulator seed %d", seed)
	env := startSim(t, sim.Options{Resources: 2000, Subscriptions: 4, Seed: seed, Throttle: "fast", Faults: 0.02})
	env.useNeo4j(t, uri, user, password)
	acceptance(t, env)
}

func acceptance(t *testing.T, env *simEnv) {
	ctx := context.Background()
	eng := env.engine(t)
	res, err := eng.Run(ctx, fullRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scan: resources=%d relationships=%d calls=%v throttled=%d failures=%d duration=%.1fs",
		res.Resources, res.Relationships, res.APICalls, res.Throttled, len(res.Failures), res.DurationS)
	if len(res.Failures) > 0 {
		t.Errorf("failures left after retries: %+v", res.Failures[:min(5, len(res.Failures))])
	}
	tr := env.truth(t)
	if len(tr.Tenants) == 0 {
		t.Fatal("simulator truth has no tenants")
	}
	tt := tr.Tenants[0]
	if res.Resources != tt.Resources {
		t.Errorf("resources = %d, truth %d", res.Resources, tt.Resources)
	}
	for typ, n := range tt.ByType {
		if res.ByType[typ] != n {
			t.Errorf("by_type[%s] = %d, truth %d", typ, res.ByType[typ], n)
		}
	}
	for typ, n := range res.ByType {
		if _, ok := tt.ByType[typ]; !ok {
			t.Errorf("by_type[%s] = %d, not in truth", typ, n)
		}
	}
	if got, want := res.Identities, tt.Identities; got.Users != want["users"] || got.Groups != want["groups"] ||
		got.ServicePrincipals != want["service_principals"] || got.Applications != want["applications"] {
		t.Errorf("identities = %+v, truth %v", got, want)
	}
	if res.RoleAssignments != tt.RoleAssignments {
		t.Errorf("role assignments = %d, truth %d", res.RoleAssignments, tt.RoleAssignments)
	}
	// every truth edge is in the store
	_, edges := snapshot(t, env.store, env.tenant)
	var missing []string
	for _, e := range tt.Edges {
		k := strings.ToUpper(e.Type) + "|" + graph.NormalizeID(e.From) + "|" + graph.NormalizeID(e.To)
		if !edges[k] {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d truth edges missing, e.g.\n  %s", len(missing), len(tt.Edges), head(missing, 10))
	}

	// re-scan unchanged: zero net node/edge changes
	n1, e1 := snapshot(t, env.store, env.tenant)
	res2, err := env.engine(t).Run(ctx, fullRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	n2, e2 := snapshot(t, env.store, env.tenant)
	a, b := diffKeys(n1, n2)
	if len(a)+len(b) > 0 {
		t.Errorf("re-scan changed nodes: removed %d, added %d\n  %s\n  %s", len(a), len(b), head(a, 5), head(b, 5))
	}
	a, b = diffKeys(e1, e2)
	if len(a)+len(b) > 0 {
		t.Errorf("re-scan changed edges: removed %d, added %d\n  %s\n  %s", len(a), len(b), head(a, 5), head(b, 5))
	}
	changed := 0
	for k, v := range n1 {
		if n2[k] != v {
			changed++
		}
	}
	if changed > 0 {
		t.Errorf("re-scan changed the props of %d nodes", changed)
	}
	if res2.Removed.Nodes != 0 || res2.Removed.Edges != 0 {
		t.Errorf("re-scan removed %+v", res2.Removed)
	}
	// A re-scan that lost calls would skip its deletes (and could hide a change): it must be
	// as complete as the first.
	if len(res2.Failures) > 0 {
		t.Errorf("re-scan failures: %+v", res2.Failures[:min(5, len(res2.Failures))])
	}
	if res2.Resources != res.Resources || res2.Relationships != res.Relationships || res2.RoleAssignments != res.RoleAssignments {
		t.Errorf("re-scan counted resources/relationships/role assignments %d/%d/%d, first scan %d/%d/%d",
			res2.Resources, res2.Relationships, res2.RoleAssignments, res.Resources, res.Relationships, res.RoleAssignments)
	}
}
