package sim

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Large directories (Options.Users, Groups, ServicePrincipals): a tenant whose Entra directory
// is sized independently of its resources, for scale tests of 50k users, 10k groups and 20k
// service principals. Memberships are realistic rather than uniform: group sizes follow a
// skewed mix from 1 to maxGroupMembers (groupSize), one group in eight nests one to three
// later groups (so nesting never cycles), and one application service principal in four is a
// member of a group. Everything derives from the seed.

// maxGroupMembers is the largest group the scaled generator makes.
const maxGroupMembers = 500

// microsoftTenant owns Microsoft's first-party applications (their service principals carry it
// as appOwnerOrganizationId).
const microsoftTenant = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"

// entraScale is the requested directory size; zero fields keep the default (derived from the
// resource count).
type entraScale struct{ users, groups, sps int }

func (e entraScale) set() bool { return e.users > 0 || e.groups > 0 || e.sps > 0 }

// groupSize draws a member count in [1, maxGroupMembers] from a mix that looks like a real
// directory: 70% small groups (1–20 members: teams, app roles), 25% medium (21–150:
// departments), 5% large (151–500: sites, all-staff lists). The mean is about 45 members, so
// 10k groups hold about 450k memberships (a user is in about 9 groups).
func groupSize(rng *rand.Rand) int {
	switch u := rng.Float64(); {
	case u < 0.70:
		return 1 + rng.IntN(20)
	case u < 0.95:
		return 21 + rng.IntN(130)
	default:
		return 151 + rng.IntN(maxGroupMembers-150)
	}
}

// scaledIdentities generates the directory of entraScale sc (defaults from n resources for the
// fields left zero). Member lists are built without duplicate checks: a group's users are a
// run of consecutive users from a random start, so they are distinct by construction.
func (g *gen) scaledIdentities(n int, sc entraScale) {
	nu := cmp0(sc.users, max(12, n/25))
	ng := cmp0(sc.groups, max(4, nu/8))
	nsp := cmp0(sc.sps, max(2, nu/20))
	na := min(nsp, max(2, nu/20)) // app registrations of this tenant; the other SPs are enterprise apps
	created := g.now.Format("2006-01-02T15:04:05Z07:00")
	titles := []string{"Engineer", "Architect", "Operator", "Analyst", "Manager"}
	for i := 0; i < nu; i++ {
		fn, ln := pick(g, firstNames), pick(g, lastNames)
		nick := strings.ToLower(fmt.Sprintf("%s.%s%d", fn, strings.ReplaceAll(ln, "-", ""), i))
		id := g.uuid()
		upn := nick + "@" + g.t.domain
		g.t.addObject(&dirObject{kind: "user", id: id, body: map[string]any{
			"id": id, "displayName": fn + " " + ln, "givenName": fn, "surname": ln, "userPrincipalName": upn,
			"mail": upn, "mailNickname": nick, "accountEnabled": i%17 != 16, "userType": ifs(i%11 == 10, "Guest", "Member"),
			"jobTitle": titles[i%len(titles)], "businessPhones": []any{}, "preferredLanguage": "en-US",
			"officeLocation": nil, "mobilePhone": nil,
		}})
		g.users = append(g.users, id)
	}
	for i := 0; i < ng; i++ {
		name := fmt.Sprintf("sg-%s-%s-%d", apps[i%len(apps)], []string{"admins", "devs", "readers", "ops"}[(i/len(apps))%4], i)
		id := g.uuid()
		g.t.addObject(&dirObject{kind: "group", id: id, body: map[string]any{
			"id": id, "displayName": name, "mailNickname": name, "description": "Synthetic group " + name,
			"securityEnabled": true, "mailEnabled": false, "groupTypes": []any{}, "mail": nil, "visibility": nil,
			"createdDateTime": created,
		}})
		g.groups = append(g.groups, id)
	}
	for i := 0; i < nsp; i++ {
		name := fmt.Sprintf("app-%s-%d", apps[i%len(apps)], i)
		appID, spID := g.uuid(), g.uuid()
		if i < na {
			objID := g.uuid()
			g.t.addObject(&dirObject{kind: "application", id: objID, body: map[string]any{
				"id": objID, "appId": appID, "displayName": name, "signInAudience": "AzureADMyOrg",
				"publisherDomain": g.t.domain, "createdDateTime": created, "identifierUris": []any{"api://" + appID},
			}})
			g.addSP(spID, appID, name, "Application")
			continue
		}
		// an enterprise application: a service principal of another organisation's app
		g.addSP(spID, appID, "ent-"+name, "Application")
		g.t.objects[spID].body["appOwnerOrganizationId"] = microsoftTenant
	}
	for i, grp := range g.groups {
		size := min(groupSize(g.rng), nu)
		start := g.rng.IntN(nu)
		list := make([]memberRef, 0, size)
		for k := 0; k < size; k++ {
			list = append(list, memberRef{id: g.users[(start+k)%nu], kind: "user"})
		}
		if i%8 == 0 && i+1 < ng {
			for k, nest := 0, 1+g.rng.IntN(3); k < nest; k++ {
				child := i + 1 + g.rng.IntN(min(ng-i-1, 64))
				if !hasMember(list, g.groups[child]) {
					list = append(list, memberRef{id: g.groups[child], kind: "group"})
				}
			}
		}
		g.t.members[grp] = list
	}
	for i := 0; i < len(g.sps); i += 4 {
		grp := g.groups[(i/4)%ng]
		g.t.members[grp] = append(g.t.members[grp], memberRef{id: g.sps[i], kind: "servicePrincipal"})
	}
}

func hasMember(list []memberRef, id string) bool {
	for _, m := range list {
		if m.id == id {
			return true
		}
	}
	return false
}

// cmp0 is v, or def when v is zero.
func cmp0(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
