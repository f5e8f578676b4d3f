package armid

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/internal/repotest"
)

// The two entry points — Parse (original casing, for discovery, scan filters and IaC) and
// ParseKey (lower-cased, level-based, for graph keys) — must agree on every id: whether it is one,
// and its subscription, resource group and type. Otherwise a resource-group filter and the
// stored resource_group could disagree about the same resource.
func FuzzParsersAgree(f *testing.F) {
	for _, s := range []string{
		"/subscriptions/s1",
		"/subscriptions/s1/resourceGroups/rg",
		"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
		"/subscriptions/s1/resourcegroups/rg/providers/providers/Microsoft.Web/sites/app",
		"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Web/sites/app/",
		"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm/providers/Microsoft.Authorization/roleAssignments/ra",
		"/providers/Microsoft.Management/managementGroups/mg1",
		"/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/rd",
		"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/dnszones/z/A/www",
		"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts",
		"/subscriptions//resourceGroups/rg",
		"/subscriptions/s1/resourceGroups/rg/provders/Microsoft.Web/sites/app",
		" /subscriptions/S1/resourceGroups/RG ",
	} {
		f.Add(s)
	}
	for _, file := range []string{"Microsoft.Network__virtualNetworks.json", "Microsoft.Web__sites.json"} {
		b, err := os.ReadFile(filepath.Join(repotest.ARMExamplesDir(), file))
		if err != nil {
			f.Fatalf("read %s: %v", file, err)
		}
		var env struct{ ID string }
		if err := json.Unmarshal(b, &env); err != nil || env.ID == "" {
			f.Fatalf("decode %s: %v (id %q)", file, err, env.ID)
		}
		f.Add(env.ID)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, okA := Parse(s)
		r, okR := ParseKey(s)
		if okA != okR {
			t.Fatalf("%q: Parse says %v, ParseKey says %v", s, okA, okR)
		}
		if !okA {
			return
		}
		if got, want := strings.ToLower(a.Subscription), r.Subscription(); got != want {
			t.Fatalf("%q: subscription %q vs %q", s, got, want)
		}
		if got, want := strings.ToLower(a.ResourceGroup), r.ResourceGroup(); got != want {
			t.Fatalf("%q: resource group %q vs %q", s, got, want)
		}
		if r.Type() != "" { // provider ids: the same full type
			if got, want := strings.ToLower(a.Type()), r.Type(); got != want {
				t.Fatalf("%q: type %q vs %q", s, got, want)
			}
		}
	})
}
