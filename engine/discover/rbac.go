package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// AuthorizationAPIVersion is the api-version of role assignment and definition lists.
const AuthorizationAPIVersion = "2022-04-01"

// RoleAssignments lists every role assignment of a subscription in one paged list (assignments
// at the subscription, its resource groups and resources, and inherited ones), never one call
// per resource.
func (d *Discoverer) RoleAssignments(ctx context.Context, tenantID, subscriptionID string, emit func(graph.Node)) error {
	path := "/subscriptions/" + subscriptionID + "/providers/Microsoft.Authorization/roleAssignments"
	return d.Azure.ListARM(ctx, path, AuthorizationAPIVersion, nil, func(raw json.RawMessage) error {
		var env map[string]any
		if err := json.Unmarshal(raw, &env); err != nil {
			return fmt.Errorf("decoding role assignment: %w", err)
		}
		if str(env, "id") != "" {
			emit(NodeFromARM(tenantID, env))
		}
		return nil
	})
}

// RoleDefinitions lists the role definitions (built-in and custom) usable in a subscription.
func (d *Discoverer) RoleDefinitions(ctx context.Context, tenantID, subscriptionID string, emit func(graph.Node)) error {
	path := "/subscriptions/" + subscriptionID + "/providers/Microsoft.Authorization/roleDefinitions"
	return d.Azure.ListARM(ctx, path, AuthorizationAPIVersion, url.Values{}, func(raw json.RawMessage) error {
		var env map[string]any
		if err := json.Unmarshal(raw, &env); err != nil {
			return fmt.Errorf("decoding role definition: %w", err)
		}
		if str(env, "id") != "" {
			emit(NodeFromARM(tenantID, env))
		}
		return nil
	})
}

// RoleAssignmentsQuery is the KQL of the role assignments of subscriptions in Resource Graph's
// authorizationresources table (the same envelope fields an ARM list returns).
func RoleAssignmentsQuery(subs []string) string {
	return "authorizationresources | where subscriptionId in " + quoteList(subs) +
		" | where type =~ 'microsoft.authorization/roleassignments' | project id, name, type, properties | order by id asc"
}

// RoleAssignmentsARG lists the role assignments of subs with one Resource Graph query (paged)
// instead of one ARM list per subscription: what an incremental scan re-reads each time, as
// role assignments have no change table. Assignments above the subscriptions (management
// groups) are not in it.
func (d *Discoverer) RoleAssignmentsARG(ctx context.Context, tenantID string, subs []string, emit func(graph.Node)) error {
	err := d.QueryKQL(ctx, subs, RoleAssignmentsQuery, func(env map[string]any) error {
		if str(env, "id") == "" {
			return nil
		}
		if t := str(env, "type"); t == strings.ToLower(t) {
			env["type"] = "Microsoft.Authorization/roleAssignments" // Resource Graph lower-cases types
		}
		emit(NodeFromARM(tenantID, env))
		return nil
	})
	if err != nil {
		return fmt.Errorf("role assignments from resource graph: %w", err)
	}
	return nil
}
