package sim

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// MutateOptions says how much of a tenant Mutate changes.
type MutateOptions struct {
	// Fraction of the tenant's top-level resources (and of its users, groups and service
	// principals) to change; default 0.01. Resources split evenly into creates, updates and
	// deletes.
	Fraction float64
	Seed     int64
}

// MutateResult lists what Mutate changed.
type MutateResult struct {
	// top-level ARM ids (deletes cascade to children)
	Created                []string `json:"created"`
	Updated                []string `json:"updated"`
	Deleted                []string `json:"deleted"`
	ResourceGroupsCreated  []string `json:"resource_groups_created"`
	ResourceGroupsUpdated  []string `json:"resource_groups_updated"`
	ResourceGroupsDeleted  []string `json:"resource_groups_deleted"`
	RoleAssignmentsCreated []string `json:"role_assignments_created"`
	RoleAssignmentsDeleted []string `json:"role_assignments_deleted"`
	// Entra object ids
	UsersCreated             []string `json:"users_created"`
	UsersUpdated             []string `json:"users_updated"`
	UsersDeleted             []string `json:"users_deleted"`
	GroupsUpdated            []string `json:"groups_updated"`      // description changed
	MembershipsChanged       []string `json:"memberships_changed"` // "group/member+" or "group/member-"
	ServicePrincipalsUpdated []string `json:"service_principals_updated"`
	ServicePrincipalsDeleted []string `json:"service_principals_deleted"`
}

