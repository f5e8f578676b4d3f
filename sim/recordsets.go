package sim

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/atg-go/atg/engine/discover/childtree"
)

// serveRecordSets answers the record-set lists of DNS zones, which name no single type:
// GET …/dnszones/{z}/recordsets and …/privateDnsZones/{z}/ALL list the zone's record sets of
// every type (A, AAAA, CNAME, MX, NS, PTR, SOA, SRV, TXT, CAA), as ARM does. It reports whether
// it answered.
func (s *Simulator) serveRecordSets(c *call, p armPath, method, apiVersion string) bool {
	if !p.collection || method != http.MethodGet || !strings.EqualFold(p.ns, "Microsoft.Network") || len(p.types) != 2 || p.rg == "" {
		return false
	}
	zone, list := strings.ToLower(p.types[0]), strings.ToLower(p.types[1])
	if !(zone == "dnszones" && list == "recordsets") && !(zone == "privatednszones" && (list == "all" || list == "recordsets")) {
		return false
	}
	parentType := "microsoft.network/" + zone
	s.st.mu.RLock()
	info := s.st.types[parentType]
	s.st.mu.RUnlock()
	if info == nil || !s.checkVersion(c, apiVersion, info.APIVersions, info.Type) {
		return info != nil
	}
	parent := p.parentKey()
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	if s.st.res[parent] == nil {
		armErr(c.w, http.StatusNotFound, "ParentResourceNotFound", fmt.Sprintf("Can not perform requested operation on nested resource. Parent resource '%s' not found.", parent))
		return true
	}
	var keys []string
	for _, r := range s.st.childrenOf(parent, "") {
		if r.ltyp != parentType+"/virtualnetworklinks" && strings.Count(r.ltyp, "/") == 2 {
			keys = append(keys, r.key)
		}
	}
	s.writePage(c, keys, func(k string) any { return s.st.render(s.st.res[k]) }, c.pageSize(s.opts.PageSize))
	return true
}

// inlineProps maps a parent type (lower-cased) to its children ARM returns inline in the
// parent's properties (child type -> property), from the child-collection tree.
var inlineProps = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, c := range childtree.All() {
		if !c.Inline {
			continue
		}
		if out[c.Parent] == nil {
			out[c.Parent] = map[string]string{}
		}
		out[c.Parent][strings.ToLower(c.Type)] = c.Path
	}
	return out
}()

// mergeInline adds to a rendered body the stored children ARM returns inline in the parent
// (NSG rules, load balancer frontends, private endpoint connections…) that the stored body does
// not already list (by id), as ARM embeds them. Bodies without such children are unchanged.
func (st *store) mergeInline(r *resource, m map[string]any) {
	emb := inlineProps[r.ltyp]
	if emb == nil || embedded[r.ltyp] != nil {
		return
	}
	var props map[string]any
	for _, k := range st.children[r.key] {
		kid := st.res[k]
		if kid == nil {
			continue
		}
		prop, ok := emb[kid.ltyp]
		if !ok {
			continue
		}
		if props == nil {
			props = map[string]any{}
			if p, ok := m["properties"].(map[string]any); ok {
				for k, v := range p {
					props[k] = v
				}
			}
		}
		key := prop
		for k := range props {
			if strings.EqualFold(k, prop) {
				key = k
			}
		}
		arr, _ := props[key].([]any)
		have := false
		for _, it := range arr {
			if o, ok := it.(map[string]any); ok {
				if id, _ := o["id"].(string); strings.EqualFold(id, kid.id) {
					have = true
				}
			}
		}
		if !have {
			props[key] = append(append([]any(nil), arr...), st.render(kid))
		}
	}
	if props != nil {
		m["properties"] = props
	}
}
