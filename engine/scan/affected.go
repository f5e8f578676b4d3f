package scan

import (
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Which nodes can derive an edge. A rule derives edges from one node's JSON (and the index of
// node keys); almost all of them touch that node. The exceptions, by edge type: a VNet's inline
// subnets are SECURED_BY / ROUTES_VIA from the subnet (the deriver is the parent of the edge's
// source); a peering or DNS link child makes its parent PEERED_WITH / LINKED_TO the remote, and
// a diagnostic setting makes the resource it extends SENDS_DIAGNOSTICS_TO (the deriver is a child
// of the source). TestDeriversCover checks this table against the rules.
var (
	derivedByParentOfSource = map[graph.EdgeType]bool{graph.EdgeSecuredBy: true, graph.EdgeRoutesVia: true}
	derivedByChildOfSource  = map[graph.EdgeType]bool{graph.EdgePeeredWith: true, graph.EdgeLinkedTo: true, graph.EdgeSendsDiagnosticsTo: true}
)

// family maps ARM node keys to their parent (the CONTAINS parent of the rules; the tenant for an
// id with none) and back, so the derivers of an edge can be named.
type family struct {
	tenant   string
	parent   map[string]string
	children map[string][]string
}

func newFamily(tenant string) *family {
	return &family{tenant: strings.ToLower(tenant), parent: map[string]string{}, children: map[string][]string{}}
}

// add records an ARM node key (Entra object ids and shared nodes have no family).
func (f *family) add(n graph.Node) {
	switch n.Label {
	case graph.LabelTenant, graph.LabelTag, graph.LabelRegion, graph.LabelScanState:
		return
	}
	if !strings.HasPrefix(n.ID, "/") {
		return
	}
	p, ok := armParent(n.ID)
	if !ok {
		p = f.tenant
	}
	f.parent[n.ID] = p
	f.children[p] = append(f.children[p], n.ID)
}

// derivers returns the keys of every node that can derive edge e.
func (f *family) derivers(e graph.Edge, fn func(string)) {
	fn(e.From)
	fn(e.To)
	if derivedByParentOfSource[e.Type] {
		if p, ok := f.parent[e.From]; ok {
			fn(p)
		} else if p, ok := armParent(e.From); ok { // a source the graph does not hold
			fn(p)
		}
	}
	if derivedByChildOfSource[e.Type] {
		for _, c := range f.children[e.From] {
			fn(c)
		}
	}
}

// armParent is the closest enclosing id of a lower-cased ARM id, as the rules' CONTAINS reads
// it: one type/name pair up, and past a /providers/<namespace> left behind (the scope of an
// extension resource, the resource group of a top-level resource). ok is false at a
// subscription, at the tenant's own providers (management groups, tenant-level settings) and
// for what is no ARM id.
func armParent(id string) (string, bool) {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	if len(segs) < 4 || len(segs)%2 != 0 {
		return "", false
	}
	up := segs[:len(segs)-2]
	if len(up) >= 2 && up[len(up)-2] == "providers" {
		up = up[:len(up)-2]
	}
	if len(up) == 0 {
		return "", false
	}
	return "/" + strings.Join(up, "/"), true
}
