package rules

import (
	"slices"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

func assertEdges(t *testing.T, got []graph.Edge, types []graph.EdgeType, want []string) {
	t.Helper()
	var sel []graph.Edge
	for _, e := range got {
		if slices.Contains(types, e.Type) {
			sel = append(sel, e)
		}
	}
	g := es(sel)
	slices.Sort(g)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(g, want) {
		t.Errorf("edges %v:\n got  %q\n want %q", types, g, want)
	}
}

// Payload-driven tests: each named rule against the real payload that carries its evidence.
func TestNamedRulesOnPayloads(t *testing.T) {
	const (
		rg1   = "/subscriptions/subid/resourcegroups/rg1"
		netRG = rg1 + "/providers/microsoft.network/"
	)
	vmRG := "/subscriptions/{subscription-id}/resourcegroups/myresourcegroup"
	tests := []struct {
		file  string
		idx   Index
		types []graph.EdgeType
		want  []string
	}{
		{"Microsoft.Network__networkInterfaces.json", nil,
			[]graph.EdgeType{graph.EdgeConnectedTo, graph.EdgeSecuredBy, graph.EdgeHasPublicIP, graph.EdgeContains, graph.EdgeLocatedIn},
			[]string{
				"CONNECTED_TO Resource:" + netRG + "networkinterfaces/test-nic -> Resource:" + netRG + "virtualnetworks/rg1-vnet/subnets/default",
				"SECURED_BY Resource:" + netRG + "networkinterfaces/test-nic -> Resource:" + netRG + "networksecuritygroups/nsg",
				"HAS_PUBLIC_IP Resource:" + netRG + "networkinterfaces/test-nic -> Resource:" + netRG + "publicipaddresses/test-ip",
				"CONTAINS ResourceGroup:" + rg1 + " -> Resource:" + netRG + "networkinterfaces/test-nic",
				"LOCATED_IN Resource:" + netRG + "networkinterfaces/test-nic -> Region:eastus",
			}},
		{"Microsoft.Compute__virtualMachines.json", nil,
			[]graph.EdgeType{graph.EdgeUses, graph.EdgeTaggedWith, graph.EdgeLocatedIn},
			[]string{
				"USES Resource:" + vmRG + "/providers/microsoft.compute/virtualmachines/myvm -> Resource:" + vmRG + "/providers/microsoft.compute/disks/myosdisk",
				"USES Resource:" + vmRG + "/providers/microsoft.compute/virtualmachines/myvm -> Resource:" + vmRG + "/providers/microsoft.compute/disks/mydatadisk0",
				"USES Resource:" + vmRG + "/providers/microsoft.compute/virtualmachines/myvm -> Resource:" + vmRG + "/providers/microsoft.compute/disks/mydatadisk1",
				"USES Resource:" + vmRG + "/providers/microsoft.compute/virtualmachines/myvm -> Resource:" + vmRG + "/providers/microsoft.network/networkinterfaces/{mynic}",
				"TAGGED_WITH Resource:" + vmRG + "/providers/microsoft.compute/virtualmachines/myvm -> Tag:myTag1=tagValue1",
				"LOCATED_IN Resource:" + vmRG + "/providers/microsoft.compute/virtualmachines/myvm -> Region:westus",
			}},
		{"Microsoft.Compute__virtualMachineScaleSets.json", nil,
			[]graph.EdgeType{graph.EdgeConnectedTo, graph.EdgeSecuredBy},
			[]string{
				"CONNECTED_TO Resource:" + vmRG + "/providers/microsoft.compute/virtualmachinescalesets/myvirtualmachinescaleset -> Resource:" + vmRG + "/providers/microsoft.network/virtualnetworks/myvnet/subnets/mysubnet",
				"SECURED_BY Resource:" + vmRG + "/providers/microsoft.compute/virtualmachinescalesets/myvirtualmachinescaleset -> Resource:" + vmRG + "/providers/microsoft.network/networksecuritygroups/mynetworksecuritygroup",
			}},
		{"Microsoft.Network__privateEndpoints.json", nil,
			[]graph.EdgeType{graph.EdgePrivateEndpointFor},
			[]string{"PRIVATE_ENDPOINT_FOR Resource:/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/privateendpoints/testpe -> Resource:/subscriptions/subid/resourcegroups/rg1/providers/microsoft.network/privatelinkservices/testpls"}},
		{"Microsoft.Web__sites.json", nil,
			[]graph.EdgeType{graph.EdgeHostedOn},
			[]string{"HOSTED_ON Resource:/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourcegroups/testrg123/providers/microsoft.web/sites/sitef6141 -> Resource:/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourcegroups/testrg123/providers/microsoft.web/serverfarms/defaultasp"}},
		{"Microsoft.Insights__diagnosticSettings.json", nil,
			[]graph.EdgeType{graph.EdgeSendsDiagnosticsTo, graph.EdgeContains},
			[]string{
				"SENDS_DIAGNOSTICS_TO Resource:/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6 -> Resource:/subscriptions/df602c9c-7aa0-407d-a6fb-eb20c8bd1192/resourcegroups/apptest/providers/microsoft.storage/storageaccounts/appteststorage1",
				"SENDS_DIAGNOSTICS_TO Resource:/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6 -> Resource:/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/montest/providers/microsoft.eventhub/namespaces/mynamespace",
				"SENDS_DIAGNOSTICS_TO Resource:/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6 -> Resource:/subscriptions/abcdeabc-1234-1234-ab12-123a1234567a/resourcegroups/test-rg/providers/microsoft.datadog/monitors/dd1",
				"CONTAINS Resource:/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6 -> Resource:/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6/providers/microsoft.insights/diagnosticsettings/mysetting",
			}},
		{"Microsoft.Network__virtualNetworks__virtualNetworkPeerings.json", nil,
			[]graph.EdgeType{graph.EdgePeeredWith},
			[]string{"PEERED_WITH Resource:/subscriptions/subid/resourcegroups/peertest/providers/microsoft.network/virtualnetworks/vnet1 -> Resource:/subscriptions/subid/resourcegroups/peertest/providers/microsoft.network/virtualnetworks/vnet2"}},
		{"Microsoft.Network__privateDnsZones__virtualNetworkLinks.json", nil,
			[]graph.EdgeType{graph.EdgeLinkedTo},
			[]string{"LINKED_TO Resource:/subscriptions/subscriptionid/resourcegroups/resourcegroup1/providers/microsoft.network/privatednszones/privatezone1.com -> Resource:/subscriptions/virtualnetworksubscriptionid/resourcegroups/virtualnetworkresourcegroup/providers/microsoft.network/virtualnetworks/virtualnetworkname"}},
		{"Microsoft.Sql__servers__databases.json", nil,
			[]graph.EdgeType{graph.EdgeHostedOn, graph.EdgeContains},
			[]string{
				"HOSTED_ON Resource:/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/default-sql-southeastasia/providers/microsoft.sql/servers/testsvr/databases/testdb -> Resource:/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/default-sql-southeastasia/providers/microsoft.sql/servers/testsvr",
				"CONTAINS Resource:/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/default-sql-southeastasia/providers/microsoft.sql/servers/testsvr -> Resource:/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/default-sql-southeastasia/providers/microsoft.sql/servers/testsvr/databases/testdb",
			}},
		{"Microsoft.Network__virtualNetworks__subnets.json", nil,
			[]graph.EdgeType{graph.EdgeContains},
			[]string{"CONTAINS Resource:/subscriptions/subid/resourcegroups/subnet-test/providers/microsoft.network/virtualnetworks/vnetname -> Resource:/subscriptions/subid/resourcegroups/subnet-test/providers/microsoft.network/virtualnetworks/vnetname/subnets/subnet1"}},
		{"Microsoft.Network__virtualNetworks.json", nil,
			[]graph.EdgeType{graph.EdgeContains},
			[]string{
				"CONTAINS ResourceGroup:" + rg1 + " -> Resource:" + netRG + "virtualnetworks/test-vnet",
				"CONTAINS Resource:" + netRG + "virtualnetworks/test-vnet -> Resource:" + netRG + "virtualnetworks/test-vnet/subnets/subnet1",
			}},
		{"Microsoft.EventHub__namespaces.json", MapIndex{}, // principalId "PrincipalIdGUID" is no object id
			[]graph.EdgeType{graph.EdgeUsesIdentity},
			[]string{
				"USES_IDENTITY Resource:/subscriptions/samplesubscription/resourcegroups/resurcegroupsample/providers/microsoft.eventhub/namespaces/namespacesample -> Resource:/subscriptions/samplesubscription/resourcegroups/resurcegroupsample/providers/microsoft.managedidentity/userassignedidentities/ud1",
				"USES_IDENTITY Resource:/subscriptions/samplesubscription/resourcegroups/resurcegroupsample/providers/microsoft.eventhub/namespaces/namespacesample -> Resource:/subscriptions/samplesubscription/resourcegroups/resurcegroupsample/providers/microsoft.managedidentity/userassignedidentities/ud2",
			}},
		{"Microsoft.EventHub__namespaces.json", NewIndex(graph.Node{Label: graph.LabelResource, ID: "/subscriptions/s/resourcegroups/kv/providers/microsoft.keyvault/vaults/sample-keyvault-user"}),
			[]graph.EdgeType{graph.EdgeUsesKeyVault},
			[]string{"USES_KEY_VAULT Resource:/subscriptions/samplesubscription/resourcegroups/resurcegroupsample/providers/microsoft.eventhub/namespaces/namespacesample -> Resource:/subscriptions/s/resourcegroups/kv/providers/microsoft.keyvault/vaults/sample-keyvault-user"}},
		{"Microsoft.ApiManagement__service.json", NewIndex(graph.Node{Label: graph.LabelResource, ID: "/subscriptions/s/resourcegroups/kv/providers/Microsoft.KeyVault/vaults/OGF-Testing/"}),
			[]graph.EdgeType{graph.EdgeUsesKeyVault, graph.EdgeUsesIdentity},
			[]string{
				"USES_KEY_VAULT Resource:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1/providers/microsoft.apimanagement/service/ogf-z3-06162021-premium -> Resource:/subscriptions/s/resourcegroups/kv/providers/microsoft.keyvault/vaults/ogf-testing",
				"USES_IDENTITY Resource:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1/providers/microsoft.apimanagement/service/ogf-z3-06162021-premium -> Resource:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1/providers/microsoft.managedidentity/userassignedidentities/ogf-identity",
				"USES_IDENTITY Resource:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg1/providers/microsoft.apimanagement/service/ogf-z3-06162021-premium -> ServicePrincipal:306205e7-b21a-41bf-92e2-3e28af30041e",
			}},
		{"Microsoft.Compute__disks.json", nil,
			[]graph.EdgeType{graph.EdgeUsesKeyVault},
			[]string{"USES_KEY_VAULT Resource:/subscriptions/{subscriptionid}/resourcegroups/myresourcegroup/providers/microsoft.compute/disks/mymanageddisk -> Resource:/subscriptions/{subscriptionid}/resourcegroups/myresourcegroup/providers/microsoft.keyvault/vaults/myvmvault"}},
		{"Microsoft.MachineLearningServices__workspaces.json", nil,
			[]graph.EdgeType{graph.EdgeUsesKeyVault},
			[]string{"USES_KEY_VAULT Resource:/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/workspace-1234/providers/microsoft.machinelearningservices/workspaces/testworkspace -> Resource:/subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/workspace-1234/providers/microsoft.keyvault/vaults/testkv"}},
		{"Microsoft.KeyVault__vaults.json", NewIndex(graph.Node{Label: graph.LabelResource, ID: "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/sample-resource-group/providers/microsoft.keyvault/vaults/sample-vault", Props: map[string]any{"type": "microsoft.keyvault/vaults"}}),
			[]graph.EdgeType{graph.EdgeUsesKeyVault, graph.EdgeReferences}, nil}, // its own vaultUri is no reference
		{"Microsoft.Network__applicationGateways.json", nil, []graph.EdgeType{graph.EdgeHasPublicIP},
			[]string{"HAS_PUBLIC_IP Resource:" + netRG + "applicationgateways/appgw -> Resource:" + netRG + "publicipaddresses/appgwpip"}},
		{"Microsoft.Network__azureFirewalls.json", nil, []graph.EdgeType{graph.EdgeHasPublicIP},
			[]string{"HAS_PUBLIC_IP Resource:" + netRG + "azurefirewalls/azurefirewall -> Resource:" + netRG + "publicipaddresses/pipname"}},
		{"Microsoft.Network__bastionHosts.json", nil, []graph.EdgeType{graph.EdgeHasPublicIP},
			[]string{"HAS_PUBLIC_IP Resource:" + netRG + "bastionhosts/bastionhosttenant' -> Resource:" + netRG + "publicipaddresses/pipname"}},
		{"Microsoft.Network__natGateways.json", nil, []graph.EdgeType{graph.EdgeHasPublicIP},
			[]string{"HAS_PUBLIC_IP Resource:" + netRG + "natgateways/test-natgateway -> Resource:" + netRG + "publicipaddresses/publicipaddress1"}},
		{"Microsoft.Network__virtualNetworkGateways.json", nil, []graph.EdgeType{graph.EdgeHasPublicIP},
			[]string{"HAS_PUBLIC_IP Resource:" + netRG + "virtualnetworkgateways/vpngw -> Resource:" + netRG + "publicipaddresses/gwpip"}},
		{"Microsoft.Network__publicIPAddresses.json", nil, []graph.EdgeType{graph.EdgeHasPublicIP}, nil},
		{"Microsoft.Authorization__roleAssignments.json", nil,
			[]graph.EdgeType{graph.EdgeAssignedTo, graph.EdgeHasRole, graph.EdgeAppliesTo},
			[]string{
				"ASSIGNED_TO RoleAssignment:/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/microsoft.authorization/roleassignments/b0f43c54-e787-4862-89b1-a653fa9cf747 -> User:ce2ce14e-85d7-4629-bdbc-454d0519d987",
				"HAS_ROLE RoleAssignment:/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/microsoft.authorization/roleassignments/b0f43c54-e787-4862-89b1-a653fa9cf747 -> RoleDefinition:/providers/microsoft.authorization/roledefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d",
				"APPLIES_TO RoleAssignment:/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/microsoft.authorization/roleassignments/b0f43c54-e787-4862-89b1-a653fa9cf747 -> Subscription:/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2",
			}},
		{"Microsoft.Authorization__roleAssignments.json", // role definition known at subscription scope; principal known as a Group
			MapIndex{"/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/microsoft.authorization/roledefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d": graph.LabelRoleDefinition,
				"ce2ce14e-85d7-4629-bdbc-454d0519d987": graph.LabelGroup},
			[]graph.EdgeType{graph.EdgeAssignedTo, graph.EdgeHasRole},
			[]string{
				"ASSIGNED_TO RoleAssignment:/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/microsoft.authorization/roleassignments/b0f43c54-e787-4862-89b1-a653fa9cf747 -> Group:ce2ce14e-85d7-4629-bdbc-454d0519d987",
				"HAS_ROLE RoleAssignment:/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/microsoft.authorization/roleassignments/b0f43c54-e787-4862-89b1-a653fa9cf747 -> RoleDefinition:/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/microsoft.authorization/roledefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d",
			}},
		{"Microsoft.Authorization__roleAssignments.json", // role definition known only in another subscription: resolved by GUID
			NewIndex(graph.Node{Label: graph.LabelRoleDefinition, ID: "/subscriptions/other/providers/Microsoft.Authorization/roleDefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d"}),
			[]graph.EdgeType{graph.EdgeHasRole},
			[]string{"HAS_ROLE RoleAssignment:/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/microsoft.authorization/roleassignments/b0f43c54-e787-4862-89b1-a653fa9cf747 -> RoleDefinition:/subscriptions/other/providers/microsoft.authorization/roledefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d"}},
		{"Microsoft.Resources__resourceGroups.json", nil,
			[]graph.EdgeType{graph.EdgeContains, graph.EdgeLocatedIn},
			[]string{
				"CONTAINS Subscription:/subscriptions/00000000-0000-0000-0000-000000000000 -> ResourceGroup:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/my-resource-group",
				"LOCATED_IN ResourceGroup:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/my-resource-group -> Region:westus2",
			}},
		{"Microsoft.Insights__metricAlerts.json", // id has "providers/providers"; scopes[0] is a known VM
			MapIndex{"/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/gigtest/providers/microsoft.compute/virtualmachines/gigwadme": graph.LabelResource},
			[]graph.EdgeType{graph.EdgeContains, graph.EdgeReferences},
			[]string{
				"CONTAINS ResourceGroup:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/gigtest -> Resource:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/gigtest/providers/providers/microsoft.insights/metricalerts/chiricutin",
				"REFERENCES Resource:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/gigtest/providers/providers/microsoft.insights/metricalerts/chiricutin -> Resource:/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/gigtest/providers/microsoft.compute/virtualmachines/gigwadme [properties.scopes[0]]",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			r := Apply(loadNode(t, tc.file), tc.idx)
			assertEdges(t, r.Edges, tc.types, tc.want)
		})
	}
}
