package sim

import (
	"strings"
	"testing"
)

// TestPlatformResources: private endpoints get their NIC (marked by properties.privateEndpoint,
// with an address of the endpoint's subnet) and AKS clusters their MC_ node resource group
// (managedBy the cluster) with scale set, load balancer, public IP and NSG; the generated
// resources are the same with and without them.
func TestPlatformResources(t *testing.T) {
	plain, err := New(Options{Resources: 1500, Subscriptions: 2, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Resources: 1500, Subscriptions: 2, Seed: 7, PlatformResources: true})
	if err != nil {
		t.Fatal(err)
	}
	base, with := plain.Truth().Tenants[0], s.Truth().Tenants[0]
	have := map[string]bool{}
	for _, id := range with.ResourceIDs {
		have[id] = true
	}
	for _, id := range base.ResourceIDs {
		if !have[id] {
			t.Fatalf("generated resource %s missing with platform resources", id)
		}
	}
	pes, peNICs, clusters, mcGroups := 0, 0, 0, 0
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	for _, r := range s.st.res {
		switch r.ltyp {
		case "microsoft.network/privateendpoints":
			pes++
			nics, _ := mmap(r.body, "properties")["networkInterfaces"].([]any)
			if len(nics) != 1 {
				t.Fatalf("%s lists no NIC", r.id)
			}
		case "microsoft.network/networkinterfaces":
			if pe := mstr(mmap(mmap(r.body, "properties"), "privateEndpoint"), "id"); pe != "" {
				peNICs++
				ipc := mmap(r.body, "properties")["ipConfigurations"].([]any)[0].(map[string]any)
				if mstr(mmap(ipc, "properties"), "privateIPAddress") == "" {
					t.Fatalf("%s has no private IP", r.id)
				}
			}
		case "microsoft.containerservice/managedclusters":
			clusters++
			mc := mstr(mmap(r.body, "properties"), "nodeResourceGroup")
			rg := s.st.subs[r.sub].rgs[strings.ToLower(mc)]
			if rg == nil || rg.managedBy != r.id {
				t.Fatalf("%s: node resource group %s missing or not managed by it", r.id, mc)
			}
			mcGroups++
		}
	}
	if pes == 0 || peNICs != pes || clusters == 0 || mcGroups != clusters {
		t.Fatalf("private endpoints %d, their NICs %d, clusters %d, MC_ groups %d", pes, peNICs, clusters, mcGroups)
	}
	if want := base.Resources + pes + 4*clusters; with.Resources != want {
		t.Fatalf("resources %d, want %d", with.Resources, want)
	}
}