// Mutate changes a fraction of a tenant the way its owners would between two scans —
// resources created, updated (a tag) and deleted, a resource group created, retagged and the
// smallest deleted, role assignments created and deleted, users created, renamed and deleted,
// group memberships and descriptions changed, service principals renamed and deleted — and
// records every change in the change feeds (resourcechanges, resourcecontainerchanges, MS
// Graph delta) at the simulator clock's time. It is deterministic for a seed.
func (s *Simulator) Mutate(tenantID string, o MutateOptions) (MutateResult, error) {
	if o.Fraction == 0 {
		o.Fraction = 0.01
	}
	if o.Fraction < 0 || o.Fraction > 1 {
		return MutateResult{}, fmt.Errorf("sim: mutate fraction must be within (0,1], got %v", o.Fraction)
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	st := s.st
	t := st.tenantBy[strings.ToLower(tenantID)]
	if t == nil {
		return MutateResult{}, fmt.Errorf("sim: mutate tenant %s: %w", tenantID, ErrNotFound)
	}
	rng := newRand(o.Seed, 77)
	now := s.clk.now().UTC()
	var res MutateResult
	var top []*resource
	for _, sid := range t.subs {
		sub := st.subs[sid]
		st.ensureSorted(sub)
		for _, k := range sub.keys {
			if r := st.res[k]; r != nil && st.listable(r) {
				top = append(top, r)
			}
		}
	}
	if len(top) == 0 {
		return res, nil
	}
	n := max(3, int(math.Round(o.Fraction*float64(len(top)))))
	pick := func() *resource {
		for range 50 {
			r := top[rng.IntN(len(top))]
			if st.res[r.key] == r {
				return r
			}
		}
		return nil
	}
	used := map[string]bool{}
	// updates: a tag
	for i := 0; i < n/3; i++ {
		r := pick()
		if r == nil || used[r.key] {
			continue
		}
		used[r.key] = true
		nr := *r
		nr.body = maps.Clone(r.body)
		tags, _ := r.body["tags"].(map[string]any)
		tags = maps.Clone(tags)
		if tags == nil {
			tags = map[string]any{}
		}
		tags["atg-change"] = fmt.Sprintf("c%d", st.changes.seq+1)
		nr.body["tags"] = tags
		nr.changed = now
		st.put(&nr)
		res.Updated = append(res.Updated, r.id)
	}
	// creates: copies of childless resources whose body does not name their own id
	for i, tries := 0, 0; i < n/3 && tries < 50*n; tries++ {
		r := pick()
		if r == nil || used[r.key] || len(st.children[r.key]) > 0 {
			continue
		}
		b, _ := json.Marshal(r.body["properties"])
		if strings.Contains(strings.ToLower(string(b)), r.key) {
			continue
		}
		// the id's last segment is the resource's own name; a child's body name is
		// "parent/child" (ARM's full name), so both change in their last segment only
		cut := strings.LastIndexByte(r.id, '/') + 1
		leaf := fmt.Sprintf("%s-m%d", r.id[cut:], i)
		nid := r.id[:cut] + leaf
		name := fmt.Sprint(r.body["name"])
		nname := name[:strings.LastIndexByte(name, '/')+1] + leaf
		if st.res[strings.ToLower(nid)] != nil {
			continue
		}
		used[r.key] = true
		nr := *r
		nr.id, nr.key = nid, strings.ToLower(nid)
		nr.body = maps.Clone(r.body)
		nr.body["id"], nr.body["name"] = nid, nname
		nr.created, nr.changed = now, now
		st.put(&nr)
		res.Created = append(res.Created, nid)
		i++
	}
	// deletes (children and extension resources go with them)
	for i := 0; i < n-2*(n/3); i++ {
		r := pick()
		if r == nil || used[r.key] {
			continue
		}
		used[r.key] = true
		st.remove(r.key)
		res.Deleted = append(res.Deleted, r.id)
	}
	// resource groups: one created, one retagged, the smallest non-empty one deleted
	sub0 := st.subs[t.subs[0]]
	var rgNames []string
	for ln := range sub0.rgs {
		rgNames = append(rgNames, ln)
	}
	sort.Strings(rgNames)
	name := fmt.Sprintf("rg-atg-change-%d", st.changes.seq+1)
	rg := st.addRG(sub0, name, "westeurope", map[string]any{"created-by": "mutate"})
	res.ResourceGroupsCreated = append(res.ResourceGroupsCreated, rg.id)
	if len(rgNames) > 1 {
		u := sub0.rgs[rgNames[rng.IntN(len(rgNames))]]
		u.tags = maps.Clone(u.tags)
		if u.tags == nil {
			u.tags = map[string]any{}
		}
		u.tags["atg-change"] = "rg"
		st.recordContainer("Update", u)
		res.ResourceGroupsUpdated = append(res.ResourceGroupsUpdated, u.id)
		smallest, size := "", 0
		for _, ln := range rgNames {
			prefix := strings.ToLower(rgID(sub0.id, ln)) + "/"
			c := 0
			for _, k := range sub0.keys {
				if strings.HasPrefix(k, prefix) {
					c++
				}
			}
			if c > 0 && (smallest == "" || c < size) && sub0.rgs[ln] != u {
				smallest, size = ln, c
			}
		}
		if smallest != "" {
			res.ResourceGroupsDeleted = append(res.ResourceGroupsDeleted, sub0.rgs[smallest].id)
			st.deleteRG(sub0.id, smallest)
		}
	}
	// role assignments: copies of existing ones for other users, and deletions
	var ras []*resource
	for _, sid := range t.subs {
		for _, k := range st.subs[sid].keys {
			if r := st.res[k]; r != nil && r.ltyp == "microsoft.authorization/roleassignments" {
				ras = append(ras, r)
			}
		}
	}
	users := t.order["user"]
	nra := max(1, n/10)
	for i := 0; i < nra && len(ras) > 0 && len(users) > 0; i++ {
		r := ras[rng.IntN(len(ras))]
		guid := uuidFrom(hash64(o.Seed, "mutate-ra", r.key, fmt.Sprint(i), fmt.Sprint(st.changes.seq)))
		nid := r.id[:strings.LastIndexByte(r.id, '/')+1] + guid
		nr := *r
		nr.id, nr.key = nid, strings.ToLower(nid)
		nr.body = maps.Clone(r.body)
		props := maps.Clone(r.body["properties"].(map[string]any))
		props["principalId"], props["principalType"] = users[rng.IntN(len(users))], "User"
		nr.body["id"], nr.body["name"], nr.body["properties"] = nid, guid, props
		st.put(&nr)
		res.RoleAssignmentsCreated = append(res.RoleAssignmentsCreated, nid)
	}
	for i := 0; i < nra && len(ras) > 0; i++ {
		r := ras[rng.IntN(len(ras))]
		if st.res[r.key] != r {
			continue
		}
		st.remove(r.key)
		res.RoleAssignmentsDeleted = append(res.RoleAssignmentsDeleted, r.id)
	}
	s.mutateDirectory(t, o, rng.IntN, &res)
	return res, nil
}

// mutateDirectory changes users, groups and service principals (caller holds the write lock).
func (s *Simulator) mutateDirectory(t *tenant, o MutateOptions, intn func(int) int, res *MutateResult) {
	count := func(kind string) int { return max(1, int(math.Round(o.Fraction*float64(len(t.order[kind]))))) }
	users := t.order["user"]
	if len(users) > 2 {
		for i := 0; i < count("user"); i++ {
			u := t.objects[users[intn(len(users))]]
			u.body = maps.Clone(u.body)
			u.body["displayName"] = fmt.Sprint(u.body["displayName"]) + " (renamed)"
			t.touch(u)
			res.UsersUpdated = append(res.UsersUpdated, u.id)
		}
		src := t.objects[users[0]]
		id := uuidFrom(hash64(o.Seed, "mutate-user", t.id, fmt.Sprint(t.seq)))
		body := maps.Clone(src.body)
		body["id"], body["displayName"] = id, "Mutated User "+id[:8]
		body["userPrincipalName"] = "mutated." + id[:8] + "@" + t.domain
		body["mail"] = body["userPrincipalName"]
		t.addObject(&dirObject{kind: "user", id: id, body: body})
		res.UsersCreated = append(res.UsersCreated, id)
		victim := users[len(users)-1-intn(len(users)/2)]
		if t.removeObject(victim) {
			res.UsersDeleted = append(res.UsersDeleted, victim)
		}
		users = t.order["user"]
	}
	groups := t.order["group"]
	for i := 0; i < count("group") && len(groups) > 0 && len(users) > 0; i++ {
		g := t.objects[groups[intn(len(groups))]]
		u := t.objects[users[intn(len(users))]]
		ms := t.members[g.id]
		found := -1
		for j, m := range ms {
			if m.id == u.id {
				found = j
			}
		}
		if found >= 0 {
			t.members[g.id] = append(ms[:found:found], ms[found+1:]...)
			t.logMember(g, u, true)
			res.MembershipsChanged = append(res.MembershipsChanged, g.id+"/"+u.id+"-")
		} else {
			t.members[g.id] = append(ms, memberRef{id: u.id, kind: "user"})
			t.logMember(g, u, false)
			res.MembershipsChanged = append(res.MembershipsChanged, g.id+"/"+u.id+"+")
		}
		if len(ms) > 0 { // and one existing member leaves
			m := ms[0]
			if mo := t.objects[m.id]; mo != nil && m.id != u.id {
				t.members[g.id] = slicesDeleteRef(t.members[g.id], m.id)
				t.logMember(g, mo, true)
				res.MembershipsChanged = append(res.MembershipsChanged, g.id+"/"+m.id+"-")
			}
		}
		g.body = maps.Clone(g.body)
		g.body["description"] = fmt.Sprintf("changed %d", t.seq)
		t.touch(g)
		res.GroupsUpdated = append(res.GroupsUpdated, g.id)
	}
	sps := t.order["servicePrincipal"]
	for i := 0; i < count("servicePrincipal") && len(sps) > 2; i++ {
		sp := t.objects[sps[intn(len(sps))]]
		sp.body = maps.Clone(sp.body)
		sp.body["displayName"] = fmt.Sprint(sp.body["displayName"]) + " (renamed)"
		t.touch(sp)
		res.ServicePrincipalsUpdated = append(res.ServicePrincipalsUpdated, sp.id)
	}
	if len(sps) > 2 {
		victim := sps[len(sps)-1]
		if t.removeObject(victim) {
			res.ServicePrincipalsDeleted = append(res.ServicePrincipalsDeleted, victim)
		}
	}
}

func slicesDeleteRef(ms []memberRef, id string) []memberRef {
	out := ms[:0:0]
	for _, m := range ms {
		if m.id != id {
			out = append(out, m)
		}
	}
	return out
}

// serveMutate is POST /_sim/mutate?fraction=0.01&seed=1[&tenant=…]: Mutate over HTTP (benchmarks
// and demos change a running simulator between two scans). It answers what changed.
func (s *Simulator) serveMutate(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "POST /_sim/mutate?fraction=0.01&seed=1"})
		return
	}
	q := r.URL.Query()
	o := MutateOptions{}
	var err error
	if v := q.Get("fraction"); v != "" {
		if o.Fraction, err = strconv.ParseFloat(v, 64); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "fraction must be a number in (0,1]"})
			return
		}
	}
	if v := q.Get("seed"); v != "" {
		if o.Seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "seed must be an integer"})
			return
		}
	}
	tenant := q.Get("tenant")
	if tenant == "" {
		tenant = s.TenantIDs()[0]
	}
	res, err := s.Mutate(tenant, o)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, res)
}
