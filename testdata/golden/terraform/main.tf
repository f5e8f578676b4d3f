resource "azurerm_resource_group" "sample_resource_group" {
  name     = "sample-resource-group"
  location = "westus"
}

resource "azurerm_key_vault" "sample_vault" {
  name                            = "sample-vault"
  resource_group_name             = azurerm_resource_group.sample_resource_group.name
  location                        = "westus"
  tenant_id                       = var.tenant_id
  sku_name                        = "standard"
  rbac_authorization_enabled      = false
  enabled_for_deployment          = true
  enabled_for_disk_encryption     = true
  enabled_for_template_deployment = true
  public_network_access_enabled   = true
  access_policy {
    tenant_id = var.tenant_id
    object_id = "00000000-0000-0000-0000-000000000000"
    key_permissions = [
      "Encrypt",
      "Decrypt",
      "WrapKey",
      "UnwrapKey",
      "Sign",
      "Verify",
      "Get",
      "List",
      "Create",
      "Update",
      "Import",
      "Delete",
      "Backup",
      "Restore",
      "Recover",
      "Purge",
    ]
    secret_permissions = [
      "Get",
      "List",
      "Set",
      "Delete",
      "Backup",
      "Restore",
      "Recover",
      "Purge",
    ]
    certificate_permissions = [
      "Get",
      "List",
      "Delete",
      "Create",
      "Import",
      "Update",
      "ManageContacts",
      "GetIssuers",
      "ListIssuers",
      "SetIssuers",
      "DeleteIssuers",
      "ManageIssuers",
      "Recover",
      "Purge",
    ]
  }
}

resource "azurerm_resource_group" "default_sql_southeastasia" {
  name     = "Default-SQL-SouthEastAsia"
  location = "southeastasia"
}

resource "azurerm_mssql_database" "testsvr_testdb" {
  name                 = "testdb"
  server_id            = "${azurerm_resource_group.default_sql_southeastasia.id}/providers/Microsoft.Sql/servers/testsvr"
  sku_name             = "BC_Gen5_2"
  collation            = "SQL_Latin1_General_CP1_CI_AS"
  max_size_gb          = 250
  zone_redundant       = false
  license_type         = "LicenseIncluded"
  read_scale           = true
  storage_account_type = "Geo"
}

resource "azurerm_resource_group" "viruela1" {
  name     = "viruela1"
  location = "eastus"
}

resource "azurerm_monitor_diagnostic_setting" "viruela6_mysetting" {
  name                           = "mysetting"
  target_resource_id             = var.ref_workflows_viruela6
  storage_account_id             = var.ref_storageaccounts_appteststorage1
  eventhub_authorization_rule_id = var.ref_authorizationrules_myrule
  partner_solution_id            = var.ref_monitors_dd1
  enabled_log {
    category_group = "allLogs"
  }
  enabled_metric {
    category = "WorkflowMetrics"
  }
}

resource "azurerm_resource_group" "testrg123" {
  name     = "testrg123"
  location = "eastus"
}

resource "azapi_resource" "testsf6141" {
  type      = "Microsoft.Web/serverfarms@2023-12-01"
  name      = "testsf6141"
  parent_id = azurerm_resource_group.testrg123.id
  location  = "eastus"
  body = {
    kind = "app"
    properties = {
      isSpot             = false
      reserved           = false
      targetWorkerCount  = 0
      targetWorkerSizeId = 0
    }
    sku = {
      capacity = 1
      family   = "P"
      name     = "P1"
      size     = "P1"
      tier     = "Premium"
    }
  }
}

resource "azurerm_windows_web_app" "sitef6141" {
  name                       = "sitef6141"
  resource_group_name        = azurerm_resource_group.testrg123.name
  location                   = "eastus"
  service_plan_id            = var.ref_serverfarms_defaultasp
  enabled                    = true
  https_only                 = false
  client_affinity_enabled    = true
  client_certificate_enabled = false
  client_certificate_mode    = "Required"
  site_config {
    always_on                = false
    http2_enabled            = false
    websockets_enabled       = false
    use_32_bit_worker        = true
    remote_debugging_enabled = false
    ftps_state               = "AllAllowed"
    minimum_tls_version      = "1.2"
    scm_minimum_tls_version  = "1.2"
    managed_pipeline_mode    = "Integrated"
    vnet_route_all_enabled   = false
  }
}

