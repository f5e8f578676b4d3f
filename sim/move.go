package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// POST /subscriptions/{s}/resourceGroups/{rg}/moveResources (and validateMoveResources) with
// {"resources": [ids], "targetResourceGroup": "/subscriptions/{s2}/resourceGroups/{rg2}"}:
// 202 + Location (the operation result answers 200 when done). Each top-level resource moves
// with its children and extension resources: ids under it are rewritten to the target group
// (in the moved bodies too); references elsewhere keep the old ids, as in Azure, which wants
// dependent resources moved together. The target group must exist in the caller's tenant and
// each resource must be a top-level resource of the source group (400 otherwise).
func (s *Simulator) moveResources(c *call, sub *subscription, rgName string, validateOnly bool) {
	var in struct {
		Resources           []string `json:"resources"`
		TargetResourceGroup string   `json:"targetResourceGroup"`
	}
	if !readJSON(c, &in) {
		return
	}
	tp, ok := parsePath(in.TargetResourceGroup)
	if !ok || tp.rg == "" || tp.ns != "" || len(in.Resources) == 0 {
		armErr(c.w, http.StatusBadRequest, "InvalidResourceMoveRequest", "The move request needs 'resources' and a 'targetResourceGroup' id (/subscriptions/{id}/resourceGroups/{name}).")
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	src := sub.rgs[strings.ToLower(rgName)]
	tsub := s.st.subs[strings.ToLower(tp.sub)]
	if src == nil {
		armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Resource group '%s' could not be found.", rgName))
		return
	}
	if tsub == nil || tsub.tenant != sub.tenant || tsub.rgs[strings.ToLower(tp.rg)] == nil {
		armErr(c.w, http.StatusNotFound, "ResourceGroupNotFound", fmt.Sprintf("Target resource group '%s' could not be found.", in.TargetResourceGroup))
		return
	}
	dst := tsub.rgs[strings.ToLower(tp.rg)]
	if dst == src {
		armErr(c.w, http.StatusBadRequest, "InvalidResourceMoveRequest", "The source and target resource groups are the same.")
		return
	}
	var moving []*resource
	for _, id := range in.Resources {
		r := s.st.res[strings.ToLower(strings.TrimSuffix(id, "/"))]
		if r == nil || r.parent != "" || !strings.EqualFold(r.rg, src.name) || r.sub != sub.id {
			armErr(c.w, http.StatusBadRequest, "InvalidResourceMoveRequest", fmt.Sprintf("The resource '%s' is not a top-level resource of the source resource group '%s'.", id, src.name))
			return
		}
		moving = append(moving, r)
	}
	if !validateOnly {
		for _, r := range moving {
			s.st.move(r, src, dst, tsub)
		}
	}
	op := fmt.Sprintf("RESOURCEMOVEJOB-%d", s.opSeq.Add(1))
	c.w.Header().Set("Location", c.base+"/subscriptions/"+sub.id+"/operationresults/"+op+"?api-version="+c.r.URL.Query().Get("api-version"))
	c.w.Header().Set("Retry-After", "0")
	c.w.WriteHeader(http.StatusAccepted)
}

// move re-keys r and everything under it from src to dst (caller holds the write lock).
func (st *store) move(r *resource, src, dst *resourceGroup, dsub *subscription) {
	oldPrefix := src.id
	newPrefix := dst.id
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(oldPrefix+"/providers/") + `(` + regexp.QuoteMeta(strings.TrimPrefix(r.id, oldPrefix+"/providers/")) + `)`)
	var subtree []*resource
	for k, x := range st.res {
		if k == r.key || strings.HasPrefix(k, r.key+"/") {
			subtree = append(subtree, x)
		}
	}
	st.remove(r.key)
	for _, x := range subtree {
		if st.res[x.key] != nil {
			continue
		}
		b, _ := json.Marshal(x.body)
		var nb map[string]any
		_ = json.Unmarshal([]byte(re.ReplaceAllString(string(b), newPrefix+"/providers/$1")), &nb)
		id := re.ReplaceAllString(x.id, newPrefix+"/providers/$1")
		p, _ := parsePath(id)
		nr := *x
		nr.id, nr.key, nr.body, nr.sub, nr.rg, nr.parent = id, strings.ToLower(id), nb, dsub.id, dst.name, p.parentKey()
		st.put(&nr)
	}
}
