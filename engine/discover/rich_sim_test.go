package discover

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/sim"
)

// TestRichChildrenDiscovered: a generated tenant with web app slots, private DNS record sets,
// federated credentials and Cosmos SQL databases is discovered completely (every truth resource
// is a node) by Resource Graph and the child walk, and the richer children cost one list per
// parent.
func TestRichChildrenDiscovered(t *testing.T) {
	s, tenant, d := simDiscoverer(t, sim.Options{Resources: 600, Subscriptions: 1, Seed: 13, Throttle: "off", RichChildren: true}, 8)
	ctx := context.Background()
	subs := s.SubscriptionIDs(tenant)
	types, err := d.Types(ctx, subs[0])
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	nodes := map[string]bool{}
	var found []graph.Node
	sink := &Sink{}
	argTypes, err := d.Resources(ctx, tenant, subs, types, nil, func(n graph.Node) {
		nodes[n.ID] = true
		found = append(found, ParentStub(n))
	}, sink)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for id := range nodes {
		seen[id] = true
	}
	if err := d.WalkChildren(ctx, tenant, types, found, argTypes, seen, func(n graph.Node) { mu.Lock(); nodes[n.ID] = true; mu.Unlock() }, sink); err != nil {
		t.Fatal(err)
	}
	if f := sink.Failed(); len(f) > 0 {
		t.Fatalf("failures: %+v", f[:min(3, len(f))])
	}
	rich := map[string]int{}
	var missing []string
	for _, id := range s.Truth().Tenants[0].ResourceIDs {
		if !nodes[graph.NormalizeID(id)] {
			missing = append(missing, id)
		}
		if a, ok := armid.Parse(id); ok {
			switch typ := strings.ToLower(a.Type()); typ {
			case "microsoft.web/sites/slots", "microsoft.network/privatednszones/a",
				"microsoft.managedidentity/userassignedidentities/federatedidentitycredentials", "microsoft.documentdb/databaseaccounts/sqldatabases":
				rich[typ]++
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d truth resources not discovered, e.g. %v", len(missing), missing[:min(5, len(missing))])
	}
	if len(rich) != 4 {
		t.Errorf("the tenant lacks some richer children: %v", rich)
	}
	t.Logf("richer children: %v", rich)
}
