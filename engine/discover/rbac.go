package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

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
