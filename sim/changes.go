package sim

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// ChangeRetention is how long Resource Graph keeps resource changes (resourcechanges and
// resourcecontainerchanges answer the last 14 days).
const ChangeRetention = 14 * 24 * time.Hour

// changeRec is one recorded ARM change, served as a row of resourcechanges (resources) or
// resourcecontainerchanges (resource groups).
type changeRec struct {
	seq       uint64
	at        time.Time
	tenant    string
	sub       string // lower GUID
	rg        string // lower-cased resource group name
	target    string // target id, original casing
	ttype     string // lower-cased target type
	kind      string // Create | Update | Delete
	container bool
	changes   map[string]any // property path -> {previousValue, newValue, changeCategory, propertyChangeType}
}

// changeLog records ARM changes once the simulator is built (generation is the initial state,
// not a change). The caller holds the store's write lock.
type changeLog struct {
	on   bool
	now  func() time.Time
	seq  uint64
	recs []*changeRec
}

func (l *changeLog) add(c *changeRec) {
	if !l.on {
		return
	}
	l.seq++
	c.seq = l.seq
	c.at = l.now().UTC()
	l.recs = append(l.recs, c)
	// retention: drop what is older than 14 days (the log is in time order)
	cut := c.at.Add(-ChangeRetention)
	i := sort.Search(len(l.recs), func(i int) bool { return !l.recs[i].at.Before(cut) })
	if i > 0 {
		l.recs = append(l.recs[:0:0], l.recs[i:]...)
	}
}

// recordResource records a change of an ARM object (role assignments are not Resource Graph
// resources: they have no change rows).
func (s *store) recordResource(kind string, old, cur *resource) {
	r := cur
	if r == nil {
		r = old
	}
	if !s.changes.on || r == nil || r.ltyp == "microsoft.authorization/roleassignments" {
		return
	}
	sub := s.subs[r.sub]
	if sub == nil {
		return
	}
	var diff map[string]any
	if kind == "Update" {
		diff = bodyDiff(old.body, cur.body)
		if len(diff) == 0 {
			return // nothing changed: ARM records no change
		}
	}
	s.changes.add(&changeRec{tenant: sub.tenant, sub: r.sub, rg: strings.ToLower(r.rg), target: r.id, ttype: r.ltyp, kind: kind, changes: diff})
	// a subnet shows the NICs and private endpoints in it (ipConfigurations, privateEndpoints):
	// one joining or leaving changes the subnet too
	var was, is map[string]bool
	if old != nil {
		was = subnetRefs(old.body)
	}
	if cur != nil {
		is = subnetRefs(cur.body)
	}
	var touched []string
	for k := range was {
		if !is[k] {
			touched = append(touched, k)
		}
	}
	for k := range is {
		if !was[k] {
			touched = append(touched, k)
		}
	}
	sort.Strings(touched)
	for _, k := range touched {
		if sn := s.res[k]; sn != nil && sn.key != r.key {
			s.changes.add(&changeRec{tenant: sub.tenant, sub: sn.sub, rg: strings.ToLower(sn.rg), target: sn.id, ttype: sn.ltyp, kind: "Update",
				changes: map[string]any{"properties.ipConfigurations": propChange(nil, r.id)}})
		}
	}
}

// subnetRefs returns the keys of the subnets a body references.
func subnetRefs(body map[string]any) map[string]bool {
	out := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		case string:
			l := strings.ToLower(x)
			i := strings.Index(l, "/providers/microsoft.network/virtualnetworks/")
			j := strings.Index(l, "/subnets/")
			if !strings.HasPrefix(l, "/subscriptions/") || i < 0 || j < i {
				return
			}
			end := len(l)
			if k := strings.IndexByte(l[j+len("/subnets/"):], '/'); k >= 0 {
				end = j + len("/subnets/") + k
			}
			out[l[:end]] = true
		}
	}
	walk(body["properties"])
	return out
}

// recordContainer records a change of a resource group.
func (s *store) recordContainer(kind string, rg *resourceGroup) {
	if !s.changes.on || rg == nil {
		return
	}
	sub := s.subs[rg.sub]
	if sub == nil {
		return
	}
	s.changes.add(&changeRec{tenant: sub.tenant, sub: rg.sub, rg: strings.ToLower(rg.name), target: rg.id,
		ttype: "microsoft.resources/subscriptions/resourcegroups", kind: kind, container: true})
}

