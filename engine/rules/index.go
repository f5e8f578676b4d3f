package rules

import (
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
)

// Index resolves node keys (lower-cased ARM ids, object ids) to labels for the nodes known in the graph.
type Index interface {
	Lookup(id string) (graph.Label, bool)
}

// VaultResolver is an optional interface of an Index: it resolves a Key Vault name (the first
// DNS label of https://<name>.vault.azure.net) to the vault's node key. USES_KEY_VAULT edges
// from vault URIs and @Microsoft.KeyVault(...) references need it.
type VaultResolver interface {
	LookupVault(name string) (id string, ok bool)
}

// RoleDefinitionResolver is an optional interface of an Index: it resolves a role definition
// GUID to the key of the RoleDefinition node that has it, whatever scope the node's id uses.
type RoleDefinitionResolver interface {
	LookupRoleDefinition(guid string) (id string, ok bool)
}

// MapIndex is a simple Index: node key -> label.
type MapIndex map[string]graph.Label

// Lookup implements Index.
func (m MapIndex) Lookup(id string) (graph.Label, bool) {
	l, ok := m[id]
	return l, ok
}

// NodeIndex is an Index built from nodes; it also implements VaultResolver and
// RoleDefinitionResolver. It is safe for concurrent reads once built.
type NodeIndex struct {
	labels   map[string]graph.Label
	vaults   map[string]string
	roleDefs map[string]string
}

// NewIndex indexes nodes.
func NewIndex(nodes ...graph.Node) *NodeIndex {
	x := &NodeIndex{
		labels:   make(map[string]graph.Label, len(nodes)),
		vaults:   map[string]string{},
		roleDefs: map[string]string{},
	}
	for _, n := range nodes {
		x.Add(n)
	}
	return x
}

// Add indexes one node (not safe concurrently with reads).
func (x *NodeIndex) Add(n graph.Node) {
	id := n.ID
	if n.Label != graph.LabelTag && n.Label != graph.LabelRegion {
		id = armid.CleanKey(id)
	}
	x.labels[id] = n.Label
	switch n.Label {
	case graph.LabelResource:
		if name, ok := vaultName(n, id); ok {
			x.vaults[name] = id
		}
	case graph.LabelRoleDefinition:
		if i := strings.LastIndexByte(id, '/'); i >= 0 && i+1 < len(id) {
			if _, dup := x.roleDefs[id[i+1:]]; !dup || strings.HasPrefix(id, "/providers/") {
				x.roleDefs[id[i+1:]] = id
			}
		}
	}
}

// Len is the number of indexed nodes.
func (x *NodeIndex) Len() int {
	if x == nil {
		return 0
	}
	return len(x.labels)
}

// Lookup implements Index.
func (x *NodeIndex) Lookup(id string) (graph.Label, bool) {
	if x == nil {
		return "", false
	}
	l, ok := x.labels[id]
	return l, ok
}

// LookupVault implements VaultResolver.
func (x *NodeIndex) LookupVault(name string) (string, bool) {
	if x == nil {
		return "", false
	}
	id, ok := x.vaults[strings.ToLower(name)]
	return id, ok
}

// LookupRoleDefinition implements RoleDefinitionResolver.
func (x *NodeIndex) LookupRoleDefinition(guid string) (string, bool) {
	if x == nil {
		return "", false
	}
	id, ok := x.roleDefs[strings.ToLower(guid)]
	return id, ok
}

// vaultName returns the vault name of a Key Vault resource node.
func vaultName(n graph.Node, id string) (string, bool) {
	typ := strings.ToLower(str(n.Props[graph.PropType]))
	if typ == "" {
		if a, ok := armid.ParseKey(id); ok {
			typ = a.Type()
		}
	}
	if typ != "microsoft.keyvault/vaults" {
		return "", false
	}
	if props, ok := n.Props[graph.PropProperties].(map[string]any); ok {
		if names := vaultNamesIn(str(props["vaultUri"])); len(names) > 0 {
			return names[0], true
		}
	}
	i := strings.LastIndexByte(id, '/')
	if i < 0 || i+1 >= len(id) {
		return "", false
	}
	return id[i+1:], true
}

// overlay is the index ApplyAll uses: the caller's index, then the nodes being applied.
type overlay struct {
	base Index
	own  *NodeIndex
}

func (o overlay) Lookup(id string) (graph.Label, bool) {
	if o.base != nil {
		if l, ok := o.base.Lookup(id); ok {
			return l, true
		}
	}
	return o.own.Lookup(id)
}

func (o overlay) LookupVault(name string) (string, bool) {
	if vr, ok := o.base.(VaultResolver); ok {
		if id, ok := vr.LookupVault(name); ok {
			return id, true
		}
	}
	return o.own.LookupVault(name)
}

func (o overlay) LookupRoleDefinition(guid string) (string, bool) {
	if r, ok := o.base.(RoleDefinitionResolver); ok {
		if id, ok := r.LookupRoleDefinition(guid); ok {
			return id, true
		}
	}
	return o.own.LookupRoleDefinition(guid)
}
