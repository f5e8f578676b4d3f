output "resource_group_sample_resource_group_id" {
  value = azurerm_resource_group.sample_resource_group.id
}

output "resource_group_default_sql_southeastasia_id" {
  value = azurerm_resource_group.default_sql_southeastasia.id
}

output "resource_group_viruela1_id" {
  value = azurerm_resource_group.viruela1.id
}

output "resource_group_testrg123_id" {
  value = azurerm_resource_group.testrg123.id
}

output "resource_group_rg1_id" {
  value = azurerm_resource_group.rg1.id
}

output "resource_group_subnet_test_id" {
  value = azurerm_resource_group.subnet_test.id
}

output "resource_group_resourcegroup1_id" {
  value = azurerm_resource_group.resourcegroup1.id
}

output "resource_group_myresourcegroup_id" {
  value = azurerm_resource_group.myresourcegroup.id
}

output "resource_group_res9407_id" {
  value = azurerm_resource_group.res9407.id
}
