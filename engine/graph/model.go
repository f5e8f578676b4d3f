// Package graph is ATG's graph model: nodes, edges, the Store interface that the Neo4j
// and embedded stores implement, and the schema both read (labels, keys, edge types).
package graph

import (
	"context"
	"strings"

	"github.com/atg-go/atg/errs"
)

// Label is a node label. Labels come only from these constants.
type Label string

const (
	LabelTenant             Label = "Tenant"
	LabelSubscription       Label = "Subscription"
	LabelResourceGroup      Label = "ResourceGroup"
	LabelResource           Label = "Resource"
	LabelUser               Label = "User"
	LabelGroup              Label = "Group"
	LabelServicePrincipal   Label = "ServicePrincipal"
	LabelApplication        Label = "Application"
	LabelRoleDefinition     Label = "RoleDefinition"
	LabelRoleAssignment     Label = "RoleAssignment"
	LabelTag                Label = "Tag"
	LabelRegion             Label = "Region"
	LabelDevice             Label = "Device"
	LabelDirectoryRole      Label = "DirectoryRole"
	LabelAdministrativeUnit Label = "AdministrativeUnit"
	LabelManagementGroup    Label = "ManagementGroup"
	// LabelScanState is the one bookkeeping node of a tenant (ID ScanStateID): when its last
	// successful scan started, with which options, and the MS Graph delta links an incremental
	// scan continues from. Snapshots and stale cleanup leave it out.
	LabelScanState Label = "ScanState"
)

// ScanStateID is the key of a tenant's ScanState node.
const ScanStateID = "atg:scan-state"

// Labels lists every label, in a stable order.
var Labels = []Label{LabelTenant, LabelSubscription, LabelResourceGroup, LabelResource, LabelUser,
	LabelGroup, LabelServicePrincipal, LabelApplication, LabelRoleDefinition, LabelRoleAssignment,
	LabelTag, LabelRegion, LabelDevice, LabelDirectoryRole, LabelAdministrativeUnit,
	LabelManagementGroup, LabelScanState}

// EntraLabels are the labels of Entra (MS Graph) objects: keyed by object id (role template id
// for directory roles), refreshed by the identities part of a scan.
var EntraLabels = []Label{LabelUser, LabelGroup, LabelServicePrincipal, LabelApplication, LabelDevice, LabelDirectoryRole, LabelAdministrativeUnit}

// EdgeType is a relationship type (GRAPH.md). Types come only from these constants.
type EdgeType string

const (
	EdgeContains           EdgeType = "CONTAINS"
	EdgeConnectedTo        EdgeType = "CONNECTED_TO"
	EdgeUses               EdgeType = "USES"
	EdgeSecuredBy          EdgeType = "SECURED_BY"
	EdgeRoutesVia          EdgeType = "ROUTES_VIA"
	EdgeHasPublicIP        EdgeType = "HAS_PUBLIC_IP"
	EdgePrivateEndpointFor EdgeType = "PRIVATE_ENDPOINT_FOR"
	EdgePeeredWith         EdgeType = "PEERED_WITH"
	EdgeLinkedTo           EdgeType = "LINKED_TO"
	EdgeHostedOn           EdgeType = "HOSTED_ON"
	EdgeUsesIdentity       EdgeType = "USES_IDENTITY"
	EdgeAssignedTo         EdgeType = "ASSIGNED_TO"
	EdgeHasRole            EdgeType = "HAS_ROLE"
	EdgeAppliesTo          EdgeType = "APPLIES_TO"
	EdgeMemberOf           EdgeType = "MEMBER_OF"
	EdgeSendsDiagnosticsTo EdgeType = "SENDS_DIAGNOSTICS_TO"
	EdgeUsesKeyVault       EdgeType = "USES_KEY_VAULT"
	EdgeTaggedWith         EdgeType = "TAGGED_WITH"
	EdgeLocatedIn          EdgeType = "LOCATED_IN"
	EdgeReferences         EdgeType = "REFERENCES"
	EdgeOwns               EdgeType = "OWNS"
	EdgeEligibleFor        EdgeType = "ELIGIBLE_FOR"
	EdgeGranted            EdgeType = "GRANTED"
	EdgeHasAppRole         EdgeType = "HAS_APP_ROLE"
	EdgeLocks              EdgeType = "LOCKS"
)

