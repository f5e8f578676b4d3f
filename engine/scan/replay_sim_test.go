package scan

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/sim"
)

// TestReplayScannedTenant: scan a simulated tenant, export its graph, serve the export with
// sim.Options.FromGraph (atg sim serve --from-graph) and scan the replay: the same nodes (by
// label, id and resource type) and the same edges.
func TestReplayScannedTenant(t *testing.T) {
	if testing.Short() {
		t.Skip("integration")
	}
	ctx := context.Background()
	orig := startSim(t, sim.Options{Resources: 2000, Subscriptions: 4, Seed: 21, Throttle: "off"})
	if _, err := orig.engine(t).Run(ctx, fullRequest(orig.tenant)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "tenant.json")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := graph.Export(ctx, orig.store, orig.tenant, graph.FormatJSON, f); err != nil {
		t.Fatal(err)
	}
	f.Close()

	replay := startSim(t, sim.Options{FromGraph: file, Throttle: "off", Tenants: 2})
	if replay.tenant != orig.tenant {
		t.Fatalf("replay tenant %s, want %s", replay.tenant, orig.tenant)
	}
	res, err := replay.engine(t).Run(ctx, fullRequest(replay.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 {
		t.Errorf("failures scanning the replay: %+v", res.Failures[:min(5, len(res.Failures))])
	}
	typed := func(st graph.Store) map[string]string {
		out := map[string]string{}
		_ = st.Nodes(ctx, orig.tenant, graph.NodeQuery{}, func(n graph.Node) error {
			typ, _ := n.Props[graph.PropType].(string)
			out[string(n.Label)+"|"+n.ID] = typ
			return nil
		})
		return out
	}
	n1, n2 := typed(orig.store), typed(replay.store)
	if a, b := diffKeys(n1, n2); len(a)+len(b) > 0 {
		t.Errorf("nodes differ: only in the original %d, only in the replay %d\n  %s\n  %s", len(a), len(b), head(a, 8), head(b, 8))
	}
	for k, v := range n1 {
		if w, ok := n2[k]; ok && w != v {
			t.Errorf("%s: type %q, replay %q", k, v, w)
		}
	}
	_, e1 := snapshot(t, orig.store, orig.tenant)
	_, e2 := snapshot(t, replay.store, replay.tenant)
	if a, b := diffKeys(e1, e2); len(a)+len(b) > 0 {
		t.Errorf("edges differ: only in the original %d, only in the replay %d\n  %s\n  %s", len(a), len(b), head(a, 8), head(b, 8))
	}
	resources := 0
	for k := range n1 {
		if strings.HasPrefix(k, "Resource|") {
			resources++
		}
	}
	if resources < 2000 || len(e1) == 0 {
		t.Fatalf("too small a scan to compare: %d resources, %d edges", resources, len(e1))
	}
	t.Logf("replayed %d nodes (%d resources), %d edges", len(n1), resources, len(e1))
}

// TestScanFromDirKeepsIDs: atg sim serve --from DIR with same-named resources in two groups of
// two subscriptions: a scan finds every one under its original id (casing kept).
func TestScanFromDirKeepsIDs(t *testing.T) {
	subs := []string{"11111111-aaaa-4aaa-8aaa-111111111111", "22222222-bbbb-4bbb-8bbb-222222222222"}
	dir := t.TempDir()
	var want []string
	for i, sub := range subs {
		var items []string
		for _, rg := range []string{"RG-Prod", "rg-Dev"} {
			id := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Storage/storageAccounts/stshared"
			want = append(want, id)
			items = append(items, `{"id":"`+id+`","name":"stshared","type":"Microsoft.Storage/storageAccounts","location":"westeurope","kind":"StorageV2","sku":{"name":"Standard_LRS"},"properties":{"minimumTlsVersion":"TLS1_2"}}`)
		}
		if err := os.WriteFile(filepath.Join(dir, "sub"+string(rune('a'+i))+".json"), []byte(`{"value":[`+strings.Join(items, ",")+`]}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := startSim(t, sim.Options{FromDir: dir, Throttle: "off"})
	if _, err := env.engine(t).Run(context.Background(), fullRequest(env.tenant)); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	_ = env.store.Nodes(context.Background(), env.tenant, graph.NodeQuery{Labels: []graph.Label{graph.LabelResource}}, func(n graph.Node) error {
		got[n.Props[graph.PropID].(string)] = true
		return nil
	})
	for _, id := range want {
		if !got[id] {
			t.Errorf("scan lacks %s (has %v)", id, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("scan found %d resources, want %d", len(got), len(want))
	}
}
