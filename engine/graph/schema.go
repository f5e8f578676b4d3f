package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Owner says which part of a tenant a label belongs to, which decides when a scan's stale
// cleanup may remove its nodes (STYLE.md §14, from cartography's sub-resource relationship).
type Owner int

const (
	// OwnedByTenant nodes (Tenant, Entra objects, role definitions) are refreshed tenant-wide:
	// cleanup removes stale ones whenever their label is in Scope.Labels, whatever the
	// subscription or resource-group filter.
	OwnedByTenant Owner = iota + 1
	// OwnedBySubscription nodes (Subscription, RoleAssignment) are removed only by scans that
	// covered their whole subscription: Scope.ResourceGroups empty and their subscription in
	// Scope.Subscriptions (or Scope.Subscriptions empty). Nodes without a subscription (e.g.
	// management-group role assignments) only by whole-tenant scans.
	OwnedBySubscription
	// OwnedByResourceGroup nodes (ResourceGroup, Resource) are removed when their subscription
	// and resource group are both in scope.
	OwnedByResourceGroup
	// SharedInTenant nodes (Tag, Region) are shared by every subscription, so only a
	// whole-tenant scan (no subscription or resource-group filter) removes them.
	SharedInTenant
)

func (o Owner) String() string {
	switch o {
	case OwnedByTenant:
		return "tenant"
	case OwnedBySubscription:
		return "subscription"
	case OwnedByResourceGroup:
		return "resource_group"
	case SharedInTenant:
		return "shared"
	}
	return fmt.Sprintf("Owner(%d)", int(o))
}

// Store-level property names every stored node and edge carries (Neo4j properties; the
// embedded store keeps the same facts in its own records). Node props must not use them,
// except tenant_id with the node's own tenant.
const (
	SysUID       = "uid"        // tenant_id + "|" + node key (nodes); tenant_id + "|" + from + "\x00" + to (edges)
	SysNodeID    = "node_id"    // the node key (Node.ID)
	SysTenantID  = "tenant_id"  // tenant of the node/edge
	SysFirstSeen = "first_seen" // scan id of the first write
	SysLastSeen  = "last_seen"  // scan id of the latest write
	SysProps     = "_props"     // names of the props the caller set (Neo4j)
	SysJSON      = "_json"      // names of props stored as JSON strings (Neo4j)
)

// SysProps lists the reserved property names.
var sysProps = []string{SysUID, SysNodeID, SysTenantID, SysFirstSeen, SysLastSeen, SysProps, SysJSON}

// IsReservedProp reports whether name is a store-level property name.
func IsReservedProp(name string) bool { return slices.Contains(sysProps, name) }

// NodeSchema describes one label: how its nodes are keyed, filtered, indexed and owned.
type NodeSchema struct {
	Label Label
	// Owner decides stale cleanup (see Owner).
	Owner Owner
	// SubscriptionProp names the prop holding the node's subscription GUID ("" = none).
	SubscriptionProp string
	// ResourceGroupProp names the prop holding the node's resource group name ("" = none).
	ResourceGroupProp string
	// TypeProp names the prop holding the lower-cased ARM type matched by NodeQuery.Types ("" = none).
	TypeProp string
	// Indexed lists extra props indexed (with tenant_id) in Neo4j.
	Indexed []string
}

// EdgeEnd names an edge endpoint.
type EdgeEnd int

const (
	EndFrom EdgeEnd = iota + 1
	EndTo
)

// EdgeSchema describes one relationship type.
type EdgeSchema struct {
	Type EdgeType
	// OwnedBy is the endpoint whose scan discovers the edge: stale cleanup removes an old edge
	// when that endpoint is in scope. CONTAINS is owned by the child (a subscription-filtered
	// scan must not drop Tenant->Subscription edges of other subscriptions); every other type
	// by its From node, which carries the evidence.
	OwnedBy EdgeEnd
}

