package discover

import (
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// SubscriptionNode shapes a subscription.
func SubscriptionNode(tenantID, subscriptionID, displayName, state string) graph.Node {
	id := "/subscriptions/" + subscriptionID
	return graph.Node{Label: graph.LabelSubscription, ID: graph.NormalizeID(id), TenantID: tenantID, Props: map[string]any{
		graph.PropID: id, graph.PropSubscription: strings.ToLower(subscriptionID), graph.PropName: displayName,
		"state": state, "tenant_id": tenantID,
	}}
}

// TenantNode shapes the tenant.
func TenantNode(tenantID, displayName, defaultDomain string) graph.Node {
	return graph.Node{Label: graph.LabelTenant, ID: strings.ToLower(tenantID), TenantID: tenantID, Props: map[string]any{
		"tenant_id": tenantID, "display_name": displayName, "default_domain": defaultDomain,
	}}
}

func dropNil(m map[string]any) {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
}

// UserNode shapes an MS Graph user.
func UserNode(tenantID string, u map[string]any) (graph.Node, bool) {
	id := str(u, "id")
	if id == "" {
		return graph.Node{}, false
	}
	props := map[string]any{
		"display_name": u["displayName"], "user_principal_name": u["userPrincipalName"], "mail": u["mail"],
		"account_enabled": u["accountEnabled"], "user_type": u["userType"],
	}
	dropNil(props)
	return graph.Node{Label: graph.LabelUser, ID: strings.ToLower(id), TenantID: tenantID, Props: props}, true
}

// GroupNode shapes an MS Graph group and its members.
func GroupNode(tenantID string, g map[string]any, members []map[string]any) (graph.Node, bool) {
	id := str(g, "id")
	if id == "" {
		return graph.Node{}, false
	}
	ms := make([]any, 0, len(members))
	for _, m := range members {
		ms = append(ms, map[string]any{"id": strings.ToLower(str(m, "id")), "type": memberType(str(m, "@odata.type"))})
	}
	props := map[string]any{
		"display_name": g["displayName"], "mail_nickname": g["mailNickname"], "description": g["description"],
		"security_enabled": g["securityEnabled"], "mail_enabled": g["mailEnabled"], "members": ms,
	}
	dropNil(props)
	return graph.Node{Label: graph.LabelGroup, ID: strings.ToLower(id), TenantID: tenantID, Props: props}, true
}

func memberType(odataType string) string {
	t := strings.TrimPrefix(odataType, "#microsoft.graph.")
	switch strings.ToLower(t) {
	case "user":
		return "user"
	case "group":
		return "group"
	case "serviceprincipal":
		return "servicePrincipal"
	case "":
		return "unknown"
	}
	return t
}

// ServicePrincipalNode shapes an MS Graph service principal.
func ServicePrincipalNode(tenantID string, s map[string]any) (graph.Node, bool) {
	id := str(s, "id")
	if id == "" {
		return graph.Node{}, false
	}
	props := map[string]any{
		"display_name": s["displayName"], "app_id": s["appId"], "service_principal_type": s["servicePrincipalType"],
		"account_enabled": s["accountEnabled"],
	}
	dropNil(props)
	return graph.Node{Label: graph.LabelServicePrincipal, ID: strings.ToLower(id), TenantID: tenantID, Props: props}, true
}

// ApplicationNode shapes an MS Graph application.
func ApplicationNode(tenantID string, a map[string]any) (graph.Node, bool) {
	id := str(a, "id")
	if id == "" {
		return graph.Node{}, false
	}
	props := map[string]any{"display_name": a["displayName"], "app_id": a["appId"]}
	if creds := credentialMetadata(a); len(creds) > 0 {
		props["credentials"] = creds
	}
	dropNil(props)
	return graph.Node{Label: graph.LabelApplication, ID: strings.ToLower(id), TenantID: tenantID, Props: props}, true
}

// credentialMetadata keeps an application's credential metadata (kind, key id, display name,
// validity) and never a secret: secretText, hint and certificate keys are dropped.
func credentialMetadata(a map[string]any) []any {
	var out []any
	for _, kind := range []struct{ field, typ string }{{"passwordCredentials", "password"}, {"keyCredentials", "certificate"}} {
		list, _ := a[kind.field].([]any)
		for _, c := range list {
			m, ok := c.(map[string]any)
			if !ok {
				continue
			}
			md := map[string]any{"type": kind.typ, "key_id": m["keyId"], "display_name": m["displayName"],
				"start_date_time": m["startDateTime"], "end_date_time": m["endDateTime"]}
			dropNil(md)
			out = append(out, md)
		}
	}
	return out
}
