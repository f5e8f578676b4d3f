package sim

import (
	"sort"
	"strings"
	"sync"
	"time"
)

// resource is one ARM object held by the simulator (a resource, a child, an extension
// resource such as a diagnostic setting, or a role assignment).
type resource struct {
	id     string // original casing
	key    string // lower-cased id
	typ    string // type, original casing
	ltyp   string // lower-cased type
	sub    string // lower-case subscription GUID
	rg     string // resource group name (original casing), "" for subscription scope
	parent string // key of the parent resource or scope resource; "" for top-level
	body   map[string]any
	// secrets are the write-only properties ARM accepted but never returns (path relative to
	// "properties" -> value); see writeOnly.
	secrets map[string]any
	// created/changed are kept for $expand=createdTime,changedTime.
	created, changed time.Time
}

type resourceGroup struct {
	id, key, name, location string
	sub                     string
	tags                    map[string]any
	managedBy               string
}

type subscription struct {
	id, name, tenant string
	rgs              map[string]*resourceGroup // lower name -> rg
	// sorted index of resource keys in this subscription (top-level and children alike)
	keys  []string
	dirty bool
	state string
	tags  map[string]any
}

// dirObject is an Entra (MS Graph) object.
type dirObject struct {
	kind string // user | group | servicePrincipal | application | device | directoryRole
	id   string
	body map[string]any
	seq  uint64 // creation order in the tenant
	mod  uint64 // tenant sequence of the latest change (MS Graph delta tokens)
}

type memberRef struct {
	id, kind string
}

type tenant struct {
	id, name, domain string
	subs             []string // subscription GUIDs (lower), in creation order
	objects          map[string]*dirObject
	order            map[string][]string // kind -> ids in creation order
	members          map[string][]memberRef
	owners           map[string][]memberRef // object id -> owners (groups, applications, SPs, devices)
	roleMembers      map[string][]memberRef // directory role id -> members
	seq              uint64
	posture          *PostureTruth // planted posture ground truth (Options.PlantPosture)
	// removed and memberLog feed MS Graph delta queries (entra_delta.go).
	removed   []tombstone
	memberLog []memberEvent
}

func newTenant(id, name, domain string) *tenant {
	return &tenant{id: id, name: name, domain: domain, objects: map[string]*dirObject{},
		order: map[string][]string{}, members: map[string][]memberRef{}, owners: map[string][]memberRef{}, roleMembers: map[string][]memberRef{}}
}

func (t *tenant) addObject(o *dirObject) {
	t.seq++
	o.seq = t.seq
	o.mod = t.seq
	t.objects[o.id] = o
	t.order[o.kind] = append(t.order[o.kind], o.id)
}

// store is the simulated cloud. All access goes through mu.
type store struct {
	mu       sync.RWMutex
	tenants  []*tenant
	tenantBy map[string]*tenant
	grants   map[string]*directoryGrants // tenant id -> eligible role assignments and OAuth2 grants (entra_grants.go)
	// governance: Options.Governance (governance.go)
	governance bool
	subs       map[string]*subscription // lower GUID
	res        map[string]*resource     // lower id -> resource (incl. role assignments)
	children   map[string][]string      // parent key -> child keys
	types      map[string]*typeInfo
	ops        map[string]*asyncOp
	// global indexes the top-level resources whose names are global DNS names
	// (globalNames): "type|lower name" -> resource key.
	global map[string]string
	// deployments holds template deployments by lower-cased id.
	deployments map[string]*deploymentRec
	// changes records ARM changes for resourcechanges / resourcecontainerchanges (changes.go).
	changes changeLog
}

type asyncOp struct {
	id        string
	resKey    string
	polls     int
	status    string
	startTime time.Time
}

func newStore() *store {
	return &store{tenantBy: map[string]*tenant{}, subs: map[string]*subscription{},
		res: map[string]*resource{}, children: map[string][]string{}, types: builtinTypes(), ops: map[string]*asyncOp{},
		global: map[string]string{}, deployments: map[string]*deploymentRec{}}
}

func (s *store) addTenant(t *tenant) {
	s.tenants = append(s.tenants, t)
	s.tenantBy[t.id] = t
}

func (s *store) addSubscription(t *tenant, id, name string) *subscription {
	sub := &subscription{id: strings.ToLower(id), name: name, tenant: t.id, rgs: map[string]*resourceGroup{}, state: "Enabled"}
	s.subs[sub.id] = sub
	t.subs = append(t.subs, sub.id)
	return sub
}

func rgID(sub, name string) string { return "/subscriptions/" + sub + "/resourceGroups/" + name }

func (s *store) addRG(sub *subscription, name, location string, tags map[string]any) *resourceGroup {
	id := rgID(sub.id, name)
	rg := &resourceGroup{id: id, key: strings.ToLower(id), name: name, location: location, sub: sub.id, tags: tags}
	sub.rgs[strings.ToLower(name)] = rg
	s.recordContainer("Create", rg)
	return rg
}