resource "azurerm_role_assignment" "b0f43c54_e787_4862_89b1_a653fa9cf747" {
  name               = "b0f43c54-e787-4862-89b1-a653fa9cf747"
  scope              = "/subscriptions/${var.subscription_id}"
  role_definition_id = "/providers/Microsoft.Authorization/roleDefinitions/0b5fe924-9a61-425c-96af-cfe6e287ca2d"
  principal_id       = "ce2ce14e-85d7-4629-bdbc-454d0519d987"
  principal_type     = "User"
}

resource "azurerm_resource_group" "rg1" {
  name     = "rg1"
  location = "westus"
}

resource "azurerm_lb" "lb" {
  name                = "lb"
  resource_group_name = azurerm_resource_group.rg1.name
  location            = "westus"
  sku                 = "Basic"
  frontend_ip_configuration {
    name                          = "fe-lb"
    subnet_id                     = var.ref_subnets_subnetlb
    private_ip_address_allocation = "Dynamic"
    private_ip_address_version    = "IPv4"
  }
}

resource "azurerm_lb_backend_address_pool" "lb_be_lb" {
  name            = "be-lb"
  loadbalancer_id = azurerm_lb.lb.id
}

resource "azurerm_lb_probe" "lb_probe_lb" {
  name                = "probe-lb"
  loadbalancer_id     = azurerm_lb.lb.id
  protocol            = "Http"
  port                = 80
  request_path        = "healthcheck.aspx"
  interval_in_seconds = 15
  number_of_probes    = 2
  probe_threshold     = 1
}

resource "azurerm_lb_rule" "lb_rulelb" {
  name                           = "rulelb"
  loadbalancer_id                = azurerm_lb.lb.id
  frontend_ip_configuration_name = "fe-lb"
  protocol                       = "Tcp"
  frontend_port                  = 80
  backend_port                   = 80
  backend_address_pool_ids = [
    azurerm_lb_backend_address_pool.lb_be_lb.id,
  ]
  probe_id                = azurerm_lb_probe.lb_probe_lb.id
  floating_ip_enabled     = true
  idle_timeout_in_minutes = 15
  load_distribution       = "Default"
  disable_outbound_snat   = false
  tcp_reset_enabled       = true
}

resource "azurerm_lb_nat_rule" "lb_in_nat_rule" {
  name                           = "in-nat-rule"
  resource_group_name            = azurerm_resource_group.rg1.name
  loadbalancer_id                = azurerm_lb.lb.id
  frontend_ip_configuration_name = "fe-lb"
  protocol                       = "Tcp"
  frontend_port                  = 3389
  backend_port                   = 3389
  idle_timeout_in_minutes        = 15
  floating_ip_enabled            = true
  tcp_reset_enabled              = true
}

resource "azurerm_virtual_network" "test_vnet" {
  name                = "test-vnet"
  resource_group_name = azurerm_resource_group.rg1.name
  location            = "westus"
  address_space = [
    "10.0.0.0/16",
  ]
  subnet {
    name = "subnet1"
    address_prefixes = [
      "10.0.1.0/24",
    ]
  }
}

resource "azurerm_resource_group" "subnet_test" {
  name     = "subnet-test"
  location = "eastus"
}

resource "azapi_resource" "vnetname_subnet1" {
  type      = "Microsoft.Network/virtualNetworks/subnets@2024-01-01"
  name      = "subnet1"
  parent_id = "${azurerm_resource_group.subnet_test.id}/providers/Microsoft.Network/virtualNetworks/vnetname"
  body = {
    properties = {
      addressPrefix = "10.0.0.0/16"
      delegations = [
        {
          name = "myDelegation"
          properties = {
            serviceName = "Microsoft.Provider/resourceType"
          }
        },
      ]
    }
  }
}

resource "azurerm_resource_group" "resourcegroup1" {
  name     = "resourceGroup1"
  location = "eastus"
}

resource "azurerm_private_dns_zone" "privatezone1_com" {
  name                = "privatezone1.com"
  resource_group_name = azurerm_resource_group.resourcegroup1.name
  tags = {
    key1 = "value1"
  }
}

