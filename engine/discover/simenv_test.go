package discover

import (
	"sort"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// simDiscoverer serves a simulated tenant for the test and returns the simulator, the tenant and
// a discoverer of it (concurrency n).
func simDiscoverer(t *testing.T, opts sim.Options, n int) (*sim.Simulator, string, *Discoverer) {
	t.Helper()
	s, srv := simtest.Start(t, opts)
	tenant := srv.TenantIDs[0]
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint}, TenantID: tenant})
	if err != nil {
		t.Fatal(err)
	}
	return s, tenant, New(c, nil, n)
}

// diffKeys returns the keys of want that got lacks and the keys of got that want lacks, sorted.
func diffKeys(want, got map[string]bool) (missing, extra []string) {
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	return missing, extra
}

// head is the first five of s, for a failure message.
func head(s []string) string {
	if len(s) > 5 {
		s = s[:5]
	}
	return strings.Join(s, "; ")
}