// put inserts or replaces a resource (the caller holds mu).
func (s *store) put(r *resource) {
	if old, ok := s.res[r.key]; ok {
		r.created = old.created
		s.res[r.key] = r
		s.recordResource("Update", old, r)
		return
	}
	s.res[r.key] = r
	s.recordResource("Create", nil, r)
	if _, ok := globalNames[r.ltyp]; ok && r.parent == "" {
		if n, _ := r.body["name"].(string); n != "" {
			if _, taken := s.global[globalKey(r.ltyp, n)]; !taken {
				s.global[globalKey(r.ltyp, n)] = r.key
			}
		}
	}
	if r.parent != "" {
		s.children[r.parent] = append(s.children[r.parent], r.key)
	}
	if sub := s.subs[r.sub]; sub != nil {
		sub.keys = append(sub.keys, r.key)
		sub.dirty = true
	}
}

// remove deletes a resource and, recursively, its children and extension resources.
// It returns the number of objects removed.
func (s *store) remove(key string) int {
	r, ok := s.res[key]
	if !ok {
		return 0
	}
	n := 1
	for _, c := range s.children[key] {
		n += s.remove(c)
	}
	delete(s.children, key)
	delete(s.res, key)
	s.recordResource("Delete", r, nil)
	if n, _ := r.body["name"].(string); n != "" && s.global[globalKey(r.ltyp, n)] == key {
		delete(s.global, globalKey(r.ltyp, n))
	}
	if r.parent != "" {
		kids := s.children[r.parent]
		for i, k := range kids {
			if k == key {
				s.children[r.parent] = append(kids[:i:i], kids[i+1:]...)
				break
			}
		}
	}
	if sub := s.subs[r.sub]; sub != nil {
		sub.dirty = true
		sub.keys = deleteKey(sub.keys, key)
	}
	return n
}

func deleteKey(keys []string, key string) []string {
	for i, k := range keys {
		if k == key {
			return append(keys[:i:i], keys[i+1:]...)
		}
	}
	return keys
}

// sortedKeys returns the subscription's resource keys in id order. The caller holds mu
// for writing or must call it under the write lock via ensureSorted.
func (s *store) ensureSorted(sub *subscription) {
	if sub.dirty {
		sort.Strings(sub.keys)
		sub.dirty = false
	}
}

// armPath is a parsed ARM path.
type armPath struct {
	sub   string // as given
	rg    string // as given, "" when absent
	scope string // for paths with /providers/: the part before the last /providers/ segment
	ns    string // provider namespace after the last /providers/
	types []string
	names []string
	// collection is true when the path ends at a type segment (a list call).
	collection bool
	raw        string
}

// fullType returns ns/type1/type2.
func (p armPath) fullType() string {
	if p.ns == "" {
		return ""
	}
	return p.ns + "/" + strings.Join(p.types, "/")
}

// parsePath parses /subscriptions/{s}[/resourceGroups/{rg}][/providers/{ns}/{t}/{n}[/{t}/{n}]...].
// Nested /providers/ segments (extension resources) are handled: the last one wins.
func parsePath(path string) (armPath, bool) {
	path = strings.TrimSuffix(path, "/")
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	p := armPath{raw: path}
	if len(segs) < 2 || !strings.EqualFold(segs[0], "subscriptions") {
		return p, false
	}
	p.sub = segs[1]
	i := 2
	if len(segs) > 3 && strings.EqualFold(segs[2], "resourceGroups") {
		p.rg = segs[3]
		i = 4
	} else if len(segs) == 3 && strings.EqualFold(segs[2], "resourceGroups") {
		p.collection = true
		return p, true
	}
	last := -1
	for j := i; j < len(segs); j++ {
		if strings.EqualFold(segs[j], "providers") {
			last = j
		}
	}
	if last < 0 {
		return p, true
	}
	p.scope = "/" + strings.Join(segs[:last], "/")
	rest := segs[last+1:]
	if len(rest) == 0 {
		p.collection = true
		return p, true
	}
	p.ns = rest[0]
	rest = rest[1:]
	for len(rest) > 0 {
		p.types = append(p.types, rest[0])
		if len(rest) == 1 {
			p.collection = true
			break
		}
		p.names = append(p.names, rest[1])
		rest = rest[2:]
	}
	return p, true
}

// parentKey is the key of the resource a resource id hangs under: the previous type/name pair,
// or the scope for extension resources; "" for top-level resources in a resource group.
func (p armPath) parentKey() string {
	if p.ns == "" {
		return ""
	}
	if len(p.types) > 1 {
		segs := []string{p.scope, "providers", p.ns}
		for i := 0; i < len(p.types)-1; i++ {
			segs = append(segs, p.types[i], p.names[i])
		}
		return strings.ToLower(strings.Join(segs, "/"))
	}
	// single-type path: extension resource when the scope goes beyond the resource group.
	if strings.Contains(strings.ToLower(p.scope), "/providers/") {
		return strings.ToLower(p.scope)
	}
	return ""
}

// childrenOf returns the child resources of key with the given lower-cased type, sorted by key.
func (s *store) childrenOf(key, ltyp string) []*resource {
	var out []*resource
	for _, c := range s.children[key] {
		if r := s.res[c]; r != nil && (ltyp == "" || r.ltyp == ltyp) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}
