package executors

import (
	"testing"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/engine/graph"
)

// The hosting layers name tenants with api.CheckTenantID (backup names, admin paths), the
// stores with graph.CheckTenant: they must agree, or a backup would restore into another name.
func TestTenantIDRulesAgree(t *testing.T) {
	for _, id := range []string{"", " ", "11111111-2222-3333-4444-555555555555", " AbC-1 ", "a|b", "a\x00b",
		"ÄÖ", "x/y", "%2F", "contoso.onmicrosoft.com", "\t\n", "UPPER"} {
		g, gerr := graph.CheckTenant(id)
		a, aerr := api.CheckTenantID(id)
		if g != a || (gerr == nil) != (aerr == nil) {
			t.Errorf("%q: graph %q %v, api %q %v", id, g, gerr, a, aerr)
		}
		if graph.NormalizeTenantID(id) != api.NormalizeTenantID(id) {
			t.Errorf("%q: normalized differently", id)
		}
	}
}
