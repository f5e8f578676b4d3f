package sim

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
)

// TestScaledDirectory: --users/--groups/--service-principals size the directory as asked,
// independently of the resources; memberships are realistic (groups of 1–500 members, some
// large, some nested without cycles, some SP members); the same seed gives the same directory;
// MS Graph serves all of it (users paged, a large group's members paged).
func TestScaledDirectory(t *testing.T) {
	o := Options{Resources: 300, Subscriptions: 2, Seed: 11, Throttle: "off", Users: 3000, Groups: 600, ServicePrincipals: 700}
	f := startSim(t, o)
	s := f.sim
	tr := s.Truth().Tenants[0]
	if tr.Resources != 300 || tr.Identities.Users != 3000 || tr.Identities.Groups != 600 {
		t.Fatalf("truth: resources %d identities %+v", tr.Resources, tr.Identities)
	}
	s.st.mu.RLock()
	tn := s.st.tenants[0]
	apps := 0
	for _, sp := range tn.order["servicePrincipal"] {
		if tn.objects[sp].body["servicePrincipalType"] == "Application" {
			apps++
		}
	}
	if apps != 700 || tr.Identities.ServicePrincipals <= 700 || tr.Identities.Applications != 3000/20 {
		t.Errorf("application SPs %d (want 700), all SPs %d, applications %d", apps, tr.Identities.ServicePrincipals, tr.Identities.Applications)
	}
	index := map[string]int{}
	for i, g := range tn.order["group"] {
		index[g] = i
	}
	var big, nested, spMembers, userMembers int
	largest, largestSize := "", 0
	for i, g := range tn.order["group"] {
		users, seen := 0, map[string]bool{}
		for _, m := range tn.members[g] {
			if seen[m.id] {
				t.Fatalf("group %d lists %s twice", i, m.id)
			}
			seen[m.id] = true
			switch m.kind {
			case "user":
				users++
			case "group":
				nested++
				if index[m.id] <= i {
					t.Fatalf("group %d nests group %d: nesting must go forward (no cycles)", i, index[m.id])
				}
			case "servicePrincipal":
				spMembers++
			}
		}
		if users < 1 || users > maxGroupMembers {
			t.Fatalf("group %d has %d users, want 1..%d", i, users, maxGroupMembers)
		}
		userMembers += users
		if users > 100 {
			big++
		}
		if users > largestSize {
			largest, largestSize = g, users
		}
	}
	s.st.mu.RUnlock()
	if mean := float64(userMembers) / 600; mean < 25 || mean > 70 {
		t.Errorf("mean group size %.1f, want about 45", mean)
	}
	if big == 0 || nested == 0 || spMembers == 0 {
		t.Errorf("memberships not realistic: %d groups over 100 members, %d nested, %d SP members", big, nested, spMembers)
	}

	// deterministic by seed
	again, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(s.Truth())
	b, _ := json.Marshal(again.Truth())
	if string(a) != string(b) {
		t.Error("same seed, different directory")
	}

	// served: all users over pages, the largest group's members over pages of 100
	tok := mint(t, azure.Claims{TenantID: tr.TenantID, PrincipalID: "app", Audience: "https://graph.microsoft.com", Expires: time.Now().Add(time.Hour).Unix()})
	count := func(path string) (n, pages int) {
		for path != "" {
			resp, body := rawGet(t, f, path, tok)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
			}
			var page struct {
				Value []json.RawMessage `json:"value"`
				Next  string            `json:"@odata.nextLink"`
			}
			if err := json.Unmarshal([]byte(body), &page); err != nil {
				t.Fatal(err)
			}
			n, pages = n+len(page.Value), pages+1
			path = strings.TrimPrefix(page.Next, f.srv.ARMEndpoint)
		}
		return n, pages
	}
	if n, pages := count("/v1.0/users?$select=id&$top=999"); n != 3000 || pages != 4 {
		t.Errorf("users: %d in %d pages", n, pages)
	}
	// grants page by id (they were served in generation order, and paging by binary search
	// looped over a directory larger than one page)
	if n, pages := count("/v1.0/oauth2PermissionGrants?$top=100"); n != 699 || pages != 7 {
		t.Errorf("oauth2PermissionGrants: %d in %d pages, want 699 in 7", n, pages)
	}
	if n, pages := count("/v1.0/groups/" + url.PathEscape(largest) + "/members?$select=id&$top=100"); n < largestSize || pages < 2 {
		t.Errorf("largest group: %d members in %d pages, want >= %d", n, pages, largestSize)
	}
}

// TestScaledDirectoryBadSizes: negative sizes are refused.
func TestScaledDirectoryBadSizes(t *testing.T) {
	if _, err := New(Options{Resources: 10, Users: -1}); err == nil {
		t.Fatal("negative users accepted")
	}
}
