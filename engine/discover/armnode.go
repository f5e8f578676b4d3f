package discover

import (
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
)

// envelope keys NodeFromARM maps to documented prop names (graph/doc.go); every other
// top-level key of a Resource envelope (etag, extendedLocation, resources, …) is kept as is.
var envelopeProps = map[string]string{
	"id":         graph.PropID,
	"name":       graph.PropName,
	"location":   graph.PropLocation,
	"kind":       graph.PropKind,
	"sku":        graph.PropSKU,
	"identity":   graph.PropIdentity,
	"zones":      graph.PropZones,
	"managedBy":  graph.PropManagedBy,
	"plan":       graph.PropPlan,
	"tags":       graph.PropTags,
	"systemData": graph.PropSystemData,
	"properties": graph.PropProperties,
	"apiVersion": graph.PropAPIVersion,
}

// NodeFromARM builds a graph node from one ARM envelope (a GET or Resource Graph row); every
// package that turns envelopes into nodes (discovery, the IaC test corpus, fixtures) uses it.
// The label follows the type: resource groups, subscriptions, role assignments and role
// definitions get their own labels (with the props graph/doc.go lists), everything else is
// a Resource holding the whole envelope: type lower-cased (type_display keeps the original;
// a missing type is derived from the id), resource_group and subscription_id parsed from the
// id (lower-cased, as Resource Graph reports them), tags kept only when they are an object.
// The node key is the lower-cased id. It never fails: a malformed envelope gives a node with
// what could be read.
func NodeFromARM(tenantID string, env map[string]any) graph.Node {
	id := str(env, "id")
	key := armid.CleanKey(id)
	a, parsed := armid.ParseKey(id)
	typeDisplay := str(env, "type")
	typ := strings.ToLower(typeDisplay)
	if typ == "" && parsed {
		typ = a.Type()
		if typ == "" {
			switch a.Label() {
			case graph.LabelSubscription:
				typ = "microsoft.resources/subscriptions"
			case graph.LabelResourceGroup:
				typ = "microsoft.resources/resourcegroups"
			}
		}
	}
	n := graph.Node{ID: key, TenantID: tenantID, Props: map[string]any{}}
	sub, rg := "", ""
	if parsed {
		sub, rg = a.Subscription(), a.ResourceGroup()
	}
	if s := str(env, "subscriptionId"); sub == "" && s != "" {
		sub = strings.ToLower(s)
	}
	props, _ := env["properties"].(map[string]any)

	switch {
	case typ == "microsoft.resources/subscriptions" || (parsed && a.Label() == graph.LabelSubscription):
		n.Label = graph.LabelSubscription
		name := str(env, "displayName")
		if name == "" {
			name = str(env, "name")
		}
		setNonEmpty(n.Props, graph.PropID, id)
		setNonEmpty(n.Props, graph.PropSubscription, sub)
		setNonEmpty(n.Props, graph.PropName, name)
		setNonEmpty(n.Props, "state", str(env, "state"))
		setNonEmpty(n.Props, "tenant_id", strings.ToLower(str(env, "tenantId")))
		if t, ok := env["tags"].(map[string]any); ok {
			n.Props[graph.PropTags] = t
		}
	case typ == "microsoft.resources/resourcegroups" || (parsed && a.Label() == graph.LabelResourceGroup):
		n.Label = graph.LabelResourceGroup
		setNonEmpty(n.Props, graph.PropID, id)
		setNonEmpty(n.Props, graph.PropName, str(env, "name"))
		setNonEmpty(n.Props, graph.PropLocation, str(env, "location"))
		setNonEmpty(n.Props, graph.PropSubscription, sub)
		setNonEmpty(n.Props, graph.PropManagedBy, str(env, "managedBy"))
		if t, ok := env["tags"].(map[string]any); ok {
			n.Props[graph.PropTags] = t
		}
		if props != nil {
			n.Props[graph.PropProperties] = props
		}
	case typ == "microsoft.authorization/roleassignments":
		n.Label = graph.LabelRoleAssignment
		setNonEmpty(n.Props, graph.PropID, id)
		setNonEmpty(n.Props, graph.PropName, str(env, "name"))
		setNonEmpty(n.Props, "principal_id", strings.ToLower(str(props, "principalId")))
		setNonEmpty(n.Props, "principal_type", str(props, "principalType"))
		setNonEmpty(n.Props, "role_definition_id", str(props, "roleDefinitionId"))
		scope := str(props, "scope")
		if scope == "" {
			scope = armid.ExtensionScope(id)
		}
		setNonEmpty(n.Props, "scope", scope)
		setNonEmpty(n.Props, graph.PropSubscription, sub)
		if c, ok := props["condition"]; ok && c != nil {
			n.Props["condition"] = c
		}
		if props != nil {
			n.Props[graph.PropProperties] = props
		}
	case typ == "microsoft.authorization/roledefinitions":
		n.Label = graph.LabelRoleDefinition
		setNonEmpty(n.Props, graph.PropID, id)
		setNonEmpty(n.Props, graph.PropName, str(env, "name"))
		setNonEmpty(n.Props, "role_name", str(props, "roleName"))
		setNonEmpty(n.Props, "role_type", str(props, "type"))
		setNonEmpty(n.Props, "description", str(props, "description"))
		if p, ok := props["permissions"]; ok {
			n.Props["permissions"] = p
		}
		if s, ok := props["assignableScopes"]; ok {
			n.Props["assignable_scopes"] = s
		}
	default:
		n.Label = graph.LabelResource
		for k, v := range env {
			if v == nil {
				continue
			}
			if p, ok := envelopeProps[k]; ok {
				if k == "tags" {
					if _, isMap := v.(map[string]any); !isMap {
						continue
					}
				}
				n.Props[p] = v
				continue
			}
			switch k {
			case "type", "resourceGroup", "subscriptionId", "tenantId":
				continue
			}
			n.Props[k] = v
		}
		n.Props[graph.PropType] = typ
		setNonEmpty(n.Props, graph.PropTypeDisplay, typeDisplay)
		setNonEmpty(n.Props, graph.PropResourceGroup, rg)
		setNonEmpty(n.Props, graph.PropSubscription, sub)
	}
	return n
}

func setNonEmpty(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}
