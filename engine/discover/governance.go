package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/discover/childtree"
	"github.com/atg-go/atg/engine/graph"
)

// Governance api-versions.
const (
	ManagementGroupsAPIVersion = "2021-04-01"
	PolicyAPIVersion           = "2022-06-01"
	LocksAPIVersion            = "2016-09-01"
	PolicyExemptionsAPIVersion = "2022-07-01-preview"
)

// ManagementGroupPath is the tenant root group (its id is the tenant id).
func ManagementGroupPath(tenantID string) string {
	return "/providers/Microsoft.Management/managementGroups/" + tenantID
}

// ManagementGroups reads the whole management group hierarchy in one call (the tenant root
// group with $expand=children&$recurse=true) and emits a ManagementGroup node per group, each
// with its children (groups and subscriptions) and parent.
func (d *Discoverer) ManagementGroups(ctx context.Context, tenantID string, emit func(graph.Node)) error {
	q := url.Values{"$expand": {"children"}, "$recurse": {"true"}}
	u, err := azure.BuildARMURL(d.Azure.Endpoints.ARM, ManagementGroupPath(tenantID), ManagementGroupsAPIVersion, q)
	if err != nil {
		return err
	}
	var root map[string]any
	if err := d.Azure.GetARM(ctx, u, ManagementGroupsAPIVersion, &root); err != nil {
		return fmt.Errorf("reading the management group hierarchy: %w", err)
	}
	props := obj(root, "properties")
	top := map[string]any{"id": root["id"], "name": root["name"], "displayName": str(props, "displayName"), "children": props["children"]}
	for _, n := range ManagementGroupNodes(tenantID, top, "") {
		emit(n)
	}
	return nil
}

// ManagementGroupNodes flattens a group (with nested children) into nodes.
func ManagementGroupNodes(tenantID string, g map[string]any, parent string) []graph.Node {
	id := str(g, "id")
	if id == "" {
		return nil
	}
	kids, _ := g["children"].([]any)
	var children []any
	var out []graph.Node
	for _, k := range kids {
		m, ok := k.(map[string]any)
		if !ok || str(m, "id") == "" {
			continue
		}
		children = append(children, map[string]any{"id": str(m, "id"), "type": str(m, "type"), "display_name": str(m, "displayName")})
		if strings.EqualFold(str(m, "type"), "Microsoft.Management/managementGroups") {
			out = append(out, ManagementGroupNodes(tenantID, m, id)...)
		}
	}
	props := map[string]any{graph.PropID: id, graph.PropName: g["name"], "display_name": g["displayName"],
		"children": nonNil(children), "tenant_id": tenantID}
	if parent != "" {
		props["parent_id"] = parent
	}
	dropNil(props)
	return append([]graph.Node{{Label: graph.LabelManagementGroup, ID: graph.NormalizeID(id), TenantID: tenantID, Props: props}}, out...)
}

// Governance lists a subscription's policy assignments (at the subscription, its resource
// groups and resources, and inherited ones), policy exemptions, custom policy definitions and
// set definitions, resource locks (at every scope in it) and the subscription's diagnostic
// settings: one paged list each, never a call per resource. Each failed list is recorded in sink.
func (d *Discoverer) Governance(ctx context.Context, tenantID, subscriptionID string, emit func(graph.Node), sink *Sink) {
	sub := "/subscriptions/" + subscriptionID
	custom := url.Values{"$filter": {"policyType eq 'Custom'"}}
	for _, l := range []struct {
		path, version string
		query         url.Values
	}{
		{sub + "/providers/Microsoft.Authorization/policyAssignments", PolicyAPIVersion, nil},
		{sub + "/providers/Microsoft.Authorization/policyExemptions", PolicyExemptionsAPIVersion, nil},
		{sub + "/providers/Microsoft.Authorization/policyDefinitions", PolicyAPIVersion, custom},
		{sub + "/providers/Microsoft.Authorization/policySetDefinitions", PolicyAPIVersion, custom},
		{sub + "/providers/Microsoft.Authorization/locks", LocksAPIVersion, nil},
		{sub + "/providers/Microsoft.Insights/diagnosticSettings", childtree.DiagVersion, nil},
	} {
		err := d.Azure.ListARM(ctx, l.path, l.version, l.query, func(raw json.RawMessage) error {
			var env map[string]any
			if err := json.Unmarshal(raw, &env); err != nil {
				return fmt.Errorf("decoding %s: %w", l.path, err)
			}
			if str(env, "id") != "" {
				env["apiVersion"] = l.version
				emit(NodeFromARM(tenantID, env))
			}
			return nil
		})
		if err != nil && ctx.Err() == nil {
			sink.Fail(FailureFrom(subscriptionID, l.path, err))
		}
	}
}