var nodeSchemas = map[Label]NodeSchema{
	LabelTenant:             {Label: LabelTenant, Owner: OwnedByTenant},
	LabelSubscription:       {Label: LabelSubscription, Owner: OwnedBySubscription, SubscriptionProp: PropSubscription},
	LabelResourceGroup:      {Label: LabelResourceGroup, Owner: OwnedByResourceGroup, SubscriptionProp: PropSubscription, ResourceGroupProp: PropName, Indexed: []string{PropSubscription}},
	LabelResource:           {Label: LabelResource, Owner: OwnedByResourceGroup, SubscriptionProp: PropSubscription, ResourceGroupProp: PropResourceGroup, TypeProp: PropType, Indexed: []string{PropType, PropSubscription}},
	LabelUser:               {Label: LabelUser, Owner: OwnedByTenant},
	LabelGroup:              {Label: LabelGroup, Owner: OwnedByTenant},
	LabelServicePrincipal:   {Label: LabelServicePrincipal, Owner: OwnedByTenant, Indexed: []string{"app_id"}},
	LabelApplication:        {Label: LabelApplication, Owner: OwnedByTenant, Indexed: []string{"app_id"}},
	LabelRoleDefinition:     {Label: LabelRoleDefinition, Owner: OwnedByTenant},
	LabelRoleAssignment:     {Label: LabelRoleAssignment, Owner: OwnedBySubscription, SubscriptionProp: PropSubscription, Indexed: []string{PropSubscription}},
	LabelTag:                {Label: LabelTag, Owner: SharedInTenant},
	LabelRegion:             {Label: LabelRegion, Owner: SharedInTenant},
	LabelDevice:             {Label: LabelDevice, Owner: OwnedByTenant},
	LabelDirectoryRole:      {Label: LabelDirectoryRole, Owner: OwnedByTenant},
	LabelAdministrativeUnit: {Label: LabelAdministrativeUnit, Owner: OwnedByTenant},
	LabelManagementGroup:    {Label: LabelManagementGroup, Owner: OwnedByTenant},
	LabelScanState:          {Label: LabelScanState, Owner: OwnedByTenant},
}

// NodeSchemaFor returns the schema of a label.
func NodeSchemaFor(l Label) (NodeSchema, bool) { s, ok := nodeSchemas[l]; return s, ok }

// NodeSchemas returns every node schema in Labels order.
func NodeSchemas() []NodeSchema {
	out := make([]NodeSchema, 0, len(Labels))
	for _, l := range Labels {
		out = append(out, nodeSchemas[l])
	}
	return out
}

// EdgeSchemaFor returns the schema of an edge type.
func EdgeSchemaFor(t EdgeType) (EdgeSchema, bool) {
	if !slices.Contains(EdgeTypes, t) {
		return EdgeSchema{}, false
	}
	s := EdgeSchema{Type: t, OwnedBy: EndFrom}
	if t == EdgeContains {
		s.OwnedBy = EndTo
	}
	return s, true
}

// EdgeSchemas returns every edge schema in EdgeTypes order.
func EdgeSchemas() []EdgeSchema {
	out := make([]EdgeSchema, 0, len(EdgeTypes))
	for _, t := range EdgeTypes {
		s, _ := EdgeSchemaFor(t)
		out = append(out, s)
	}
	return out
}

// NodeFacts are the props of a node the stores filter and scope on, lower-cased.
type NodeFacts struct {
	Subscription  string
	ResourceGroup string
	Type          string
}

// Facts extracts the scoping facts of props per the schema.
func (s NodeSchema) Facts(props map[string]any) NodeFacts {
	str := func(k string) string {
		if k == "" {
			return ""
		}
		v, _ := props[k].(string)
		return strings.ToLower(v)
	}
	return NodeFacts{Subscription: str(s.SubscriptionProp), ResourceGroup: str(s.ResourceGroupProp), Type: str(s.TypeProp)}
}

// ScopeCovers reports whether a scan with this scope refreshed every node of the label that
// has these facts, i.e. whether stale cleanup may remove such a node (see Owner).
func (s NodeSchema) ScopeCovers(sc Scope, f NodeFacts) bool {
	if len(sc.Labels) > 0 && !slices.Contains(sc.Labels, s.Label) {
		return false
	}
	subs, rgs := lowerAll(sc.Subscriptions), lowerAll(sc.ResourceGroups)
	switch s.Owner {
	case OwnedByTenant:
		return true
	case SharedInTenant:
		return len(subs) == 0 && len(rgs) == 0
	case OwnedBySubscription:
		return len(rgs) == 0 && (len(subs) == 0 || slices.Contains(subs, f.Subscription))
	case OwnedByResourceGroup:
		return (len(subs) == 0 || slices.Contains(subs, f.Subscription)) &&
			(len(rgs) == 0 || slices.Contains(rgs, f.ResourceGroup))
	}
	return false
}