// EdgeTypes lists every edge type, in a stable order.
var EdgeTypes = []EdgeType{EdgeContains, EdgeConnectedTo, EdgeUses, EdgeSecuredBy, EdgeRoutesVia,
	EdgeHasPublicIP, EdgePrivateEndpointFor, EdgePeeredWith, EdgeLinkedTo, EdgeHostedOn,
	EdgeUsesIdentity, EdgeAssignedTo, EdgeHasRole, EdgeAppliesTo, EdgeMemberOf,
	EdgeSendsDiagnosticsTo, EdgeUsesKeyVault, EdgeTaggedWith, EdgeLocatedIn, EdgeReferences,
	EdgeOwns, EdgeEligibleFor, EdgeGranted, EdgeHasAppRole, EdgeLocks}

// Well-known property names. Resource nodes keep the whole ARM envelope under these keys.
const (
	PropID            = "id"           // original-casing id (the node key is its lower-cased form)
	PropName          = "name"         //
	PropType          = "type"         // lower-cased ARM type, e.g. microsoft.network/virtualnetworks
	PropTypeDisplay   = "type_display" // original casing
	PropLocation      = "location"
	PropResourceGroup = "resource_group" // resource group name
	PropSubscription  = "subscription_id"
	PropKind          = "kind"
	PropSKU           = "sku"
	PropIdentity      = "identity"
	PropZones         = "zones"
	PropManagedBy     = "managed_by"
	PropPlan          = "plan"
	PropTags          = "tags"
	PropSystemData    = "system_data"
	PropProperties    = "properties"
	PropAPIVersion    = "api_version"
	PropOutOfScope    = "out_of_scope" // true for nodes pulled in because in-scope resources reference them
	PropPath          = "path"         // on REFERENCES edges: the JSON path of the evidence
)

// Node is one graph node. Key is (TenantID, ID); ID is the lower-cased ARM id for ARM objects,
// the object id for Entra objects, "key=value" for tags and the location code for regions.
// Props hold JSON-compatible values (string, float64, bool, nil, []any, map[string]any);
// nested objects are kept whole (stores serialise them as they need and return them decoded).
type Node struct {
	Label     Label          `json:"label"`
	ID        string         `json:"id"`
	TenantID  string         `json:"tenant_id"`
	Props     map[string]any `json:"props,omitempty"`
	FirstSeen string         `json:"first_seen,omitempty"` // scan id
	LastSeen  string         `json:"last_seen,omitempty"`  // scan id
}

// Edge is one relationship between two nodes of the same tenant.
// Its key is (TenantID, Type, From, To).
type Edge struct {
	Type      EdgeType       `json:"type"`
	FromLabel Label          `json:"from_label"`
	From      string         `json:"from"`
	ToLabel   Label          `json:"to_label"`
	To        string         `json:"to"`
	TenantID  string         `json:"tenant_id"`
	Props     map[string]any `json:"props,omitempty"`
	FirstSeen string         `json:"first_seen,omitempty"`
	LastSeen  string         `json:"last_seen,omitempty"`
}

// Key returns the identity of an edge within its tenant.
func (e Edge) Key() string { return string(e.Type) + "|" + e.From + "|" + e.To }

// NormalizeID lower-cases an ARM id and trims a trailing slash, the node key form.
func NormalizeID(id string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(id)), "/")
}

// Scope says what a scan covered, so stale cleanup removes only what disappeared from it.
// Empty Subscriptions means every subscription of the tenant; empty ResourceGroups means every
// resource group of those subscriptions. Labels lists the labels the scan refreshed.
type Scope struct {
	Subscriptions  []string // subscription GUIDs (lower-case)
	ResourceGroups []string // resource group names (lower-case), within Subscriptions
	Labels         []Label
}