// bodyDiff compares two ARM bodies two levels deep ("tags.env", "properties.x") the way the
// changes column reports property changes.
func bodyDiff(a, b map[string]any) map[string]any {
	out := map[string]any{}
	enc := func(v any) string { j, _ := json.Marshal(v); return string(j) }
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	for k := range keys {
		am, aok := a[k].(map[string]any)
		bm, bok := b[k].(map[string]any)
		if aok || bok {
			sub := map[string]bool{}
			for kk := range am {
				sub[kk] = true
			}
			for kk := range bm {
				sub[kk] = true
			}
			for kk := range sub {
				if enc(am[kk]) != enc(bm[kk]) {
					out[k+"."+kk] = propChange(am[kk], bm[kk])
				}
			}
			continue
		}
		if enc(a[k]) != enc(b[k]) {
			out[k] = propChange(a[k], b[k])
		}
	}
	return out
}

func propChange(prev, cur any) map[string]any {
	typ := "Update"
	switch {
	case prev == nil:
		typ = "Insert"
	case cur == nil:
		typ = "Remove"
	}
	str := func(v any) any {
		if v == nil {
			return nil
		}
		if s, ok := v.(string); ok {
			return s
		}
		j, _ := json.Marshal(v)
		return string(j)
	}
	return map[string]any{"previousValue": str(prev), "newValue": str(cur), "changeCategory": "User", "propertyChangeType": typ}
}

// snapshotID is a deterministic snapshot id for the state after change seq (ARM's are GUIDs).
func snapshotID(seq uint64) string {
	if seq == 0 {
		return ""
	}
	return fmt.Sprintf("08584%014d", seq)
}

// changeName is the name of a change resource (Resource Graph uses the snapshot id).
func (c *changeRec) name() string {
	return fmt.Sprintf("08584%014d_%s", c.seq, strings.ToLower(c.kind))
}

// row renders a change as Resource Graph's resourcechanges / resourcecontainerchanges row.
func (c *changeRec) row(prev uint64) map[string]any {
	attrs := map[string]any{
		"timestamp":             c.at.Format("2006-01-02T15:04:05.000Z"),
		"changesCount":          len(c.changes),
		"correlationId":         uuidFrom(hash64(int64(c.seq), "correlation", c.target)),
		"changedByType":         "AppId",
		"changedBy":             "atg-sim",
		"clientType":            "atg-sim",
		"operation":             strings.TrimPrefix(c.ttype, "microsoft.resources/subscriptions/") + "/" + ifs(c.kind == "Delete", "delete", "write"),
		"newResourceSnapshotId": ifs(c.kind == "Delete", "", snapshotID(c.seq)),
	}
	if c.kind != "Create" {
		attrs["previousResourceSnapshotId"] = snapshotID(prev)
	}
	changes := c.changes
	if changes == nil {
		changes = map[string]any{}
	}
	typ := "microsoft.resources/changes"
	if c.container {
		typ = "microsoft.resources/subscriptions/resourcegroups/changes" // resourcecontainerchanges rows
	}
	return map[string]any{
		"id":   c.target + "/providers/Microsoft.Resources/changes/" + c.name(),
		"name": c.name(), "type": typ, "tenantId": c.tenant, "kind": "", "location": "",
		"resourceGroup": c.rg, "subscriptionId": c.sub, "managedBy": "", "sku": nil, "plan": nil, "tags": nil,
		"identity": nil, "zones": nil, "extendedLocation": nil,
		"properties": map[string]any{"targetResourceId": c.target, "targetResourceType": c.ttype, "changeType": c.kind,
			"changeAttributes": attrs, "changes": changes},
	}
}

// changeRows lists the tenant's change rows of one table (containers or resources) within
// retention, each with the previous snapshot of its target.
func (s *store) changeRows(t *tenant, containers bool, now time.Time) []*argRow {
	cut := now.Add(-ChangeRetention)
	last := map[string]uint64{}
	var rows []*argRow
	for _, c := range s.changes.recs {
		key := strings.ToLower(c.target)
		prev := last[key]
		last[key] = c.seq
		if c.tenant != t.id || c.container != containers || c.at.Before(cut) {
			continue
		}
		rows = append(rows, &argRow{proj: c.row(prev)})
	}
	return rows
}
