package replicate

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

func resNode(sub, rg, typ, name string, props map[string]any) graph.Node {
	id := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/" + typ + "/" + name
	return graph.Node{Label: graph.LabelResource, ID: graph.NormalizeID(id), Props: map[string]any{
		graph.PropID: id, graph.PropName: name, graph.PropType: strings.ToLower(typ), graph.PropTypeDisplay: typ,
		graph.PropResourceGroup: rg, graph.PropSubscription: sub, graph.PropLocation: "eastus", graph.PropAPIVersion: "2024-01-01",
		graph.PropProperties: props}}
}

func rgNode(sub, rg string) graph.Node {
	id := "/subscriptions/" + sub + "/resourceGroups/" + rg
	return graph.Node{Label: graph.LabelResourceGroup, ID: graph.NormalizeID(id), Props: map[string]any{
		graph.PropID: id, graph.PropName: rg, graph.PropSubscription: sub, graph.PropLocation: "eastus"}}
}

func storeWith(t *testing.T, tenant string, nodes ...graph.Node) graph.Store {
	t.Helper()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	ctx := context.Background()
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range nodes {
		nodes[i].TenantID = tenant
	}
	if err := st.UpsertNodes(ctx, tenant, "scan_1", nodes); err != nil {
		t.Fatal(err)
	}
	return st
}

const (
	subA = "aaaaaaaa-0000-0000-0000-000000000001"
	subB = "bbbbbbbb-0000-0000-0000-000000000002"
	tgt1 = "11111111-0000-0000-0000-00000000000a"
	tgt2 = "22222222-0000-0000-0000-00000000000b"
)

func sharedRGTenant(t *testing.T) graph.Store {
	nsg := "Microsoft.Network/networkSecurityGroups"
	return storeWith(t, "src",
		rgNode(subA, "rg-shared"), rgNode(subB, "rg-shared"), rgNode(subB, "rg-b"),
		resNode(subA, "rg-shared", nsg, "nsg-a", map[string]any{}),
		resNode(subB, "rg-shared", nsg, "nsg-b", map[string]any{}),
		resNode(subB, "rg-b", "Microsoft.Network/networkInterfaces", "nic-b", map[string]any{
			"networkSecurityGroup": map[string]any{"id": "/subscriptions/" + subB + "/resourceGroups/rg-shared/providers/" + nsg + "/nsg-b"}}),
	)
}

