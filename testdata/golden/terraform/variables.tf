variable "myvm_admin_password" {
  type        = string
  description = "Admin password of virtual machine myVM (never copied from the source)"
  sensitive   = true
}

variable "ref_authorizationrules_myrule" {
  type        = string
  description = "Id of microsoft.eventhub/namespaces/eventhubs/authorizationrules mynamespace/myeventhub/myrule (outside the generated set)"
  default     = "/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourceGroups/montest/providers/microsoft.eventhub/namespaces/mynamespace/eventhubs/myeventhub/authorizationrules/myrule"
}

variable "ref_availabilitysets_my_availabilityset" {
  type        = string
  description = "Id of Microsoft.Compute/availabilitySets my-AvailabilitySet (outside the generated set)"
  default     = "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/availabilitySets/my-AvailabilitySet"
}

variable "ref_disks_mydatadisk1" {
  type        = string
  description = "Id of Microsoft.Compute/disks myDataDisk1 (outside the generated set)"
  default     = "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/disks/myDataDisk1"
}

variable "ref_monitors_dd1" {
  type        = string
  description = "Id of Microsoft.Datadog/monitors dd1 (outside the generated set)"
  default     = "/subscriptions/abcdeabc-1234-1234-ab12-123a1234567a/resourceGroups/test-rg/providers/Microsoft.Datadog/monitors/dd1"
}

variable "ref_networkinterfaces_mynic" {
  type        = string
  description = "Id of Microsoft.Network/networkInterfaces {myNIC} (outside the generated set)"
  default     = "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Network/networkInterfaces/{myNIC}"
}

variable "ref_proximityplacementgroups_my_ppg01" {
  type        = string
  description = "Id of Microsoft.Compute/proximityPlacementGroups my-ppg01 (outside the generated set)"
  default     = "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/proximityPlacementGroups/my-ppg01"
}

variable "ref_serverfarms_defaultasp" {
  type        = string
  description = "Id of Microsoft.Web/serverfarms DefaultAsp (outside the generated set)"
  default     = "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.Web/serverfarms/DefaultAsp"
}

variable "ref_storageaccounts_appteststorage1" {
  type        = string
  description = "Id of Microsoft.Storage/storageAccounts appteststorage1 (outside the generated set)"
  default     = "/subscriptions/df602c9c-7aa0-407d-a6fb-eb20c8bd1192/resourceGroups/apptest/providers/Microsoft.Storage/storageAccounts/appteststorage1"
}

variable "ref_subnets_subnetlb" {
  type        = string
  description = "Id of Microsoft.Network/virtualNetworks/subnets vnetlb/subnetlb (outside the generated set)"
  default     = "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/vnetlb/subnets/subnetlb"
}

variable "ref_versions_1_0" {
  type        = string
  description = "Id of Microsoft.Compute/galleries/applications/versions myGallery1/MyApplication1/1.0 (outside the generated set)"
  default     = "/subscriptions/32c17a9e-aa7b-4ba5-a45b-e324116b6fdb/resourceGroups/myresourceGroupName2/providers/Microsoft.Compute/galleries/myGallery1/applications/MyApplication1/versions/1.0"
}

variable "ref_versions_1_1" {
  type        = string
  description = "Id of Microsoft.Compute/galleries/applications/versions myGallery2/MyApplication2/1.1 (outside the generated set)"
  default     = "/subscriptions/32c17a9e-aa7b-4ba5-a45b-e324116b6fdg/resourceGroups/myresourceGroupName3/providers/Microsoft.Compute/galleries/myGallery2/applications/MyApplication2/versions/1.1"
}

variable "ref_virtualnetworks_virtualnetworkname" {
  type        = string
  description = "Id of Microsoft.Network/virtualNetworks virtualNetworkName (outside the generated set)"
  default     = "/subscriptions/virtualNetworkSubscriptionId/resourceGroups/virtualNetworkResourceGroup/providers/Microsoft.Network/virtualNetworks/virtualNetworkName"
}

variable "ref_workflows_viruela6" {
  type        = string
  description = "Id of microsoft.logic/workflows viruela6 (outside the generated set)"
  default     = "/subscriptions/1a66ce04-b633-4a0b-b2bc-a912ec8986a6/resourcegroups/viruela1/providers/microsoft.logic/workflows/viruela6"
}

variable "ref_workspaces_testworkspace" {
  type        = string
  description = "Id of Microsoft.Synapse/workspaces testworkspace (outside the generated set)"
  default     = "/subscriptions/a7e99807-abbf-4642-bdec-2c809a96a8bc/resourceGroups/res9407/providers/Microsoft.Synapse/workspaces/testworkspace"
}

variable "subscription_id" {
  type        = string
  description = "Subscription to deploy into"
  default     = "00000000-0000-0000-0000-000000000000"
}

variable "tenant_id" {
  type        = string
  description = "Entra tenant id of the target"
  default     = "00000000-0000-0000-0000-000000000000"
}
