package translate_test

import (
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
)

func TestUniqueNameRespectsRules(t *testing.T) {
	cases := []struct {
		name, sfx string
		rule      translate.NameRule
		want      string
	}{
		{"My_Storage-Account", "x1", translate.GlobalNames["microsoft.storage/storageaccounts"], "mystorageaccountx1"},
		{"averyveryverylongstorageaccountname", "abc123", translate.GlobalNames["microsoft.storage/storageaccounts"], "averyveryverylongsabc123"},
		{"1vault", "s", translate.GlobalNames["microsoft.keyvault/vaults"], "a1vault-s"},
	}
	for _, c := range cases {
		got := translate.UniqueName(c.name, c.sfx, c.rule)
		if got != c.want {
			t.Errorf("UniqueName(%q, %q) = %q, want %q", c.name, c.sfx, got, c.want)
		}
		if len(got) > c.rule.Max || len(got) < c.rule.Min {
			t.Errorf("%q: length %d outside %d..%d", got, len(got), c.rule.Min, c.rule.Max)
		}
	}
}

func TestApply(t *testing.T) {
	nodes, err := iactest.LoadNodes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	before := len(m.Resources)
	rep, err := translate.Apply(m, translate.Options{TargetTenantID: "99999999-0000-0000-0000-000000000000",
		TargetSubscription: "88888888-0000-0000-0000-000000000000", TargetLocation: "West Europe", NameSuffix: "t1",
		IdentityMap: map[string]string{}})
	if err != nil {
		t.Fatal(err)
	}
	// the role assignment's user has no mapping: skipped and reported
	if len(rep.Skipped) != 1 || !strings.Contains(rep.Skipped[0].Reason, "identity map") || len(m.Resources) != before-1 {
		t.Errorf("skipped = %v, resources %d -> %d", rep.Skipped, before, len(m.Resources))
	}
	for _, r := range m.Resources {
		if r.Location != "" && r.Location != "global" && r.Location != "westeurope" {
			t.Errorf("%s: location %s", r.Key, r.Location)
		}
		if r.LowerType() == "microsoft.storage/storageaccounts" && !strings.HasSuffix(r.Name, "t1") {
			t.Errorf("storage account not renamed: %s", r.Name)
		}
	}
	if v := m.Variable(model.VarNameTenantID); v == nil || *v.Default != "99999999-0000-0000-0000-000000000000" {
		t.Errorf("tenant variable not translated: %+v", v)
	}
	for _, v := range m.Variables {
		if v.Kind == model.VarReference && !strings.HasPrefix(*v.Default, "/subscriptions/88888888-") {
			t.Errorf("%s default keeps the source subscription: %s", v.Name, *v.Default)
		}
	}
	if len(rep.Rewrites) == 0 {
		t.Error("no rewrites reported")
	}
}

func TestExtensionResourcesKeepTheirNames(t *testing.T) {
	m := &model.Model{Resources: []*model.Resource{
		{Key: "sa", ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1", Type: "Microsoft.Storage/storageAccounts", Name: "sa1", Level: model.LevelResourceGroup},
		{Key: "ra", ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1/providers/Microsoft.Authorization/roleAssignments/g1",
			Type: "Microsoft.Authorization/roleAssignments", Name: "g1", Level: model.LevelResourceGroup, Body: map[string]any{"principalId": model.Ref{Target: "x", Property: "principalId"}}},
		{Key: "c", ID: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1/blobServices/default/containers/c1",
			Type: "Microsoft.Storage/storageAccounts/blobServices/containers", Name: "sa1/default/c1", Level: model.LevelResourceGroup},
	}}
	if _, err := translate.Apply(m, translate.Options{NameSuffix: "x"}); err != nil {
		t.Fatal(err)
	}
	if m.Resources[1].Name != "g1" || m.Resources[0].Name != "sa1x" || m.Resources[2].Name != "sa1x/default/c1" {
		t.Errorf("names = %s %s %s", m.Resources[0].Name, m.Resources[1].Name, m.Resources[2].Name)
	}
}
