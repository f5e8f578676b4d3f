package replicate

import (
	"context"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac/model"
)

// One point-to-site gateway (its VPN server configuration lists it back) and a pair of
// resources that name each other never refuse the tenant: the plan deploys everything and
// reports the reference it left out.
func TestPlanBreaksDependencyCycles(t *testing.T) {
	const rg = "/subscriptions/" + subA + "/resourceGroups/rg1/providers/"
	st := storeWith(t, "src", rgNode(subA, "rg1"),
		resNode(subA, "rg1", "Microsoft.Network/vpnServerConfigurations", "vpnserverconfiguration1", map[string]any{
			"p2SVpnGateways": []any{map[string]any{"id": rg + "Microsoft.Network/p2svpnGateways/p2svpngateway1"}}}),
		resNode(subA, "rg1", "Microsoft.Network/p2svpnGateways", "p2svpngateway1", map[string]any{
			"vpnServerConfiguration": map[string]any{"id": rg + "Microsoft.Network/vpnServerConfigurations/vpnserverconfiguration1"}}),
		resNode(subA, "rg1", "Contoso.Test/widgets", "w1", map[string]any{"peer": map[string]any{"id": rg + "Contoso.Test/gadgets/g1"}}),
		resNode(subA, "rg1", "Contoso.Test/gadgets", "g1", map[string]any{"peer": map[string]any{"id": rg + "Contoso.Test/widgets/w1"}}),
	)
	p, err := MakePlan(context.Background(), Input{Store: st, SourceTenantID: "src", TargetTenantID: "dst", TargetSubscriptions: []string{tgt1}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 5 {
		t.Errorf("items %d, want 5 (group + 4 resources)", len(p.Items))
	}
	if len(p.BrokenReferences) != 1 || !strings.Contains(p.BrokenReferences[0].Reason, "dependency cycle") {
		t.Errorf("broken references %+v", p.BrokenReferences)
	}

	// a model given directly (a spec) with a cycle the builder never saw
	m := p.Model()
	idx := m.Index()
	g1, w1 := idx["g1"], idx["w1"]
	for _, r := range []*model.Resource{g1, w1} {
		if r == nil {
			t.Fatalf("keys %v", m.Index())
		}
	}
	g1.Body["peer"] = map[string]any{"id": model.Ref{Target: "w1"}}
	w1.Body["peer"] = map[string]any{"id": model.Ref{Target: "g1"}}
	g1.References = append(g1.References, model.Reference{Path: "properties.peer.id", TargetKey: "w1"})
	g1.DependsOn, w1.DependsOn = []string{"w1"}, []string{"g1"}
	p2, err := MakePlan(context.Background(), Input{Model: m, TargetTenantID: "dst", TargetSubscriptions: []string{tgt1}})
	if err != nil {
		t.Fatalf("a cycle refused the tenant: %v", err)
	}
	if len(p2.BrokenReferences) < 2 {
		t.Errorf("broken references %+v", p2.BrokenReferences)
	}
}
