// Package childtree is the ARM child-collection tree: which nested collections a resource type
// has, generated from the Azure REST API specifications (Generated, by tools/armchildren) plus
// the rows the generator cannot know (Overrides). It is data only, so that both the discovery
// walk (engine/discover) and the simulator (sim) read the same tree.
package childtree

import (
	"strings"
	"sync"
)

// Collection is one ARM child collection: for every resource of Parent type,
// GET {parent id}/{Path}?api-version=… lists resources of Type.
type Collection struct {
	Parent     string // lower-cased parent type
	Path       string // collection path under the parent id
	Type       string // child type, original casing
	APIVersion string // used when the providers API does not list the child type
	// Inline: the parent's GET returns the children in properties.<Path> (VNet subnets, NSG
	// rules, load balancer frontends…); the walk reads them there instead of listing them.
	Inline bool
	// Required names query parameters the list needs besides api-version (comma-separated);
	// the walk cannot supply them and skips the collection.
	Required string
	// Singleton: Path names one object of a fixed name (throughputSettings/default) that has no
	// list; the walk GETs it (a 404 means the parent has none).
	Singleton bool
	// Always: list it even when the providers API does not name the child type (hand-kept rows).
	Always bool
}

// Key is the collection's identity: lower-cased parent type and path.
func (c Collection) Key() string { return c.Parent + "|" + strings.ToLower(c.Path) }

// Overrides are the hand-kept rows: collections the specifications describe in a way the
// generator does not read (record sets listed under one path for every record type, extension
// resources such as diagnostic settings), and the collections the walk always lists. A row here
// replaces a generated row of the same parent and path.
var Overrides = []Collection{
	{Parent: "microsoft.network/privatednszones", Path: "virtualNetworkLinks", Type: "Microsoft.Network/privateDnsZones/virtualNetworkLinks", APIVersion: "2024-06-01", Always: true},
	{Parent: "microsoft.network/dnszones", Path: "recordsets", Type: "Microsoft.Network/dnszones/recordsets", APIVersion: "2018-05-01", Always: true},
	{Parent: "microsoft.network/privatednszones", Path: "ALL", Type: "Microsoft.Network/privateDnsZones/ALL", APIVersion: "2020-06-01", Always: true},
	{Parent: "microsoft.sql/servers", Path: "databases", Type: "Microsoft.Sql/servers/databases", APIVersion: "2023-08-01", Always: true},
	{Parent: "microsoft.sql/servers", Path: "firewallRules", Type: "Microsoft.Sql/servers/firewallRules", APIVersion: "2023-08-01", Always: true},
	{Parent: "microsoft.compute/virtualmachines", Path: "extensions", Type: "Microsoft.Compute/virtualMachines/extensions", APIVersion: "2024-07-01", Always: true},
	{Parent: "microsoft.storage/storageaccounts", Path: "blobServices", Type: "Microsoft.Storage/storageAccounts/blobServices", APIVersion: "2023-05-01", Always: true},
	{Parent: "microsoft.storage/storageaccounts/blobservices", Path: "containers", Type: "Microsoft.Storage/storageAccounts/blobServices/containers", APIVersion: "2023-05-01", Always: true},
	{Parent: "microsoft.servicebus/namespaces", Path: "queues", Type: "Microsoft.ServiceBus/namespaces/queues", APIVersion: "2021-11-01", Always: true},
	{Parent: "microsoft.servicebus/namespaces", Path: "topics", Type: "Microsoft.ServiceBus/namespaces/topics", APIVersion: "2021-11-01", Always: true},
	{Parent: "microsoft.eventhub/namespaces", Path: "eventhubs", Type: "Microsoft.EventHub/namespaces/eventhubs", APIVersion: "2024-01-01", Always: true},
	{Parent: "microsoft.containerservice/managedclusters", Path: "agentPools", Type: "Microsoft.ContainerService/managedClusters/agentPools", APIVersion: "2024-09-01", Always: true},
	// the specs' policy schema has an array of that name, but the policy's GET holds only the
	// groups' ids: they are listed, not read inline
	{Parent: "microsoft.network/firewallpolicies", Path: "ruleCollectionGroups", Type: "Microsoft.Network/firewallPolicies/ruleCollectionGroups", APIVersion: "2024-05-01"},
	// newer than the specification commit the tree was generated from: listed when registered
	{Parent: "microsoft.managedidentity/userassignedidentities", Path: "federatedIdentityCredentials", Type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", APIVersion: "2023-01-31"},
	// diagnostic settings (extension resources) of the types that commonly carry them
	{Parent: "microsoft.keyvault/vaults", Path: DiagPath, Type: DiagType, APIVersion: DiagVersion, Always: true},
	{Parent: "microsoft.network/networksecuritygroups", Path: DiagPath, Type: DiagType, APIVersion: DiagVersion, Always: true},
	{Parent: "microsoft.sql/servers/databases", Path: DiagPath, Type: DiagType, APIVersion: DiagVersion, Always: true},
	{Parent: "microsoft.containerservice/managedclusters", Path: DiagPath, Type: DiagType, APIVersion: DiagVersion, Always: true},
}

// Diagnostic settings: the extension collection under a resource.
const (
	DiagPath    = "providers/Microsoft.Insights/diagnosticSettings"
	DiagType    = "Microsoft.Insights/diagnosticSettings"
	DiagVersion = "2021-05-01-preview"
)

var (
	once     sync.Once
	byParent map[string][]Collection
)

func index() {
	byParent = map[string][]Collection{}
	over := map[string]bool{}
	for _, c := range Overrides {
		over[c.Key()] = true
		byParent[c.Parent] = append(byParent[c.Parent], c)
	}
	for _, c := range Generated {
		if !over[c.Key()] {
			byParent[c.Parent] = append(byParent[c.Parent], c)
		}
	}
}

// Of returns the collections of a parent type (lower-cased): overrides, then generated rows.
func Of(parentType string) []Collection {
	once.Do(index)
	return byParent[strings.ToLower(parentType)]
}

// All returns every collection of the tree (overrides replacing generated rows).
func All() []Collection {
	once.Do(index)
	var out []Collection
	for _, cs := range byParent {
		out = append(out, cs...)
	}
	return out
}
