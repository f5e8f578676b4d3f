package sim

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"

	"github.com/atg-go/atg/internal/repotest"
)

const (
	subA = "11111111-aaaa-4aaa-8aaa-111111111111"
	subB = "22222222-bbbb-4bbb-8bbb-222222222222"
)

func storageEnv(sub, rg, name string) string {
	return `{"id":"/subscriptions/` + sub + `/resourceGroups/` + rg + `/providers/Microsoft.Storage/storageAccounts/` + name +
		`","name":"` + name + `","type":"Microsoft.Storage/storageAccounts","location":"westeurope","kind":"StorageV2","sku":{"name":"Standard_LRS"},"properties":{}}`
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestFromDirKeepsTheTruth: --from keeps subscription ids, resource groups (original casing),
// ids and names; same-named resources in different groups and subscriptions stay distinct and
// an ARM client finds every one under its original id.
func TestFromDirKeepsTheTruth(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.json": `{"value":[` + storageEnv(subA, "RG-Prod", "stshared") + `,` + storageEnv(subA, "rg-dev", "stshared") + `]}`,
		"b.json": storageEnv(subB, "RG-Prod", "stshared"),
	})
	f := startSim(t, Options{FromDir: dir, Seed: 1, Throttle: "off", Subscriptions: 3})
	if got := f.subs; len(got) != 2 || !(contains(got, subA) && contains(got, subB)) {
		t.Fatalf("subscriptions %v, want the two of the payloads", got)
	}
	var ids []string
	for _, sub := range []string{subA, subB} {
		c, err := armresources.NewClient(sub, f.cred, f.opts)
		if err != nil {
			t.Fatal(err)
		}
		pg := c.NewListPager(nil)
		for pg.More() {
			page, err := pg.NextPage(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page.Value {
				ids = append(ids, *r.ID)
			}
		}
		rgc, _ := armresources.NewResourceGroupsClient(sub, f.cred, f.opts)
		rg, err := rgc.Get(context.Background(), "rg-prod", nil)
		if err != nil || *rg.Name != "RG-Prod" {
			t.Fatalf("resource group casing: %v %v", rg.Name, err)
		}
	}
	sort.Strings(ids)
	want := []string{
		"/subscriptions/" + subA + "/resourceGroups/RG-Prod/providers/Microsoft.Storage/storageAccounts/stshared",
		"/subscriptions/" + subA + "/resourceGroups/rg-dev/providers/Microsoft.Storage/storageAccounts/stshared",
		"/subscriptions/" + subB + "/resourceGroups/RG-Prod/providers/Microsoft.Storage/storageAccounts/stshared",
	}
	sort.Strings(want)
	if strings.Join(ids, "\n") != strings.Join(want, "\n") {
		t.Fatalf("ids\n%s\nwant\n%s", strings.Join(ids, "\n"), strings.Join(want, "\n"))
	}
}

// TestFromDirReportsCollisions: the same id twice (or twice after re-homing, or placeholder
// subscriptions without --from-rehome) is an error naming the ids, not a silent overwrite.
func TestFromDirReportsCollisions(t *testing.T) {
	dup := writeFiles(t, map[string]string{"a.json": storageEnv(subA, "rg", "st1"), "b.json": storageEnv(subA, "RG", "ST1")})
	if _, err := New(Options{FromDir: dup}); err == nil || !strings.Contains(err.Error(), "collide") || !strings.Contains(err.Error(), "a.json and b.json") {
		t.Fatalf("duplicate ids: %v", err)
	}
	two := writeFiles(t, map[string]string{"a.json": storageEnv(subA, "rg1", "st1"), "b.json": storageEnv(subA, "rg2", "st1")})
	if _, err := New(Options{FromDir: two}); err != nil {
		t.Fatalf("distinct groups: %v", err)
	}
	if _, err := New(Options{FromDir: two, FromRehome: true}); err == nil || !strings.Contains(err.Error(), "after re-homing") {
		t.Fatalf("re-homing collision: %v", err)
	}
	if _, err := New(Options{FromDir: repotest.ARMExamplesDir()}); err == nil || !strings.Contains(err.Error(), "--from-rehome") {
		t.Fatalf("placeholder ids without --from-rehome: %v", err)
	}
}

// TestFromGraphRejectsWhatIsNotAnExport: a missing file or JSON that is not an atg graph
// export is a clear error (the round trip itself is engine/scan's TestReplayScannedTenant).
func TestFromGraphRejectsWhatIsNotAnExport(t *testing.T) {
	if _, err := New(Options{FromGraph: filepath.Join(t.TempDir(), "nope.json")}); err == nil || !strings.Contains(err.Error(), "--from-graph") {
		t.Fatalf("missing file: %v", err)
	}
	dir := writeFiles(t, map[string]string{"x.json": `{"value":[]}`})
	if _, err := New(Options{FromGraph: filepath.Join(dir, "x.json")}); err == nil || !strings.Contains(err.Error(), "not an atg graph export") {
		t.Fatalf("not an export: %v", err)
	}
	ok := writeFiles(t, map[string]string{"g.json": `{"format":"atg-graph","version":1,"tenant_id":"aaaaaaaa-0000-4000-8000-000000000001","nodes":[
{"label":"Tenant","id":"aaaaaaaa-0000-4000-8000-000000000001","props":{"display_name":"Fabrikam","default_domain":"fabrikam.onmicrosoft.com"}},
{"label":"Subscription","id":"/subscriptions/` + subA + `","props":{"subscription_id":"` + subA + `","name":"prod"}},
{"label":"ResourceGroup","id":"/subscriptions/` + subA + `/resourcegroups/rg-app","props":{"id":"/subscriptions/` + subA + `/resourceGroups/RG-App","name":"RG-App","location":"westeurope"}},
{"label":"Resource","id":"x","props":{"id":"/subscriptions/` + subA + `/resourceGroups/RG-App/providers/Microsoft.Storage/storageAccounts/st1","name":"st1","type":"microsoft.storage/storageaccounts","type_display":"Microsoft.Storage/storageAccounts","location":"westeurope","properties":{"minimumTlsVersion":"TLS1_2"}}},
{"label":"User","id":"bbbbbbbb-0000-4000-8000-000000000001","props":{"display_name":"Ada","user_principal_name":"ada@fabrikam.onmicrosoft.com"}}],"edges":[]}`})
	s, err := New(Options{FromGraph: filepath.Join(ok, "g.json"), Tenants: 2})
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Truth().Tenants[0]
	if tr.TenantID != "aaaaaaaa-0000-4000-8000-000000000001" || tr.Resources != 1 || tr.Identities.Users != 1 || len(s.TenantIDs()) != 2 {
		t.Fatalf("replay: %+v tenants %v", tr, s.TenantIDs())
	}
	if s.st.subs[subA].rgs["rg-app"].name != "RG-App" {
		t.Fatal("resource group casing lost")
	}
}