// One target takes both source subscriptions: the second "rg-shared" is renamed and the
// reference into it follows.
func TestPlanOneTargetKeepsResourceGroupsApart(t *testing.T) {
	p, err := MakePlan(context.Background(), Input{Store: sharedRGTenant(t), SourceTenantID: "src", TargetTenantID: "dst",
		TargetSubscriptions: []string{tgt1}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Subscriptions[subA] != tgt1 || p.Subscriptions[subB] != tgt1 {
		t.Fatalf("subscriptions %v", p.Subscriptions)
	}
	renamed := "rg-shared-" + subB[:8]
	if p.RenamedResourceGroups[subB+"/rg-shared"] != renamed {
		t.Fatalf("renamed %v", p.RenamedResourceGroups)
	}
	ids := map[string]bool{}
	for _, it := range p.Items {
		ids[it.TargetID] = true
	}
	for _, want := range []string{
		"/subscriptions/" + tgt1 + "/resourceGroups/rg-shared",
		"/subscriptions/" + tgt1 + "/resourceGroups/" + renamed,
		"/subscriptions/" + tgt1 + "/resourceGroups/rg-shared/providers/Microsoft.Network/networkSecurityGroups/nsg-a",
		"/subscriptions/" + tgt1 + "/resourceGroups/" + renamed + "/providers/Microsoft.Network/networkSecurityGroups/nsg-b",
	} {
		if !ids[want] {
			t.Errorf("missing %s in %v", want, ids)
		}
	}
	rv := &resolver{plan: p, secrets: &secrets{}, deployed: func(string) map[string]any { return nil }}
	for _, it := range p.Items {
		if strings.HasSuffix(it.SourceID, "nic-b") {
			d, err := rv.resolve(it)
			if err != nil {
				t.Fatal(err)
			}
			got := jsonpath.Get(d.body, "properties.networkSecurityGroup.id")
			if got != "/subscriptions/"+tgt1+"/resourceGroups/"+renamed+"/providers/Microsoft.Network/networkSecurityGroups/nsg-b" {
				t.Errorf("nic reference = %v", got)
			}
			if bad := p.untranslated(d.body); bad != "" {
				t.Errorf("untranslated %s", bad)
			}
		}
	}
}

// Two targets: each gets its own "rg-shared" although the model merged them.
func TestPlanTwoTargetsSplitMergedGroups(t *testing.T) {
	p, err := MakePlan(context.Background(), Input{Store: sharedRGTenant(t), SourceTenantID: "src", TargetTenantID: "dst",
		TargetSubscriptions: []string{tgt1, tgt2}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Subscriptions[subA] != tgt1 || p.Subscriptions[subB] != tgt2 || len(p.RenamedResourceGroups) != 0 {
		t.Fatalf("subscriptions %v renamed %v", p.Subscriptions, p.RenamedResourceGroups)
	}
	rgs := map[string]bool{}
	for _, it := range p.Items {
		if it.Level == 0 {
			rgs[it.TargetID] = true
		}
		if it.Level == 0 && !it.res.IsResourceGroup() {
			t.Errorf("level 0 holds %s", it.TargetID)
		}
	}
	for _, want := range []string{"/subscriptions/" + tgt1 + "/resourceGroups/rg-shared", "/subscriptions/" + tgt2 + "/resourceGroups/rg-shared",
		"/subscriptions/" + tgt2 + "/resourceGroups/rg-b"} {
		if !rgs[want] {
			t.Errorf("resource group %s not planned: %v", want, rgs)
		}
	}
	for _, s := range p.Skipped {
		if strings.HasPrefix(s.Reason, "merged into") {
			t.Errorf("still reported as merged: %+v", s)
		}
	}
	// explicit mapping wins
	p, err = MakePlan(context.Background(), Input{Store: sharedRGTenant(t), SourceTenantID: "src", TargetTenantID: "dst",
		TargetSubscriptions: []string{subB + "=" + tgt1, tgt2}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Subscriptions[subB] != tgt1 || p.Subscriptions[subA] != tgt2 {
		t.Fatalf("explicit mapping: %v", p.Subscriptions)
	}
}

func TestPlanLevelsAndCycles(t *testing.T) {
	p, err := MakePlan(context.Background(), Input{Store: sharedRGTenant(t), SourceTenantID: "src", TargetTenantID: "dst",
		TargetSubscriptions: []string{tgt1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		for _, d := range it.DependsOn {
			if p.byKey[d].Level >= it.Level {
				t.Errorf("%s (level %d) depends on %s (level %d)", it.Key, it.Level, d, p.byKey[d].Level)
			}
		}
	}
	// a cycle is an error naming it
	m := p.Model()
	var plain []*model.Resource
	for _, r := range m.Resources {
		if !r.IsResourceGroup() {
			plain = append(plain, r)
		}
	}
	a, b := plain[0], plain[1]
	a.Body = map[string]any{"x": model.Ref{Target: b.Key}}
	b.Body = map[string]any{"y": model.Ref{Target: a.Key}}
	if _, err := MakePlan(context.Background(), Input{Model: m, TargetTenantID: "dst", TargetSubscriptions: []string{tgt1}}); err == nil ||
		!strings.Contains(err.Error(), "dependency cycle") {
		t.Fatalf("cycle: %v", err)
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		pw, err := GeneratePassword(24)
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) != 24 || seen[pw] {
			t.Fatalf("password %d chars, repeated %v", len(pw), seen[pw])
		}
		seen[pw] = true
		var up, lo, dig, sym bool
		for _, c := range pw {
			switch {
			case c >= 'A' && c <= 'Z':
				up = true
			case c >= 'a' && c <= 'z':
				lo = true
			case c >= '0' && c <= '9':
				dig = true
			default:
				sym = true
			}
		}
		if !up || !lo || !dig || !sym {
			t.Fatalf("password lacks a character class")
		}
	}
}

func TestDiff(t *testing.T) {
	want := map[string]any{"location": "East US", "tags": map[string]any{"a": "1"},
		"properties": map[string]any{"n": 4.0, "id": "/subscriptions/X/resourceGroups/RG", "list": []any{map[string]any{"k": "v"}},
			"secret": "s3cr3t", "empty": []any{}}}
	got := map[string]any{"location": "eastus", "tags": map[string]any{"a": "1", "extra": "x"},
		"properties": map[string]any{"n": 4.0, "id": "/subscriptions/x/resourcegroups/rg/", "list": []any{map[string]any{"k": "V", "etag": "e"}},
			"provisioningState": "Succeeded"}}
	if d := diff(want, got, []string{"properties.secret"}); len(d) != 0 {
		t.Fatalf("equal bodies differ: %v", d)
	}
	got["properties"].(map[string]any)["n"] = 5.0
	got["properties"].(map[string]any)["list"] = []any{}
	if d := diff(want, got, []string{"properties.secret"}); strings.Join(d, ",") != "properties.list,properties.n" {
		t.Fatalf("diff = %v", d)
	}
}

func TestPlanTargetLocationAndSuffix(t *testing.T) {
	st := storeWith(t, "src", rgNode(subA, "rg1"),
		resNode(subA, "rg1", "Microsoft.Storage/storageAccounts", "stdata", map[string]any{"minimumTlsVersion": "TLS1_2"}),
		resNode(subA, "rg1", "Microsoft.Network/networkSecurityGroups", "nsg1", map[string]any{}))
	p, err := MakePlan(context.Background(), Input{Store: st, SourceTenantID: "src", TargetTenantID: "dst",
		TargetSubscriptions: []string{tgt1}, TargetLocation: "West Europe", NameSuffix: "x7"})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range p.Items {
		if it.res.Location != "westeurope" {
			t.Errorf("%s location %q", it.Key, it.res.Location)
		}
	}
	mapName := p.MapName()
	if got := mapName("microsoft.storage/storageaccounts", "stdata"); got != "stdatax7" {
		t.Errorf("storage account renamed to %q", got)
	}
	if got := mapName("microsoft.network/networksecuritygroups", "nsg1"); got != "nsg1" {
		t.Errorf("NSG renamed to %q", got)
	}
	if len(p.Rewrites) == 0 {
		t.Error("no rewrites reported")
	}
}