// scopePossible reports whether any node of the label can be covered by the scope (so the
// generated cleanup for the label can be skipped entirely when not).
func (s NodeSchema) scopePossible(sc Scope) bool {
	if len(sc.Labels) > 0 && !slices.Contains(sc.Labels, s.Label) {
		return false
	}
	switch s.Owner {
	case SharedInTenant:
		return len(sc.Subscriptions) == 0 && len(sc.ResourceGroups) == 0
	case OwnedBySubscription:
		return len(sc.ResourceGroups) == 0
	}
	return true
}

// MatchesQuery reports whether a node of this label with these facts and key matches q.
func (s NodeSchema) MatchesQuery(q NodeQuery, id string, f NodeFacts) bool {
	if len(q.Labels) > 0 && !slices.Contains(q.Labels, s.Label) {
		return false
	}
	if len(q.Types) > 0 && (s.TypeProp == "" || !slices.Contains(lowerAll(q.Types), f.Type)) {
		return false
	}
	if len(q.Subscriptions) > 0 && (s.SubscriptionProp == "" || !slices.Contains(lowerAll(q.Subscriptions), f.Subscription)) {
		return false
	}
	if len(q.ResourceGroups) > 0 && (s.ResourceGroupProp == "" || !slices.Contains(lowerAll(q.ResourceGroups), f.ResourceGroup)) {
		return false
	}
	if len(q.IDs) > 0 && !slices.Contains(normalizeAll(q.IDs), id) {
		return false
	}
	return true
}

func lowerAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(strings.TrimSpace(s))
	}
	return out
}

func normalizeAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = NormalizeID(s)
	}
	return out
}

// NormalizeTenantID is the stored form of a tenant id (lower-case, trimmed).
func NormalizeTenantID(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// ValidateNode checks a node can be stored: known label, non-empty key without NUL,
// no reserved prop names (tenant_id only with the node's own tenant). It returns the node
// with its ID normalised.
func ValidateNode(tenantID string, n Node) (Node, error) {
	if _, ok := nodeSchemas[n.Label]; !ok {
		return n, fmt.Errorf("graph: node %q: unknown label %q", n.ID, n.Label)
	}
	n.ID = NormalizeID(n.ID)
	if n.ID == "" || strings.ContainsRune(n.ID, 0) {
		return n, fmt.Errorf("graph: %s node: invalid id %q", n.Label, n.ID)
	}
	for k, v := range n.Props {
		if !IsReservedProp(k) {
			continue
		}
		if s, ok := v.(string); k == SysTenantID && ok && NormalizeTenantID(s) == tenantID {
			continue
		}
		return n, fmt.Errorf("graph: %s node %q: prop %q is reserved", n.Label, n.ID, k)
	}
	n.TenantID = tenantID
	return n, nil
}

// ValidateEdge checks an edge can be stored (known type and endpoint labels, ids) and returns
// it with From/To normalised.
func ValidateEdge(tenantID string, e Edge) (Edge, error) {
	if _, ok := EdgeSchemaFor(e.Type); !ok {
		return e, fmt.Errorf("graph: edge %s: unknown type %q", e.Key(), e.Type)
	}
	if _, ok := nodeSchemas[e.FromLabel]; !ok {
		return e, fmt.Errorf("graph: edge %s: unknown from label %q", e.Key(), e.FromLabel)
	}
	if _, ok := nodeSchemas[e.ToLabel]; !ok {
		return e, fmt.Errorf("graph: edge %s: unknown to label %q", e.Key(), e.ToLabel)
	}
	e.From, e.To = NormalizeID(e.From), NormalizeID(e.To)
	if e.From == "" || e.To == "" || strings.ContainsRune(e.From+e.To, 0) {
		return e, fmt.Errorf("graph: edge %s: invalid endpoint ids", e.Key())
	}
	for k := range e.Props {
		if IsReservedProp(k) {
			return e, fmt.Errorf("graph: edge %s: prop %q is reserved", e.Key(), k)
		}
	}
	e.TenantID = tenantID
	return e, nil
}

// CheckTenant validates and normalises a tenant id argument.
func CheckTenant(tenantID string) (string, error) {
	t := NormalizeTenantID(tenantID)
	if t == "" || strings.ContainsAny(t, "|\x00") {
		return "", fmt.Errorf("graph: invalid tenant id %q", tenantID)
	}
	return t, nil
}

// NodeUID is the Neo4j uid of a node.
func NodeUID(tenantID, id string) string { return tenantID + "|" + id }

// EdgeUID is the Neo4j uid of an edge (unique per type); its order within a tenant and type is
// the (From, To) order.
func EdgeUID(tenantID, from, to string) string { return tenantID + "|" + from + "\x00" + to }