resource "azurerm_private_dns_zone_virtual_network_link" "privatezone1_com_virtualnetworklink1" {
  name                 = "virtualNetworkLink1"
  private_dns_zone_id  = azurerm_private_dns_zone.privatezone1_com.id
  virtual_network_id   = var.ref_virtualnetworks_virtualnetworkname
  registration_enabled = false
  tags = {
    key1 = "value1"
  }
}

resource "azurerm_resource_group" "myresourcegroup" {
  name     = "myResourceGroup"
  location = "westus"
}

resource "azapi_resource" "myvm" {
  type      = "Microsoft.Compute/virtualMachines@2024-07-01"
  name      = "myVM"
  parent_id = azurerm_resource_group.myresourcegroup.id
  location  = "westus"
  body = {
    properties = {
      applicationProfile = {
        galleryApplications = [
          {
            configurationReference = "https://mystorageaccount.blob.core.windows.net/configurations/settings.config"
            order                  = 1
            packageReferenceId     = var.ref_versions_1_0
            tags                   = "myTag1"
          },
          {
            packageReferenceId = var.ref_versions_1_1
          },
        ]
      }
      availabilitySet = {
        id = var.ref_availabilitysets_my_availabilityset
      }
      diagnosticsProfile = {
        bootDiagnostics = {
          enabled    = true
          storageUri = "http://{myStorageAccount}.blob.core.windows.net"
        }
      }
      extensionsTimeBudget = "PT50M"
      hardwareProfile = {
        vmSize = "Standard_DS3_v2"
      }
      networkProfile = {
        networkInterfaces = [
          {
            id = var.ref_networkinterfaces_mynic
          },
        ]
      }
      osProfile = {
        adminPassword = var.myvm_admin_password
        adminUsername = "admin"
        computerName  = "myVM"
        secrets       = []
        windowsConfiguration = {
          enableAutomaticUpdates = false
          provisionVMAgent       = true
        }
      }
      proximityPlacementGroup = {
        id = var.ref_proximityplacementgroups_my_ppg01
      }
      storageProfile = {
        dataDisks = [
          {
            caching      = "ReadWrite"
            createOption = "Empty"
            diskSizeGB   = 30
            lun          = 0
            managedDisk = {
              storageAccountType = "Premium_LRS"
            }
            name = "myDataDisk0"
          },
          {
            caching      = "ReadWrite"
            createOption = "Attach"
            diskSizeGB   = 100
            lun          = 1
            managedDisk = {
              id                 = var.ref_disks_mydatadisk1
              storageAccountType = "Premium_LRS"
            }
            name = "myDataDisk1"
          },
        ]
        imageReference = {
          offer     = "WindowsServer"
          publisher = "MicrosoftWindowsServer"
          sku       = "2016-Datacenter"
          version   = "latest"
        }
        osDisk = {
          caching      = "ReadWrite"
          createOption = "FromImage"
          diskSizeGB   = 30
          managedDisk = {
            storageAccountType = "Premium_LRS"
          }
          name   = "myOsDisk"
          osType = "Windows"
        }
      }
      userData = "RXhhbXBsZSBVc2VyRGF0YQ=="
    }
  }
  tags = {
    myTag1 = "tagValue1"
  }
}

resource "azapi_resource" "myvm_myvmextension" {
  type      = "Microsoft.Compute/virtualMachines/extensions@2024-07-01"
  name      = "myVMExtension"
  parent_id = azapi_resource.myvm.id
  location  = "westus"
  body = {
    properties = {
      autoUpgradeMinorVersion = true
      enableAutomaticUpgrade  = true
      forceUpdateTag          = "a"
      protectedSettings       = {}
      publisher               = "extPublisher"
      settings                = {}
      suppressFailures        = true
      type                    = "extType"
      typeHandlerVersion      = "1.2"
    }
  }
  tags = {
    key9183 = "aa"
  }
}

resource "azurerm_resource_group" "res9407" {
  name     = "res9407"
  location = "eastus2(stage)"
}

resource "azurerm_storage_account" "sto8596" {
  name                       = "sto8596"
  resource_group_name        = azurerm_resource_group.res9407.name
  location                   = "eastus2(stage)"
  account_kind               = "Storage"
  account_tier               = "Standard"
  account_replication_type   = "GRS"
  https_traffic_only_enabled = false
  is_hns_enabled             = true
  network_rules {
    default_action = "Allow"
    bypass = [
      "AzureServices",
    ]
  }
  tags = {
    key1 = "value1"
    key2 = "value2"
  }
}