// NodeQuery filters Nodes. Zero values match everything.
type NodeQuery struct {
	Labels         []Label
	Types          []string // lower-cased ARM types (Resource nodes)
	Subscriptions  []string
	ResourceGroups []string // lower-cased names
	IDs            []string // node keys
}

// EdgeQuery filters Edges. Zero values match everything.
type EdgeQuery struct {
	Types []EdgeType
	From  []string // node keys
	To    []string
}

// Stats counts a tenant's graph.
type Stats struct {
	Nodes           map[string]int `json:"nodes"`             // label -> count
	ResourcesByType map[string]int `json:"resources_by_type"` // lower-cased ARM type -> count
	Edges           map[string]int `json:"edges"`             // edge type -> count
}

// NodeHead is a node without its props: its key, label, scan ids and scoping facts.
type NodeHead struct {
	Label     Label
	ID        string
	FirstSeen string
	LastSeen  string
	Facts     NodeFacts
}

// DeleteResult counts what a cleanup removed.
type DeleteResult struct {
	Nodes int `json:"nodes"`
	Edges int `json:"edges"`
}

// ErrNotFound is returned by GetNode for a missing node.
var ErrNotFound = errs.New(errs.NotFound, "graph: not found")

// Store is the graph storage interface. Both implementations (Neo4j and the embedded
// file store) pass the same conformance suite. All writes are idempotent upserts keyed as
// documented on Node and Edge: upserting the same data twice changes nothing but LastSeen.
type Store interface {
	// Init creates constraints/indexes (or buckets). Safe to call repeatedly.
	Init(ctx context.Context) error
	// UpsertNodes merges nodes: props are replaced whole, FirstSeen kept from the first write,
	// LastSeen set to scanID.
	UpsertNodes(ctx context.Context, tenantID, scanID string, nodes []Node) error
	// UpsertEdges merges edges. An edge whose endpoint node does not exist is not written;
	// such edges are counted in skipped (callers upsert nodes first).
	UpsertEdges(ctx context.Context, tenantID, scanID string, edges []Edge) (skipped int, err error)
	// GetNode returns one node or ErrNotFound.
	GetNode(ctx context.Context, tenantID, id string) (Node, error)
	// Nodes streams matching nodes in ID order to fn; fn returning an error stops the walk.
	Nodes(ctx context.Context, tenantID string, q NodeQuery, fn func(Node) error) error
	// Edges streams matching edges in (Type, From, To) order to fn.
	Edges(ctx context.Context, tenantID string, q EdgeQuery, fn func(Edge) error) error
	// Stats counts nodes by label, resources by type and edges by type.
	Stats(ctx context.Context, tenantID string) (Stats, error)
	// DeleteStale removes nodes in scope whose LastSeen != scanID (with their edges), and edges
	// whose From node is in scope and whose LastSeen != scanID. Nothing outside scope is touched.
	DeleteStale(ctx context.Context, tenantID, scanID string, scope Scope) (DeleteResult, error)
	// NodeHeads streams every node of a tenant without its props (key, label, scan ids and
	// scoping facts), in no particular order: what an incremental scan reads of the whole graph.
	NodeHeads(ctx context.Context, tenantID string, fn func(NodeHead) error) error
	// DeleteNodes removes the nodes with the given keys (whatever their label) with all their
	// edges; ids that do not exist are ignored. Incremental scans remove what changed away by id.
	DeleteNodes(ctx context.Context, tenantID string, ids []string) (DeleteResult, error)
	// DeleteEdges removes the edges with the keys (Type, From, To) of the given edges; edges
	// that do not exist are ignored. It returns how many were removed.
	DeleteEdges(ctx context.Context, tenantID string, edges []Edge) (int, error)
	// DeleteTenant removes every node and edge of a tenant.
	DeleteTenant(ctx context.Context, tenantID string) error
	// Tenants lists the tenant ids that have nodes.
	Tenants(ctx context.Context) ([]string, error)
	// Ping checks the store is reachable.
	Ping(ctx context.Context) error
	Close(ctx context.Context) error
}
