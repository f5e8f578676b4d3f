package sim

import "testing"

// TestTruthTenant: Truth.Tenant picks a tenant's truth by id; an unknown id is the zero value.
func TestTruthTenant(t *testing.T) {
	s, err := New(Options{Resources: 20, Tenants: 2, Seed: 3, Throttle: "off"})
	if err != nil {
		t.Fatal(err)
	}
	tr := s.Truth()
	if len(tr.Tenants) != 2 {
		t.Fatalf("tenants: %d", len(tr.Tenants))
	}
	for _, want := range tr.Tenants {
		if got := tr.Tenant(want.TenantID); got.TenantID != want.TenantID || got.Resources != want.Resources {
			t.Errorf("Tenant(%s) = %s with %d resources, want %d", want.TenantID, got.TenantID, got.Resources, want.Resources)
		}
	}
	if got := tr.Tenant("no-such-tenant"); got.TenantID != "" || got.Resources != 0 {
		t.Errorf("Tenant(no-such-tenant) = %+v", got)
	}
}
