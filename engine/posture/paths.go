package posture

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/jsonpath"
)

// InternetID is the attack graph's virtual source node for the internet.
const InternetID = "internet"

// Target kinds: the high-value targets attack paths end at.
const (
	TargetSubscriptionOwner = "subscription-owner" // control of a subscription (Owner, User Access Administrator)
	TargetKeyVaultSecrets   = "key-vault-secrets"  // reading a key vault's secrets
	TargetStorageData       = "storage-data"       // reading a storage account's data (data roles or keys)
)

// Step is one node on a path with the edge that led to it ("" for the source).
type Step struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"` // node label, or the ARM type for resources, or "Internet"
	Via  string `json:"via,omitempty"`
}

// Path is a shortest path from the internet or a principal to a high-value target.
type Path struct {
	ID         string   `json:"id"`
	Source     string   `json:"source"` // "internet" or the principal's object id
	SourceKind string   `json:"source_kind"`
	Target     string   `json:"target"`
	TargetKind string   `json:"target_kind"`
	Severity   Severity `json:"severity"`
	Steps      []Step   `json:"steps"`
}

type aedge struct {
	to, via string
}

// attackGraph is the directed graph the search walks: network reachability, identities,
// group membership and role grants (as edges straight to the targets they give).
type attackGraph struct {
	adj    map[string][]aedge
	target map[string]string // node key -> target kind
}

func (a *attackGraph) add(from, to, via string) {
	for _, e := range a.adj[from] {
		if e.to == to {
			return
		}
	}
	a.adj[from] = append(a.adj[from], aedge{to, via})
}

func buildAttackGraph(c *Context) *attackGraph {
	g := c.G
	a := &attackGraph{adj: map[string][]aedge{}, target: map[string]string{}}
	// internet -> public IP -> [LB/AppGW] -> NIC -> VM, or -> scale set
	var computes []string
	for id := range c.net.exposed {
		computes = append(computes, id)
	}
	sort.Strings(computes)
	for _, id := range computes {
		exp := c.net.exposed[id]
		prev := InternetID
		via := "public endpoint"
		for _, n := range exp.path {
			a.add(prev, n.ID, via)
			prev = n.ID
			via = "forwards to"
		}
		if prev != id {
			a.add(prev, id, "reaches "+portName(exp.port))
		}
	}
	// internet -> web/container apps served publicly
	for _, n := range g.OfType(tSite) {
		if enabledUnlessDisabled(get(n, "properties.publicNetworkAccess")) {
			a.add(InternetID, n.ID, "public endpoint")
		}
	}
	for _, n := range g.OfType(tACA) {
		if b, _ := boolOf(get(n, "properties.configuration.ingress.external")); b {
			a.add(InternetID, n.ID, "public ingress")
		}
	}
	// resource -> identity it runs as
	for _, t := range []string{tVM, tVMSS, tSite, tACA, tAKS} {
		for _, n := range g.OfType(t) {
			for _, id := range c.rb.identitiesOf(n) {
				if id[1] != "" {
					a.add(n.ID, id[1], "uses identity")
					a.add(id[1], id[0], "is principal")
				} else {
					a.add(n.ID, id[0], "runs as")
				}
			}
		}
	}
	// principal -> group
	for _, l := range []graph.Label{graph.LabelUser, graph.LabelGroup, graph.LabelServicePrincipal} {
		for _, n := range g.OfLabel(l) {
			for _, gr := range g.Out(n.ID, graph.EdgeMemberOf) {
				a.add(n.ID, gr.ID, "member of")
			}
		}
	}
	// role grants -> targets
	subs := g.OfLabel(graph.LabelSubscription)
	kvs := g.OfType(tKV)
	sts := g.OfType(tStorage)
	for _, as := range c.rb.all {
		if as.principal == "" {
			continue
		}
		via := fmt.Sprintf("%s @ %s", as.roleName, scopeKind(as.scope))
		if controlRoles[as.roleGUID] && tenantWide(as.scope) {
			for _, s := range subs {
				if covers(as.scope, s.ID) {
					a.add(as.principal, s.ID, via)
					a.target[s.ID] = TargetSubscriptionOwner
				}
			}
			continue // control of the subscription subsumes every resource in it
		}
		if secretRoles[as.roleGUID] {
			for _, kv := range kvs {
				if covers(as.scope, kv.ID) {
					a.add(as.principal, kv.ID, via)
					a.target[kv.ID] = TargetKeyVaultSecrets
				}
			}
		}
		if storageDataRoles[as.roleGUID] {
			for _, st := range sts {
				if covers(as.scope, st.ID) {
					a.add(as.principal, st.ID, via)
					a.target[st.ID] = TargetStorageData
				}
			}
		}
	}
	// key vault access policies granting secret reads
	for _, kv := range kvs {
		if b, _ := boolOf(get(kv, "properties.enableRbacAuthorization")); b {
			continue
		}
		for _, p := range list(get(kv, "properties.accessPolicies")) {
			oid := strings.ToLower(str(jsonpath.Field(p, "objectId")))
			for _, perm := range list(jsonpath.Field(jsonpath.Field(p, "permissions"), "secrets")) {
				if s := strings.ToLower(str(perm)); s == "get" || s == "list" || s == "all" {
					a.add(oid, kv.ID, "access policy: secrets "+s)
					a.target[kv.ID] = TargetKeyVaultSecrets
					break
				}
			}
		}
	}
	for k := range a.adj {
		slices.SortFunc(a.adj[k], func(x, y aedge) int { return cmp.Compare(x.to, y.to) })
	}
	return a
}

