package model

import (
	"encoding/json"
	"strings"
	"testing"
)

// Secret references (names of secrets) are kept; own sub-resource lists that are writable
// references are kept; read-only back-reference lists are dropped.
func TestSecretRefsAndForwardRefListsKept(t *testing.T) {
	lb := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb1"
	props := map[string]any{
		"frontendIPConfigurations": []any{map[string]any{"name": "fe", "id": lb + "/frontendIPConfigurations/fe",
			"properties": map[string]any{
				"privateIPAllocationMethod": "Dynamic",
				// back-references: rules that use this frontend (read-only)
				"loadBalancingRules": []any{map[string]any{"id": lb + "/loadBalancingRules/r1"}},
			}}},
		"outboundRules": []any{map[string]any{"name": "out", "id": lb + "/outboundRules/out", "properties": map[string]any{
			"protocol":                 "All",
			"frontendIPConfigurations": []any{map[string]any{"id": lb + "/frontendIPConfigurations/fe"}},
			"backendAddressPool":       map[string]any{"id": lb + "/backendAddressPools/be"},
		}}},
	}
	got := WritableProperties("Microsoft.Network/loadBalancers", lb, props)
	b, _ := json.Marshal(got)
	s := string(b)
	if strings.Contains(s, "loadBalancingRules/r1") {
		t.Errorf("back-reference list kept: %s", s)
	}
	if !strings.Contains(s, `"frontendIPConfigurations":[{"id":"`+lb+`/frontendIPConfigurations/fe"}]`) {
		t.Errorf("outbound rule frontends dropped: %s", s)
	}

	app := map[string]any{"template": map[string]any{"containers": []any{map[string]any{"name": "c", "env": []any{
		map[string]any{"name": "DB_PASSWORD", "secretRef": "db-password"},
		map[string]any{"name": "API_KEY", "value": "plain-secret-value"},
	}}}}, "configuration": map[string]any{"registries": []any{map[string]any{"server": "r.azurecr.io", "username": "u", "passwordSecretRef": "reg-pwd"}}}}
	got = WritableProperties("Microsoft.App/containerApps", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/containerApps/a", app)
	b, _ = json.Marshal(got)
	s = string(b)
	if !strings.Contains(s, `"secretRef":"db-password"`) || !strings.Contains(s, `"passwordSecretRef":"reg-pwd"`) {
		t.Errorf("secret references (names, not secrets) dropped: %s", s)
	}
	if strings.Contains(s, "plain-secret-value") {
		t.Errorf("a secret setting's value leaked: %s", s)
	}
}

// An application gateway's backend members by host name are writable (fqdn is read-only
// elsewhere: a server's or cluster's computed name).
func TestAppGatewayBackendFQDNKept(t *testing.T) {
	id := "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/applicationGateways/agw"
	props := map[string]any{"backendAddressPools": []any{map[string]any{"name": "pool", "properties": map[string]any{
		"backendAddresses": []any{map[string]any{"fqdn": "app-1.azurewebsites.net"}}}}}}
	b, _ := json.Marshal(WritableProperties("Microsoft.Network/applicationGateways", id, props))
	if !strings.Contains(string(b), "app-1.azurewebsites.net") {
		t.Errorf("backend fqdn dropped: %s", b)
	}
}
