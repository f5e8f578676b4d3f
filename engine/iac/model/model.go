// Package model is the intermediate model that every IaC emitter (Terraform, Bicep, ARM), the
// tenant spec and create-tenant render: resources with their writable properties, references
// between them as symbolic values, the input variables they need and what was left out and why.
//
// The model is built from the graph (Build, BuildFromNodes) and is the only thing emitters see.
// Everything in it is sorted; the same graph always gives the same model.
package model

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/atg-go/atg/engine/jsonpath"
)

// Model is a set of resources ready to render.
type Model struct {
	TenantID      string      `json:"tenant_id,omitempty"`
	Subscriptions []string    `json:"subscriptions,omitempty"` // source subscription ids, sorted
	Resources     []*Resource `json:"resources"`               // sorted by lower-cased ID
	// ManagementGroups is the tenant's management group hierarchy below the root group (parents
	// first); only an unfiltered model has it.
	ManagementGroups []ManagementGroup `json:"management_groups,omitempty"`
	Variables        []Variable        `json:"variables,omitempty"` // sorted by Name
	Skipped          []Skipped         `json:"skipped,omitempty"`   // sorted by ID
	Dropped          []Dropped         `json:"dropped,omitempty"`   // properties removed as secrets, sorted
	// Secrets lists every place a source secret was replaced by a variable or removed (paths
	// and rules, never values), sorted by key and path.
	Secrets []SecretFinding `json:"secrets,omitempty"`
}

// Level says where a resource is deployed.
type Level string

const (
	LevelSubscription  Level = "subscription"  // resource groups, subscription-scope role assignments…
	LevelResourceGroup Level = "resourceGroup" // everything else
)

// TypeResourceGroup is the ARM type of resource groups.
const TypeResourceGroup = "Microsoft.Resources/resourceGroups"

// Resource is one resource to create.
type Resource struct {
	// Key is the stable local name: [a-z0-9_], unique in the model, starts with a letter.
	Key string `json:"key"`
	// ID is the source ARM id (original casing).
	ID         string `json:"id"`
	Type       string `json:"type"` // ARM type, original casing (Microsoft.Network/virtualNetworks)
	APIVersion string `json:"api_version"`
	// Name is the full ARM name (parent/child for child resources).
	Name          string `json:"name"`
	Location      string `json:"location,omitempty"` // normalised (lower, no spaces)
	ResourceGroup string `json:"resource_group,omitempty"`
	Subscription  string `json:"subscription,omitempty"`
	Level         Level  `json:"level"`
	// Parent is the Key of the parent resource for child resources in the model.
	Parent string `json:"parent,omitempty"`
	// Scope is set for extension resources (diagnostic settings, resource-scope role
	// assignments): a Ref or Var naming the resource they extend.
	Scope    any            `json:"scope,omitempty"`
	Kind     string         `json:"kind,omitempty"`
	SKU      map[string]any `json:"sku,omitempty"`
	Plan     map[string]any `json:"plan,omitempty"`
	Identity *Identity      `json:"identity,omitempty"`
	Zones    []string       `json:"zones,omitempty"`
	// Tags are strings, or a Var where the source tag held a secret.
	Tags map[string]any `json:"tags,omitempty"`
	// Body holds the writable ARM properties; values are JSON values or Ref, Var, SubRel.
	Body       map[string]any `json:"properties,omitempty"`
	References []Reference    `json:"references,omitempty"` // sorted by Path
	DependsOn  []string       `json:"depends_on,omitempty"` // keys, sorted
}

// Identity is a managed identity block; UserAssigned values are Ref or Var.
type Identity struct {
	Type         string `json:"type"`
	UserAssigned []any  `json:"user_assigned,omitempty"`
}

// Reference records where a resource's JSON points at another resource.
type Reference struct {
	Path      string `json:"path"`                 // e.g. properties.subnet.id
	TargetKey string `json:"target_key,omitempty"` // in-model target
	Variable  string `json:"variable,omitempty"`   // out-of-scope target: the variable that stands for it
}

// Ref is a symbolic reference to a resource in the model: its id (Property "") or an output
// property, with an optional Suffix appended (a sub-resource path such as /subnets/a).
type Ref struct {
	Target   string `json:"$ref"`
	Suffix   string `json:"suffix,omitempty"`
	Property string `json:"property,omitempty"` // "" = id; "principalId" = the identity's principal id
}

// Var is a reference to an input variable (parameter in ARM and Bicep).
type Var struct {
	Name string `json:"$var"`
}

// SubRel is an id relative to the subscription deployed into, e.g.
// /providers/Microsoft.Authorization/roleDefinitions/<guid> (the same in every subscription).
type SubRel struct {
	Path string `json:"$subscription"`
}

// VarKind classifies variables.
type VarKind string

const (
	VarSecret       VarKind = "secret"       // a value we must not copy: password, key
	VarReference    VarKind = "reference"    // id of a resource outside the generated set
	VarTenant       VarKind = "tenant"       // the target tenant id
	VarSubscription VarKind = "subscription" // the target subscription id
	VarPrincipal    VarKind = "principal"    // an Entra principal id
	VarPublicKey    VarKind = "public_key"   // SSH public key
)