var targetRank = map[string]int{TargetSubscriptionOwner: 0, TargetKeyVaultSecrets: 1, TargetStorageData: 2}

func portName(p int) string {
	if p == allPorts {
		return "any port"
	}
	return fmt.Sprint("port ", p)
}

// findPaths returns shortest paths to every reachable high-value target: from the internet,
// and from users through at least one group membership or identity (a user's own direct
// role assignments are permissions, not paths). At most max paths, most severe first.
func findPaths(c *Context, max int) []Path {
	a := buildAttackGraph(c)
	var out []Path
	out = append(out, bfsPaths(c, a, []string{InternetID}, "internet")...)
	var users []string
	for _, u := range c.G.OfLabel(graph.LabelUser) {
		users = append(users, u.ID)
	}
	out = append(out, bfsPaths(c, a, users, "principal")...)
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		return cmp.Or(cmp.Compare(x.Severity.rank(), y.Severity.rank()), cmp.Compare(targetRank[x.TargetKind], targetRank[y.TargetKind]),
			cmp.Compare(len(x.Steps), len(y.Steps)),
			cmp.Compare(x.Target, y.Target), cmp.Compare(x.Source, y.Source)) < 0
	})
	if len(out) > max {
		out = out[:max]
	}
	return out
}

// bfsPaths runs one multi-source BFS and returns the shortest path to each target reached.
func bfsPaths(c *Context, a *attackGraph, sources []string, kind string) []Path {
	type visit struct {
		prev, via string
	}
	seen := map[string]visit{}
	var queue []string
	for _, s := range sources {
		if _, ok := seen[s]; !ok {
			seen[s] = visit{}
			queue = append(queue, s)
		}
	}
	isSource := map[string]bool{}
	for _, s := range sources {
		isSource[s] = true
	}
	var reached []string
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if _, ok := a.target[cur]; ok {
			reached = append(reached, cur)
			continue // a target ends a path
		}
		for _, e := range a.adj[cur] {
			if kind == "principal" && isSource[cur] && !strings.HasPrefix(e.via, "member of") {
				continue // a user's own grants are not paths
			}
			if _, ok := seen[e.to]; ok {
				continue
			}
			seen[e.to] = visit{prev: cur, via: e.via}
			queue = append(queue, e.to)
		}
	}
	var out []Path
	for _, t := range reached {
		var ids, vias []string
		for cur := t; ; {
			v := seen[cur]
			ids = append(ids, cur)
			vias = append(vias, v.via)
			if isSource[cur] && v.prev == "" {
				break
			}
			cur = v.prev
		}
		slices.Reverse(ids)
		slices.Reverse(vias)
		p := Path{Source: ids[0], SourceKind: kind, Target: displayID(c.G.Node(t)), TargetKind: a.target[t]}
		for i, id := range ids {
			p.Steps = append(p.Steps, stepOf(c.G, id, vias[i]))
		}
		p.Severity = High
		if p.TargetKind == TargetSubscriptionOwner || kind == "internet" {
			p.Severity = Critical
		}
		h := sha256.Sum256([]byte(strings.Join(ids, "|")))
		p.ID = "path-" + hex.EncodeToString(h[:6])
		out = append(out, p)
	}
	return out
}

func stepOf(g *Graph, id, via string) Step {
	if id == InternetID {
		return Step{ID: InternetID, Name: "Internet", Kind: "Internet"}
	}
	n := g.Node(id)
	s := Step{ID: displayID(n), Name: displayName(n), Kind: string(n.Label), Via: via}
	if t := typeOf(n); t != "" {
		s.Kind = t
	}
	if n.Label == graph.LabelUser && strings.EqualFold(str(n.Props["user_type"]), "Guest") {
		s.Kind = "User (guest)"
	}
	return s
}
