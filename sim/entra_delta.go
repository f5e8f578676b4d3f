package sim

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// MS Graph delta queries (/users/delta, /groups/delta, /servicePrincipals/delta, …): every
// directory change bumps the tenant's sequence; a $deltatoken is the sequence it was issued
// at, so a round with it returns what changed since — changed objects with their selected
// properties, deleted ones as {"id", "@removed": {"reason": "deleted"}}, and for groups
// selected with members, "members@delta" (added members; removed ones with "@removed").

// tombstone is a deleted directory object.
type tombstone struct {
	id, kind string
	seq      uint64
}

// memberEvent is a group membership change.
type memberEvent struct {
	group, member, kind string
	removed             bool
	seq                 uint64
}

// touch records a change of o (caller holds the write lock).
func (t *tenant) touch(o *dirObject) {
	t.seq++
	o.mod = t.seq
}

// logMember records a membership change of group g and touches it.
func (t *tenant) logMember(g, m *dirObject, removed bool) {
	t.touch(g)
	t.memberLog = append(t.memberLog, memberEvent{group: g.id, member: m.id, kind: m.kind, removed: removed, seq: t.seq})
}

// removeObject deletes a directory object as Entra does: it leaves every group it was a member
// of (each group changes) and every owner and role list (caller holds the write lock).
func (t *tenant) removeObject(id string) bool {
	o := t.objects[id]
	if o == nil {
		return false
	}
	for gid, ms := range t.members {
		for i, m := range ms {
			if m.id == id {
				t.members[gid] = append(ms[:i:i], ms[i+1:]...)
				if g := t.objects[gid]; g != nil && g.kind == "group" {
					t.logMember(g, o, true)
				}
				break
			}
		}
	}
	for oid, ows := range t.owners {
		for i, m := range ows {
			if m.id == id {
				t.owners[oid] = append(ows[:i:i], ows[i+1:]...)
				if x := t.objects[oid]; x != nil {
					t.touch(x)
				}
				break
			}
		}
	}
	for rid, ms := range t.roleMembers {
		for i, m := range ms {
			if m.id == id {
				t.roleMembers[rid] = append(ms[:i:i], ms[i+1:]...)
				break
			}
		}
	}
	delete(t.members, id)
	delete(t.owners, id)
	delete(t.objects, id)
	if i := slices.Index(t.order[o.kind], id); i >= 0 {
		t.order[o.kind] = slices.Delete(slices.Clone(t.order[o.kind]), i, i+1)
	}
	t.seq++
	t.removed = append(t.removed, tombstone{id: id, kind: o.kind, seq: t.seq})
	return true
}

func encodeToken(parts ...uint64) string {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = strconv.FormatUint(p, 10)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(s, ".")))
}

func decodeToken(tok string, n int) ([]uint64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(raw), ".")
	if len(parts) != n {
		return nil, false
	}
	out := make([]uint64, n)
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// graphDelta serves {col}/delta. A round without a token pages every object and ends with an
// @odata.deltaLink; $deltatoken=latest answers only a deltaLink (changes from now on); a round
// with a $deltatoken returns what changed since. Pages carry a $skiptoken (offset and the
// sequence the round reads at, so a round is consistent).
func (s *Simulator) graphDelta(c *call, kind, segment string) {
	q := c.r.URL.Query()
	var since uint64
	initial := true
	latest := false
	if dt := q.Get("$deltatoken"); dt != "" {
		if strings.EqualFold(dt, "latest") {
			latest = true
		} else {
			v, ok := decodeToken(dt, 1)
			if !ok {
				graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "Invalid $deltatoken.")
				return
			}
			since, initial = v[0], false
		}
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	t := c.t
	upto, offset := t.seq, uint64(0)
	if tok := q.Get("$skiptoken"); tok != "" {
		v, ok := decodeToken(tok, 3)
		if !ok || v[1] > t.seq {
			graphErr(c.w, http.StatusBadRequest, "Request_BadRequest", "Invalid $skiptoken.")
			return
		}
		offset, upto, since = v[0], v[1], v[2]
		initial = since == 0
	}
	var sel []string
	withMembers := false
	for _, f := range strings.Split(q.Get("$select"), ",") {
		if f = strings.TrimSpace(f); strings.EqualFold(f, "members") && kind == "group" {
			withMembers = true
		} else if f != "" {
			sel = append(sel, f)
		}
	}
	type item struct {
		o    *dirObject
		tomb *tombstone
	}
	var items []item
	if !latest {
		for _, id := range t.order[kind] {
			if o := t.objects[id]; o != nil && o.mod > since && o.mod <= upto {
				items = append(items, item{o: o})
			}
		}
		if !initial {
			for i := range t.removed {
				if tb := &t.removed[i]; tb.kind == kind && tb.seq > since && tb.seq <= upto {
					items = append(items, item{tomb: tb})
				}
			}
		}
	}
	start := min(int(offset), len(items))
	end := min(start+s.opts.GraphPage, len(items))
	value := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		if it.tomb != nil {
			value = append(value, map[string]any{"@odata.type": graphODataType[kind], "id": it.tomb.id, "@removed": map[string]any{"reason": "deleted"}})
			continue
		}
		m := selectFields(it.o, strings.Join(sel, ","), false)
		if withMembers {
			m["members@delta"] = t.membersDelta(it.o.id, since, upto, initial)
		}
		value = append(value, m)
	}
	out := map[string]any{"@odata.context": c.base + c.graphPrefix + "/$metadata#" + segment, "value": value}
	nq := c.r.URL.Query()
	nq.Del("$skiptoken")
	nq.Del("$deltatoken")
	if end < len(items) {
		nq.Set("$skiptoken", encodeToken(uint64(end), upto, since))
		out["@odata.nextLink"] = c.base + c.r.URL.Path + "?" + nq.Encode()
	} else {
		nq.Set("$deltatoken", encodeToken(upto))
		out["@odata.deltaLink"] = c.base + c.r.URL.Path + "?" + nq.Encode()
	}
	writeJSON(c.w, http.StatusOK, out)
}

// membersDelta is a group's members@delta: every member on the initial round, else the latest
// change of each member since the token.
func (t *tenant) membersDelta(group string, since, upto uint64, initial bool) []any {
	out := []any{}
	if initial {
		for _, m := range t.members[group] {
			out = append(out, map[string]any{"@odata.type": graphODataType[m.kind], "id": m.id})
		}
		return out
	}
	last := map[string]memberEvent{}
	var order []string
	for _, ev := range t.memberLog {
		if ev.group != group || ev.seq <= since || ev.seq > upto {
			continue
		}
		if _, ok := last[ev.member]; !ok {
			order = append(order, ev.member)
		}
		last[ev.member] = ev
	}
	for _, id := range order {
		ev := last[id]
		m := map[string]any{"@odata.type": graphODataType[ev.kind], "id": id}
		if ev.removed {
			m["@removed"] = map[string]any{"reason": "deleted"}
		}
		out = append(out, m)
	}
	return out
}

// DirectoryObjectCount is the number of a tenant's directory objects of kind (user, group,
// servicePrincipal, application, device, directoryRole).
func (s *Simulator) DirectoryObjectCount(tenantID, kind string) int {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	if t := s.st.tenantBy[strings.ToLower(tenantID)]; t != nil {
		return len(t.order[kind])
	}
	return 0
}
