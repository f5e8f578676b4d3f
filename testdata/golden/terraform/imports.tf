import {
  to = azurerm_role_assignment.b0f43c54_e787_4862_89b1_a653fa9cf747
  id = "/subscriptions/a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/providers/Microsoft.Authorization/roleAssignments/b0f43c54-e787-4862-89b1-a653fa9cf747"
}

import {
  to = azurerm_resource_group.default_sql_southeastasia
  id = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/Default-SQL-SouthEastAsia"
}

import {
  to = azurerm_lb.lb
  id = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/loadBalancers/lb"
}

import {
  to = azurerm_lb_backend_address_pool.lb_be_lb
  id = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/loadBalancers/lb/backendAddressPools/be-lb"
}

import {
  to = azurerm_lb_probe.lb_probe_lb
  id = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/loadBalancers/lb/probes/probe-lb"
}

import {
  to = azurerm_lb_rule.lb_rulelb
  id = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/loadBalancers/lb/loadBalancingRules/rulelb"
}

import {
  to = azurerm_lb_nat_rule.lb_in_nat_rule
  id = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/loadBalancers/lb/inboundNatRules/in-nat-rule"
}

import {
  to = azurerm_resource_group.myresourcegroup
  id = "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup"
}

import {
  to = azapi_resource.myvm
  id = "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVM?api-version=2024-07-01"
}

import {
  to = azapi_resource.myvm_myvmextension
  id = "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/virtualMachines/myVM/extensions/myVMExtension?api-version=2024-07-01"
}

import {
  to = azurerm_private_dns_zone.privatezone1_com
  id = "/subscriptions/subscriptionId/resourceGroups/resourceGroup1/providers/Microsoft.Network/privateDnsZones/privatezone1.com"
}

import {
  to = azurerm_private_dns_zone_virtual_network_link.privatezone1_com_virtualnetworklink1
  id = "/subscriptions/subscriptionId/resourceGroups/resourceGroup1/providers/Microsoft.Network/privateDnsZones/privatezone1.com/virtualNetworkLinks/virtualNetworkLink1"
}

import {
  to = azurerm_resource_group.res9407
  id = "/subscriptions/{subscription-id}/resourceGroups/res9407"
}

import {
  to = azurerm_resource_group.resourcegroup1
  id = "/subscriptions/subscriptionId/resourceGroups/resourceGroup1"
}

import {
  to = azurerm_resource_group.rg1
  id = "/subscriptions/subid/resourceGroups/rg1"
}

import {
  to = azurerm_resource_group.sample_resource_group
  id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sample-resource-group"
}

import {
  to = azurerm_key_vault.sample_vault
  id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sample-resource-group/providers/Microsoft.KeyVault/vaults/sample-vault"
}

import {
  to = azurerm_windows_web_app.sitef6141
  id = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.Web/sites/sitef6141"
}

import {
  to = azurerm_storage_account.sto8596
  id = "/subscriptions/{subscription-id}/resourceGroups/res9407/providers/Microsoft.Storage/storageAccounts/sto8596"
}

import {
  to = azurerm_resource_group.subnet_test
  id = "/subscriptions/subId/resourceGroups/subnet-test"
}

import {
  to = azurerm_virtual_network.test_vnet
  id = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/test-vnet"
}

import {
  to = azurerm_resource_group.testrg123
  id = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123"
}

import {
  to = azapi_resource.testsf6141
  id = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.Web/serverfarms/testsf6141?api-version=2023-12-01"
}

import {
  to = azurerm_mssql_database.testsvr_testdb
  id = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/Default-SQL-SouthEastAsia/providers/Microsoft.Sql/servers/testsvr/databases/testdb"
}

import {
  to = azurerm_resource_group.viruela1
  id = "/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourceGroups/viruela1"
}

import {
  to = azurerm_monitor_diagnostic_setting.viruela6_mysetting
  id = "/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourceGroups/viruela1/providers/Microsoft.Logic/workflows/viruela6|mysetting"
}

import {
  to = azapi_resource.vnetname_subnet1
  id = "/subscriptions/subId/resourceGroups/subnet-test/providers/Microsoft.Network/virtualNetworks/vnetname/subnets/subnet1?api-version=2024-01-01"
}