// Variable is an input of the generated code.
type Variable struct {
	Name        string  `json:"name"`
	Kind        VarKind `json:"kind"`
	Description string  `json:"description"`
	Sensitive   bool    `json:"sensitive,omitempty"`
	// Rule is the secret detector's rule for a variable that replaces a secret found in the
	// source (engine/secrets), e.g. connection-string.
	Rule string `json:"rule,omitempty"`
	// Default is the value used when none is given (never set for secrets).
	Default *string `json:"default,omitempty"`
}

// Skipped is a resource that is deliberately not emitted.
type Skipped struct {
	ID     string `json:"id"`
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

// Dropped is a property removed from a resource (a secret). The value is never recorded.
type Dropped struct {
	Key    string `json:"key"`
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Var names that every model may use.
const (
	VarNameSubscriptionID = "subscription_id"
	VarNameTenantID       = "tenant_id"
)

// Resource returns the resource with key k, or nil.
func (m *Model) Resource(k string) *Resource {
	for _, r := range m.Resources {
		if r.Key == k {
			return r
		}
	}
	return nil
}

// Index returns the resources by key.
func (m *Model) Index() map[string]*Resource {
	idx := make(map[string]*Resource, len(m.Resources))
	for _, r := range m.Resources {
		idx[r.Key] = r
	}
	return idx
}

// Variable returns the named variable, or nil.
func (m *Model) Variable(name string) *Variable {
	for i := range m.Variables {
		if m.Variables[i].Name == name {
			return &m.Variables[i]
		}
	}
	return nil
}

// ResourceGroups returns the resource-group resources in order.
func (m *Model) ResourceGroups() []*Resource {
	var out []*Resource
	for _, r := range m.Resources {
		if r.IsResourceGroup() {
			out = append(out, r)
		}
	}
	return out
}

// IsResourceGroup reports whether r is a resource group.
func (r *Resource) IsResourceGroup() bool { return strings.EqualFold(r.Type, TypeResourceGroup) }

// LowerType is the lower-cased ARM type (the key of mapping tables).
func (r *Resource) LowerType() string { return strings.ToLower(r.Type) }

// LastName is the last segment of the ARM name (the child's own name).
func (r *Resource) LastName() string {
	if i := strings.LastIndexByte(r.Name, '/'); i >= 0 {
		return r.Name[i+1:]
	}
	return r.Name
}

// NameSegments splits the full ARM name.
func (r *Resource) NameSegments() []string { return strings.Split(r.Name, "/") }

// TypeSegments returns the type's segments after the namespace (virtualNetworks, subnets).
func (r *Resource) TypeSegments() []string {
	parts := strings.Split(r.Type, "/")
	if len(parts) < 2 {
		return nil
	}
	return parts[1:]
}

// Get returns the body value at a path (engine/jsonpath: a.b[0].c), or nil.
func (r *Resource) Get(path string) any { return jsonpath.Get(r.Body, path) }

// String returns the string at path, or "".
func (r *Resource) String(path string) string {
	s, _ := r.Get(path).(string)
	return s
}

// MarshalJSON encodes Ref, Var and SubRel values as {"$ref":…}, {"$var":…}, {"$subscription":…}.
// (Their struct tags do that; this method exists so the model marshals with deterministic key order,
// which encoding/json already guarantees for maps.)

// DecodeValue turns {"$ref": …}, {"$var": …}, {"$subscription": …} objects back into Ref, Var and
// SubRel values, recursively (used when parsing a spec).
func DecodeValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if k, ok := t["$ref"].(string); ok && len(t) <= 3 {
			r := Ref{Target: k}
			r.Suffix, _ = t["suffix"].(string)
			r.Property, _ = t["property"].(string)
			return r
		}
		if k, ok := t["$var"].(string); ok && len(t) == 1 {
			return Var{Name: k}
		}
		if k, ok := t["$subscription"].(string); ok && len(t) == 1 {
			return SubRel{Path: k}
		}
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = DecodeValue(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = DecodeValue(x)
		}
		return out
	default:
		return v
	}
}

// UnmarshalJSON decodes a resource, restoring symbolic values.
func (r *Resource) UnmarshalJSON(b []byte) error {
	type plain Resource
	var aux struct {
		plain
		Scope    any            `json:"scope,omitempty"`
		Body     map[string]any `json:"properties,omitempty"`
		Identity *struct {
			Type         string `json:"type"`
			UserAssigned []any  `json:"user_assigned,omitempty"`
		} `json:"identity,omitempty"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return fmt.Errorf("decode resource: %w", err)
	}
	*r = Resource(aux.plain)
	r.Scope = DecodeValue(aux.Scope)
	if aux.Body != nil {
		r.Body, _ = DecodeValue(aux.Body).(map[string]any)
	}
	if r.Tags != nil {
		r.Tags, _ = DecodeValue(r.Tags).(map[string]any) // a tag that held a secret is a Var
	}
	if aux.Identity != nil {
		r.Identity = &Identity{Type: aux.Identity.Type}
		for _, u := range aux.Identity.UserAssigned {
			r.Identity.UserAssigned = append(r.Identity.UserAssigned, DecodeValue(u))
		}
	}
	return nil
}
