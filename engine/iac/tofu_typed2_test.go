package iac_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/terraform"
	"github.com/atg-go/atg/internal/testenv"
)

// The types common in real tenants that the rows of simple_rows_net2.go and
// simple_rows_common2.go make typed: the Microsoft example of each (corpus or examples
// directory) as it is where azurerm can express it, and variants edited into a shape it can
// where the example carries what azurerm cannot (classic firewall rules, snapshot-based images,
// the old elastic pool API, …: those examples stay azapi with their reason).

type payload2 struct {
	dir, file string // dir: "corpus" or "examples"
	name      string // "" keeps the example as it is
	want      string
	edit      func(env, props map[string]any)
}

var typed2 = []payload2{
	{dir: "corpus", file: "Microsoft.Cdn__profiles__securityPolicies.json", want: "azurerm_cdn_frontdoor_security_policy"},
	{dir: "corpus", file: "Microsoft.Network__trafficManagerProfiles.json", want: "azurerm_traffic_manager_profile"},
	{dir: "corpus", file: "Microsoft.Network__firewallPolicies__ruleCollectionGroups.json", want: "azurerm_firewall_policy_rule_collection_group"},
	{dir: "corpus", file: "Microsoft.Storage__storageAccounts__managementPolicies.json", want: "azurerm_storage_management_policy"},
	{dir: "corpus", file: "Microsoft.Network__vpnGateways.json", want: "azurerm_vpn_gateway"},
	{dir: "corpus", file: "Microsoft.Network__p2sVpnGateways.json", want: "azurerm_point_to_site_vpn_gateway"},
	{dir: "corpus", file: "Microsoft.Network__networkWatchers__connectionMonitors.json", want: "azurerm_network_connection_monitor"},
	{dir: "corpus", file: "Microsoft.Network__vpnServerConfigurations.json", want: "azapi_resource"}, // RADIUS secrets
	{dir: "corpus", file: "Microsoft.Network__vpnServerConfigurations.json", name: "certonly", want: "azurerm_vpn_server_configuration", edit: func(env, p map[string]any) {
		for _, k := range []string{"radiusServers", "radiusServerRootCertificates", "radiusClientRootCertificates", "radiusServerAddress", "radiusServerSecret"} {
			delete(p, k)
		}
	}},
	{dir: "corpus", file: "Microsoft.Network__vpnGateways__vpnConnections.json", want: "azurerm_vpn_gateway_connection"},
	{dir: "corpus", file: "Microsoft.Network__vpnGateways__natRules.json", want: "azurerm_vpn_gateway_nat_rule"},
	// examples azurerm cannot express as they are
	{dir: "corpus", file: "Microsoft.Network__azureFirewalls.json", want: "azapi_resource"},
	{dir: "examples", file: "Microsoft.Network__virtualNetworkGateways.json", want: "azapi_resource"},
	{dir: "examples", file: "Microsoft.Compute__virtualMachines__extensions.json", want: "azapi_resource"},
	{dir: "corpus", file: "Microsoft.Sql__servers__elasticPools.json", want: "azapi_resource"},
	{dir: "corpus", file: "Microsoft.Compute__images.json", want: "azapi_resource"},
	{dir: "corpus", file: "Microsoft.Network__frontdoorwebapplicationfirewallpolicies.json", want: "azapi_resource"},
	{dir: "corpus", file: "Microsoft.AlertsManagement__smartDetectorAlertRules.json", want: "azapi_resource"},                 // a VM detector
	{dir: "corpus", file: "Microsoft.Cdn__profiles__afdendpoints__routes.json", want: "azapi_resource"},                       // octet-stream compression
	{dir: "corpus", file: "Microsoft.Network__applicationgatewaywebapplicationfirewallpolicies.json", want: "azapi_resource"}, // RequestHeader
	{dir: "corpus", file: "Microsoft.AlertsManagement__smartDetectorAlertRules.json", name: "failure-anomalies", want: "azurerm_monitor_smart_detector_alert_rule",
		edit: func(env, p map[string]any) {
			obj(p["detector"])["id"] = "FailureAnomaliesDetector"
			p["scope"] = []any{"/subscriptions/b368ca2f-e298-46b7-b0ab-012281956afa/resourceGroups/MyVms/providers/microsoft.insights/components/app1"}
			p["actionGroups"] = map[string]any{"groupIds": []any{"/subscriptions/b368ca2f-e298-46b7-b0ab-012281956afa/resourcegroups/MyActionGroups/providers/microsoft.insights/actionGroups/MyActionGroup"},
				"customEmailSubject": "Failure anomalies"}
		}},
	{dir: "corpus", file: "Microsoft.Cdn__profiles__afdendpoints__routes.json", name: "route2", want: "azurerm_cdn_frontdoor_route", edit: func(env, p map[string]any) {
		delete(p, "compressionSettings")
		delete(p, "queryStringCachingBehavior")
		p["cacheConfiguration"] = map[string]any{"queryStringCachingBehavior": "IncludeSpecifiedQueryStrings", "queryParameters": "a,b",
			"compressionSettings": map[string]any{"isCompressionEnabled": true, "contentTypesToCompress": []any{"text/html", "application/json"}}}
	}},
	{dir: "examples", file: "Microsoft.Compute__virtualMachineScaleSets.json", want: "azapi_resource"},   // admin user "admin"
	{dir: "corpus", file: "Microsoft.AlertsManagement__actionRules.json", want: "azapi_resource"},        // the 2018 API shape
	{dir: "corpus", file: "Microsoft.Insights__autoscaleSettings.json", want: "azapi_resource"},          // recurrence day "1"
	{dir: "examples", file: "Microsoft.ContainerInstance__containerGroups.json", want: "azapi_resource"}, // Azure Files key, registry password
	{dir: "corpus", file: "Microsoft.EventGrid__systemTopics__eventSubscriptions.json", want: "azurerm_eventgrid_system_topic_event_subscription"},
	{dir: "corpus", file: "Microsoft.EventGrid__eventSubscriptions.json", want: "azapi_resource"},                // a webhook: its URL is never returned
	{dir: "corpus", file: "Microsoft.Compute__galleries__images__versions.json", want: "azapi_resource"},         // data disk encryption per region
	{dir: "corpus", file: "Microsoft.Sql__managedInstances.json", want: "azapi_resource"},                        // in an instance pool
	{dir: "examples", file: "Microsoft.ApiManagement__service.json", want: "azapi_resource"},                     // a ConfigurationApi host name
	{dir: "corpus", file: "Microsoft.OperationalInsights__workspaces__datasources.json", want: "azapi_resource"}, // an activity-log source
	{dir: "corpus", file: "Microsoft.Insights__webtests.json", want: "azapi_resource"},                           // a classic ping test
	// variants
	{dir: "corpus", file: "Microsoft.Network__virtualHubs__bgpConnections.json", name: "spoke1", want: "azurerm_virtual_hub_connection", edit: func(env, p map[string]any) {
		// a hub virtual network connection (no example in the corpus)
		env["id"] = strings.Replace(env["id"].(string), "/bgpConnections/", "/hubVirtualNetworkConnections/", 1)
		env["type"] = "Microsoft.Network/virtualHubs/hubVirtualNetworkConnections"
		for k := range p {
			delete(p, k)
		}
		hub := "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualHubs/hub1"
		p["remoteVirtualNetwork"] = map[string]any{"id": "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/virtualNetworks/spoke1"}
		p["enableInternetSecurity"], p["allowHubToRemoteVnetTransit"], p["allowRemoteVnetToUseHubVnetGateways"] = true, true, true
		p["routingConfiguration"] = map[string]any{"associatedRouteTable": map[string]any{"id": hub + "/hubRouteTables/defaultRouteTable"},
			"propagatedRouteTables": map[string]any{"labels": []any{"default"}, "ids": []any{map[string]any{"id": hub + "/hubRouteTables/defaultRouteTable"}}},
			"vnetRoutes":            map[string]any{"staticRoutes": []any{map[string]any{"name": "to-nva", "addressPrefixes": []any{"10.10.0.0/16"}, "nextHopIpAddress": "10.1.0.4"}}}}
	}},
	{dir: "corpus", file: "Microsoft.Insights__webtests.json", name: "outside", want: "azapi_resource", edit: func(env, p map[string]any) {
		// a standard test of a component outside the generated set
		env["kind"], p["Kind"], p["Name"] = "standard", "standard", "outside"
		delete(p, "Configuration")
		p["Request"] = map[string]any{"RequestUrl": "https://example.com/"}
		env["tags"] = map[string]any{"hidden-link:/subscriptions/subid/resourceGroups/other/providers/Microsoft.Insights/components/elsewhere": "Resource"}
	}},
	{dir: "corpus", file: "Microsoft.Insights__components.json", want: "azurerm_application_insights"},
	{dir: "corpus", file: "Microsoft.Insights__webtests.json", name: "health-check", want: "azurerm_application_insights_standard_web_test", edit: func(env, p map[string]any) {
		env["kind"] = "standard"
		delete(p, "Configuration")
		p["Kind"], p["Name"], p["SyntheticMonitorId"] = "standard", "health-check", "health-check"
		// (no headers: the model takes a header's "key" for a secret and drops it, so such a test stays azapi)
		p["Request"] = map[string]any{"RequestUrl": "https://mytester.azurewebsites.net/health", "HttpVerb": "GET", "FollowRedirects": true}
		p["ValidationRules"] = map[string]any{"ExpectedHttpStatusCode": 200.0, "SSLCheck": true, "SSLCertRemainingLifetimeCheck": 7.0}
		env["tags"] = map[string]any{"env": "prod",
			"hidden-link:/subscriptions/subid/resourceGroups/my-resource-group/providers/Microsoft.Insights/components/my-component": "Resource"}
	}},
	{dir: "corpus", file: "Microsoft.Cdn__profiles__afdendpoints.json", name: "domain1", want: "azurerm_cdn_frontdoor_custom_domain", edit: func(env, p map[string]any) {
		// a Front Door custom domain (no example in the corpus): the one the routes name
		id := env["id"].(string)
		env["id"] = id[:strings.Index(strings.ToLower(id), "/afdendpoints/")] + "/customDomains/domain1"
		env["type"], env["name"] = "Microsoft.Cdn/profiles/customDomains", "profile1/domain1"
		delete(env, "location")
		for k := range p {
			delete(p, k)
		}
		p["hostName"] = "www.contoso.com"
		p["tlsSettings"] = map[string]any{"certificateType": "ManagedCertificate", "minimumTlsVersion": "TLS12"}
		p["domainValidationState"] = "Approved"
	}},
	{dir: "corpus", file: "Microsoft.OperationalInsights__workspaces__datasources.json", name: "system-events", want: "azurerm_log_analytics_datasource_windows_event", edit: func(env, p map[string]any) {
		env["kind"] = "WindowsEvent"
		delete(p, "linkedResourceId")
		p["eventLogName"] = "System"
		p["eventTypes"] = []any{map[string]any{"eventType": "Error"}, map[string]any{"eventType": "Warning"}}
	}},
	{dir: "corpus", file: "Microsoft.OperationalInsights__workspaces__datasources.json", name: "cpu", want: "azurerm_log_analytics_datasource_windows_performance_counter", edit: func(env, p map[string]any) {
		env["kind"] = "WindowsPerformanceCounter"
		delete(p, "linkedResourceId")
		p["objectName"], p["instanceName"], p["counterName"], p["intervalSeconds"] = "Processor", "*", "% Processor Time", 60.0
	}},
	{dir: "examples", file: "Microsoft.ApiManagement__service.json", name: "apim2", want: "azurerm_api_management", edit: func(env, p map[string]any) {
		var hosts []any
		for _, h := range p["hostnameConfigurations"].([]any) {
			if obj(h)["type"] != "ConfigurationApi" {
				hosts = append(hosts, h)
			}
		}
		p["hostnameConfigurations"] = hosts
	}},
	{dir: "corpus", file: "Microsoft.Sql__managedInstances.json", name: "mi2", want: "azurerm_mssql_managed_instance", edit: func(env, p map[string]any) {
		delete(p, "instancePoolId")
		delete(p, "storageAccountType")
		p["requestedBackupStorageRedundancy"] = "Zone"
		p["administrators"] = map[string]any{"administratorType": "ActiveDirectory", "principalType": "Group", "login": "sql-admins",
			"sid": "00000000-0000-0000-0000-0000000000aa", "tenantId": "00000000-0000-0000-0000-0000000000bb", "azureADOnlyAuthentication": false}
	}},
	{dir: "corpus", file: "Microsoft.Compute__galleries__images__versions.json", name: "1.0.1", want: "azurerm_shared_image_version", edit: func(env, p map[string]any) {
		pp := obj(p["publishingProfile"])
		delete(obj(obj(pp["targetRegions"].([]any)[0])["encryption"]), "dataDiskImages")
		pp["endOfLifeDate"] = "2030-01-01T00:00:00Z"
	}},
	{dir: "corpus", file: "Microsoft.EventGrid__eventSubscriptions.json", name: "to-queue", want: "azurerm_eventgrid_event_subscription", edit: func(env, p map[string]any) {
		p["destination"] = map[string]any{"endpointType": "ServiceBusQueue", "properties": map[string]any{
			"resourceId": "/subscriptions/5b4b650e-28b9-4790-b3ab-ddbd88d727c4/resourceGroups/examplerg/providers/Microsoft.ServiceBus/namespaces/sb1/queues/q1"}}
		p["retryPolicy"] = map[string]any{"maxDeliveryAttempts": 10.0, "eventTimeToLiveInMinutes": 60.0}
		p["deadLetterDestination"] = map[string]any{"endpointType": "StorageBlob", "properties": map[string]any{
			"resourceId": "/subscriptions/5b4b650e-28b9-4790-b3ab-ddbd88d727c4/resourceGroups/examplerg/providers/Microsoft.Storage/storageAccounts/dl1", "blobContainerName": "deadletters"}}
	}},
	{dir: "examples", file: "Microsoft.ContainerInstance__containerGroups.json", name: "aci2", want: "azurerm_container_group", edit: func(env, p map[string]any) {
		p["volumes"] = []any{map[string]any{"name": "volume1", "emptyDir": map[string]any{}}}
		p["imageRegistryCredentials"] = []any{map[string]any{"server": "myregistry.azurecr.io",
			"identity": "/subscriptions/subid/resourceGroups/demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pull"}}
		c := obj(obj(p["containers"].([]any)[0])["properties"])
		c["environmentVariables"] = []any{map[string]any{"name": "MODE", "value": "prod"}}
		c["livenessProbe"] = map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": 80.0, "scheme": "http"}, "periodSeconds": 10.0}
		c["command"] = []any{"nginx", "-g", "daemon off;"}
		p["restartPolicy"] = "Always"
		env["identity"] = map[string]any{"type": "UserAssigned", "userAssignedIdentities": map[string]any{
			"/subscriptions/subid/resourceGroups/demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/pull": map[string]any{}}}
	}},
	{dir: "corpus", file: "Microsoft.Insights__autoscaleSettings.json", name: "scale2", want: "azurerm_monitor_autoscale_setting", edit: func(env, p map[string]any) {
		rc := obj(obj(p["profiles"].([]any)[1])["recurrence"])
		obj(rc["schedule"])["days"] = []any{"Monday", "Friday"}
		p["predictiveAutoscalePolicy"] = map[string]any{"scaleMode": "ForecastOnly", "scaleLookAheadTime": "PT10M"}
	}},
	{dir: "corpus", file: "Microsoft.Network__vpnGateways.json", name: "gw2", want: "azurerm_vpn_gateway", edit: func(env, p map[string]any) {
		// no children listed on their own: the NAT rules and connections are written from the gateway
		obj(obj(p["natRules"].([]any)[0])["properties"])["mode"] = "IngressSnat" // the example's "IgressSnat" is no mode
		p["isRoutingPreferenceInternet"] = true
	}},
	{dir: "corpus", file: "Microsoft.AlertsManagement__actionRules.json", name: "add-groups", want: "azurerm_monitor_alert_processing_rule_action_group", edit: func(env, p map[string]any) {
		for k := range p {
			delete(p, k)
		}
		p["scopes"] = []any{"/subscriptions/1e3ff1c0-771a-4119-a03b-be82a51e232d/resourceGroups/alertscorrelationrg"}
		p["conditions"] = []any{map[string]any{"field": "Severity", "operator": "Equals", "values": []any{"Sev0", "Sev1"}},
			map[string]any{"field": "TargetResourceType", "operator": "NotEquals", "values": []any{"microsoft.compute/virtualmachines"}}}
		p["actions"] = []any{map[string]any{"actionType": "AddActionGroups",
			"actionGroupIds": []any{"/subscriptions/1e3ff1c0-771a-4119-a03b-be82a51e232d/resourceGroups/alertscorrelationrg/providers/Microsoft.Insights/actionGroups/oncall"}}}
		p["schedule"] = map[string]any{"effectiveFrom": "2026-01-01T00:00:00", "timeZone": "UTC",
			"recurrences": []any{map[string]any{"recurrenceType": "Weekly", "daysOfWeek": []any{"Saturday", "Sunday"}}}}
		p["enabled"] = true
		p["description"] = "weekend on-call"
	}},
	{dir: "corpus", file: "Microsoft.AlertsManagement__actionRules.json", name: "maintenance", want: "azurerm_monitor_alert_processing_rule_suppression", edit: func(env, p map[string]any) {
		for k := range p {
			delete(p, k)
		}
		p["scopes"] = []any{"/subscriptions/1e3ff1c0-771a-4119-a03b-be82a51e232d"}
		p["actions"] = []any{map[string]any{"actionType": "RemoveAllActionGroups"}}
		p["schedule"] = map[string]any{"recurrences": []any{map[string]any{"recurrenceType": "Daily", "startTime": "22:00:00", "endTime": "23:00:00"}}}
		p["enabled"] = false
	}},
	{dir: "corpus", file: "Microsoft.Storage__storageAccounts__managementPolicies.json", name: "sto2", want: "azurerm_storage_management_policy", edit: func(env, p map[string]any) {
		// the policy of another account (the policy's own name is always "default")
		env["id"] = strings.Replace(env["id"].(string), "/sto288/managementPolicies/sto2", "/sto2/managementPolicies/default", 1)
		rule := obj(obj(p["policy"])["rules"].([]any)[0])
		def := obj(rule["definition"])
		obj(def["filters"])["blobIndexMatch"] = []any{map[string]any{"name": "tag1", "op": "==", "value": "val1"}}
		actions := obj(def["actions"])
		obj(actions["baseBlob"])["enableAutoTierToHotFromCool"] = true
		obj(actions["baseBlob"])["tierToCool"] = map[string]any{"daysAfterLastAccessTimeGreaterThan": 30.0}
		actions["version"] = map[string]any{"delete": map[string]any{"daysAfterCreationGreaterThan": 90.0}}
	}},
	{dir: "examples", file: "Microsoft.Compute__virtualMachineScaleSets.json", name: "vmss2", want: "azurerm_linux_virtual_machine_scale_set", edit: func(env, p map[string]any) {
		vp := obj(p["virtualMachineProfile"])
		op := obj(vp["osProfile"])
		op["adminUsername"] = "azureuser"
		op["linuxConfiguration"] = map[string]any{"disablePasswordAuthentication": true, "provisionVMAgent": true,
			"ssh": map[string]any{"publicKeys": []any{map[string]any{"path": "/home/azureuser/.ssh/authorized_keys", "keyData": "ssh-rsa AAAAB3NzaC1yc2E"}}}}
		vp["diagnosticsProfile"] = map[string]any{"bootDiagnostics": map[string]any{"enabled": true}}
		vp["extensionProfile"] = map[string]any{"extensions": []any{map[string]any{"name": "health", "properties": map[string]any{
			"publisher": "Microsoft.ManagedServices", "type": "ApplicationHealthLinux", "typeHandlerVersion": "1.0", "autoUpgradeMinorVersion": true,
			"settings": map[string]any{"protocol": "http", "port": 80.0, "requestPath": "/health"}}}}}
		p["upgradePolicy"] = map[string]any{"mode": "Rolling", "automaticOSUpgradePolicy": map[string]any{"enableAutomaticOSUpgrade": true},
			"rollingUpgradePolicy": map[string]any{"maxBatchInstancePercent": 20.0, "maxUnhealthyInstancePercent": 20.0,
				"maxUnhealthyUpgradedInstancePercent": 20.0, "pauseTimeBetweenBatches": "PT0S"}}
		p["scaleInPolicy"] = map[string]any{"rules": []any{"OldestVM"}}
		env["zones"] = []any{"1", "2"}
		env["identity"] = map[string]any{"type": "SystemAssigned"}
	}},
	{dir: "examples", file: "Microsoft.Compute__virtualMachineScaleSets.json", name: "flexvmss", want: "azurerm_orchestrated_virtual_machine_scale_set", edit: func(env, p map[string]any) {
		p["orchestrationMode"] = "Flexible"
		for _, k := range []string{"hostGroup", "overprovision", "doNotRunExtensionsOnOverprovisionedVMs"} {
			delete(p, k)
		}
		p["upgradePolicy"] = map[string]any{"mode": "Manual"}
		vp := obj(p["virtualMachineProfile"])
		delete(vp, "applicationProfile")
		obj(vp["osProfile"])["adminUsername"] = "azureuser"
		obj(vp["networkProfile"])["networkApiVersion"] = "2020-11-01"
	}},
	{dir: "examples", file: "Microsoft.Compute__virtualMachineScaleSets.json", name: "winvmss", want: "azurerm_windows_virtual_machine_scale_set", edit: func(env, p map[string]any) {
		vp := obj(p["virtualMachineProfile"])
		op := obj(vp["osProfile"])
		op["adminUsername"] = "azureadmin"
		op["computerNamePrefix"] = "win"
		delete(op, "linuxConfiguration")
		op["windowsConfiguration"] = map[string]any{"provisionVMAgent": true, "enableAutomaticUpdates": true, "timeZone": "UTC"}
		obj(vp["storageProfile"])["imageReference"] = map[string]any{"publisher": "MicrosoftWindowsServer", "offer": "WindowsServer",
			"sku": "2022-datacenter-azure-edition", "version": "latest"}
		delete(vp, "applicationProfile")
		delete(p, "hostGroup")
		vp["securityProfile"] = map[string]any{"securityType": "TrustedLaunch", "uefiSettings": map[string]any{"secureBootEnabled": true, "vTpmEnabled": true}}
	}},
	{dir: "corpus", file: "Microsoft.Network__azureFirewalls.json", name: "fw2", want: "azurerm_firewall", edit: func(env, p map[string]any) {
		delete(p, "applicationRuleCollections")
		delete(p, "natRuleCollections")
		delete(p, "networkRuleCollections")
		p["sku"] = map[string]any{"name": "AZFW_VNet", "tier": "Premium"}
		p["firewallPolicy"] = map[string]any{"id": "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/firewallPolicies/policy1"}
		p["additionalProperties"] = map[string]any{"Network.DNS.EnableProxy": "true", "Network.DNS.Servers": "10.0.0.4, 10.0.0.5"}
		env["zones"] = []any{"1", "2", "3"}
	}},
	{dir: "examples", file: "Microsoft.Network__virtualNetworkGateways.json", name: "vpngw2", want: "azurerm_virtual_network_gateway", edit: func(env, p map[string]any) {
		p["vpnGatewayGeneration"] = "Generation1"
		p["enableBgp"] = true
		p["vpnClientConfiguration"] = map[string]any{"vpnClientAddressPool": map[string]any{"addressPrefixes": []any{"172.16.201.0/24"}},
			"vpnClientProtocols": []any{"OpenVPN", "IkeV2"}, "vpnAuthenticationTypes": []any{"Certificate"},
			"vpnClientRootCertificates": []any{map[string]any{"name": "root1", "properties": map[string]any{"publicCertData": "MIIC5zCCAc+gAwIBAgIQ"}}}}
	}},
	{dir: "examples", file: "Microsoft.Compute__virtualMachines__extensions.json", name: "ama2", want: "azurerm_virtual_machine_extension", edit: func(env, p map[string]any) {
		delete(p, "forceUpdateTag")
		p["settings"] = map[string]any{"workspaceId": "00000000-0000-0000-0000-000000000001", "stopOnMultipleConnections": true}
	}},
	{dir: "corpus", file: "Microsoft.Sql__servers__elasticPools.json", name: "pool2", want: "azurerm_mssql_elasticpool", edit: func(env, p map[string]any) {
		for _, k := range []string{"edition", "dtu", "databaseDtuMin", "databaseDtuMax", "storageMB"} {
			delete(p, k)
		}
		env["sku"] = map[string]any{"name": "GP_Gen5", "tier": "GeneralPurpose", "family": "Gen5", "capacity": 2.0}
		p["perDatabaseSettings"] = map[string]any{"minCapacity": 0.25, "maxCapacity": 2.0}
		p["maxSizeBytes"] = 34359738368.0
		p["zoneRedundant"] = false
		p["licenseType"] = "LicenseIncluded"
		p["maintenanceConfigurationId"] = "/subscriptions/00000000-1111-2222-3333-444444444444/providers/Microsoft.Maintenance/publicMaintenanceConfigurations/SQL_Default"
	}},
	{dir: "corpus", file: "Microsoft.Compute__images.json", name: "image2", want: "azurerm_image", edit: func(env, p map[string]any) {
		sp := obj(p["storageProfile"])
		os := obj(sp["osDisk"])
		delete(os, "snapshot")
		delete(os, "blobUri")
		dd := obj(sp["dataDisks"].([]any)[0])
		delete(dd, "snapshot")
		delete(dd, "managedDisk")
		p["hyperVGeneration"] = "V2"
	}},
	{dir: "corpus", file: "Microsoft.Network__frontdoorwebapplicationfirewallpolicies.json", name: "fdwaf2", want: "azurerm_cdn_frontdoor_firewall_policy", edit: func(env, p map[string]any) {
		env["sku"] = map[string]any{"name": "Premium_AzureFrontDoor"}
		set := obj(obj(p["managedRules"])["managedRuleSets"].([]any)[0])
		rule := obj(obj(set["ruleGroupOverrides"].([]any)[0])["rules"].([]any)[1])
		rule["action"] = "Block"
		obj(p["policySettings"])["customBlockResponseStatusCode"] = 403.0
	}},
	{dir: "corpus", file: "Microsoft.Network__trafficManagerProfiles.json", name: "tm2", want: "azurerm_traffic_manager_profile", edit: func(env, p map[string]any) {
		self := env["id"].(string)
		p["trafficRoutingMethod"] = "Priority"
		p["endpoints"] = append(p["endpoints"].([]any),
			map[string]any{"id": self + "/azureEndpoints/app1", "name": "app1", "type": "Microsoft.Network/trafficManagerProfiles/azureEndpoints",
				"properties": map[string]any{"endpointStatus": "Enabled", "targetResourceId": "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Web/sites/app1",
					"target": "app1.azurewebsites.net", "priority": 2.0, "weight": 1.0, "endpointLocation": "West Europe", "endpointMonitorStatus": "Online"}},
			map[string]any{"id": self + "/nestedEndpoints/child", "name": "child", "type": "Microsoft.Network/trafficManagerProfiles/nestedEndpoints",
				"properties": map[string]any{"endpointStatus": "Disabled", "targetResourceId": "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/trafficManagerProfiles/child",
					"priority": 3.0, "minChildEndpoints": 1.0, "endpointLocation": "West Europe"}})
	}},
	{dir: "corpus", file: "Microsoft.Network__firewallPolicies__ruleCollectionGroups.json", name: "rcg2", want: "azurerm_firewall_policy_rule_collection_group", edit: func(env, p map[string]any) {
		p["ruleCollections"] = append(p["ruleCollections"].([]any),
			map[string]any{"name": "apps", "priority": 200.0, "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "action": map[string]any{"type": "Allow"},
				"rules": []any{map[string]any{"name": "web", "ruleType": "ApplicationRule", "sourceAddresses": []any{"10.0.0.0/16"},
					"protocols": []any{map[string]any{"protocolType": "Https", "port": 443.0}}, "targetFqdns": []any{"*.contoso.com"}}}},
			map[string]any{"name": "net", "priority": 300.0, "ruleCollectionType": "FirewallPolicyFilterRuleCollection", "action": map[string]any{"type": "Deny"},
				"rules": []any{map[string]any{"name": "dns", "ruleType": "NetworkRule", "ipProtocols": []any{"UDP"}, "sourceAddresses": []any{"*"},
					"destinationAddresses": []any{"168.63.129.16"}, "destinationPorts": []any{"53"}}}})
	}},
	{dir: "corpus", file: "Microsoft.Network__applicationgatewaywebapplicationfirewallpolicies.json", name: "waf3", want: "azurerm_web_application_firewall_policy", edit: func(env, p map[string]any) {
		obj(obj(obj(p["customRules"].([]any)[1])["matchConditions"].([]any)[1])["matchVariables"].([]any)[0])["variableName"] = "RequestHeaders"
		obj(p["customRules"].([]any)[0])["state"] = "Disabled"
		obj(p["policySettings"])["state"] = "Disabled"
	}},
}

// typed2Nodes loads the payloads (each example once, and each variant under its own name).
func typed2Nodes(t *testing.T) ([]graph.Node, map[string]payload2) {
	t.Helper()
	dirs := map[string][]iactest.Envelope{}
	for d, path := range map[string]string{"corpus": iactest.CorpusDir(), "examples": iactest.ExamplesDir()} {
		envs, err := iactest.LoadEnvelopes(path)
		if err != nil {
			t.Fatal(err)
		}
		dirs[d] = envs
	}
	var nodes []graph.Node
	ids := map[string]payload2{}
	for _, p := range typed2 {
		found := false
		for _, e := range dirs[p.dir] {
			if e.File != p.file {
				continue
			}
			found = true
			raw, _ := json.Marshal(e.Body)
			orig := e.Body["id"].(string)
			id := orig
			if p.name != "" {
				id = orig[:strings.LastIndex(orig, "/")+1] + p.name
				raw = []byte(strings.ReplaceAll(string(raw), orig+"/", id+"/"))
			}
			var env map[string]any
			if err := json.Unmarshal(raw, &env); err != nil {
				t.Fatal(err)
			}
			env["id"], env["apiVersion"] = id, e.APIVersion
			if p.name != "" {
				name := env["name"].(string)
				env["name"] = name[:strings.LastIndex(name, "/")+1] + p.name
			}
			if p.edit != nil {
				p.edit(env, obj(env["properties"]))
			}
			nodes = append(nodes, discover.NodeFromARM(iactest.TenantID, env))
			ids[strings.ToLower(env["id"].(string))] = p // (an edit may move it)
		}
		if !found {
			t.Fatalf("no payload %s/%s", p.dir, p.file)
		}
	}
	return nodes, ids
}

// Each payload becomes the expected type (typed, or azapi with a reason), the sub-resources and
// blocks azurerm needs are written, and the result passes `tofu validate` with azurerm 5.2.0.
func TestTypedCommonTypes(t *testing.T) {
	nodes, ids := typed2Nodes(t)
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := terraform.Emit(m, terraform.Options{Imports: true})
	if err != nil {
		t.Fatal(err)
	}
	notes := map[string][]string{}
	for _, me := range res.Mapping {
		notes[me.Key] = me.Notes
	}
	seen := 0
	for _, r := range m.Resources {
		p, ok := ids[strings.ToLower(r.ID)]
		if !ok {
			continue
		}
		seen++
		if got := res.Types[r.Key]; got != p.want {
			t.Errorf("%s (%s): %s, want %s; notes %v", r.Key, p.file, got, p.want, notes[r.Key])
		}
		if p.want == "azapi_resource" && len(notes[r.Key]) == 0 {
			t.Errorf("%s: azapi fallback without a reason", r.Key)
		}
	}
	if seen != len(typed2) {
		t.Fatalf("found %d of %d payloads in the model", seen, len(typed2))
	}
	if out := os.Getenv("IAC_OUT"); out != "" { // to look at the output
		if err := os.WriteFile(filepath.Join(out, "typed2.tf"), res.Files["main.tf"], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	main := strings.Join(strings.Fields(string(res.Files["main.tf"])), " ")
	main = strings.ReplaceAll(strings.ReplaceAll(main, "[ ", "["), ", ]", "]") // one-line lists
	for _, want := range []string{
		// firewall: DNS proxy from additionalProperties, policy by id, zones
		`dns_proxy_enabled = true`, `dns_servers = ["10.0.0.4", "10.0.0.5"]`, `sku_tier = "Premium"`, `ip_configuration { name = "azureFirewallIpConfiguration"`,
		// gateway: NAT rules as resources of their own, BGP APIPA address by configuration name
		`resource "azurerm_virtual_network_gateway_nat_rule" "vpngw2_natrule1"`, `virtual_network_gateway_id = azurerm_virtual_network_gateway.vpngw2.id`,
		`ip_configuration_name = "gwipconfig1"`, `apipa_addresses = ["169.254.21.10"]`, `address_space = ["172.16.201.0/24"]`, `root_certificate {`,
		// Traffic Manager: endpoints of each kind as resources of their own
		`resource "azurerm_traffic_manager_external_endpoint"`, `resource "azurerm_traffic_manager_azure_endpoint" "tm2_app1"`,
		`resource "azurerm_traffic_manager_nested_endpoint" "tm2_child"`, `minimum_child_endpoints = 1`, `profile_id = azurerm_traffic_manager_profile.tm2.id`,
		// rule collection groups: one block kind per collection kind, NAT in azurerm's shape
		`nat_rule_collection {`, `action = "Dnat"`, `translated_port = 8080`, `destination_address = "152.23.32.23"`,
		`application_rule_collection {`, `network_rule_collection {`,
		// WAF: states survive the model's read-only filter
		`enabled = false`, `rule_group_override {`, `negation_condition = false`,
		// the rest
		`settings = jsonencode(`, `maintenance_configuration_name = "SQL_Default"`, `per_database_settings {`,
		`os_disk {`, `hyper_v_generation = "V2"`,
		// VPN gateway: inline NAT rules and connections as resources of their own
		`resource "azurerm_vpn_gateway_nat_rule" "gw2_nat03"`, `resource "azurerm_vpn_gateway_connection" "gw2_vpnconnection1"`,
		`vpn_gateway_id = azurerm_vpn_gateway.gw2.id`, `routing_preference = "Internet"`, `instance_1_bgp_peering_address {`,
		`vpn_link { name = "Connection-Link1"`, `ingress_nat_rule_ids = [`,
		// autoscale: string capacities as numbers, the recurrence in azurerm's shape
		`capacity { default = 1 minimum = 1 maximum = 10 }`, `days = ["Monday", "Friday"]`, `hours = [5]`, `scale_action { direction = "Increase" type = "ChangeCount" value = 1 cooldown = "PT5M" }`,
		`send_to_subscription_co_administrator = true`, `webhook { service_uri = "http://myservice.com"`, `scale_mode = "ForecastOnly"`,
		// point-to-site: the connection configuration's pool and routing
		`vpn_server_configuration_id = azapi_resource.vpnserverconfiguration1.id`, `connection_configuration { name = "P2SConnectionConfig1"`,
		`vpn_client_address_pool { address_prefixes = ["101.3.0.0/16"] }`, `client_revoked_certificate {`, `sa_lifetime_seconds = 86472`,
		// container groups: volumes per container, variables as a map, public ports
		`container { name = "demo1" image = "nginx" cpu = 1 memory = 1.5`, `environment_variables = { MODE = "prod" }`, `empty_dir = true`,
		`exposed_port = [{ port = 80 protocol = "TCP" }]`, `liveness_probe {`, `user_assigned_identity_id =`,
		// Event Grid: the destination by endpoint type, the subscription on its scope
		`storage_queue_endpoint {`, `queue_name = "que"`, `system_topic = "exampleSystemTopic1"`, `service_bus_queue_id =`,
		`storage_blob_dead_letter_destination {`, `retry_policy { max_delivery_attempts = 10 event_time_to_live = 60 }`,
		`subject_filter { subject_begins_with = "ExamplePrefix"`,
		// image versions: regions spelt as azurerm spells locations, the source image
		`target_region { name = "westus" regional_replica_count = 1 storage_account_type = "Standard_LRS" disk_encryption_set_id =`,
		`target_region { name = "eastus" regional_replica_count = 2`, `managed_image_id =`, `image_name = "myGalleryImageName"`,
		// managed instance: the password as an input, redundancy as azurerm's account type
		`administrator_login_password = var.mi2_administrator_login_password`, `storage_account_type = "ZRS"`,
		`maintenance_configuration_name = "SQL_JapanEast_MI_1"`, `azure_active_directory_administrator { login_username = "sql-admins"`,
		// API Management: sku and capacity, gateway switches, custom host names, regions
		`sku_name = "Premium_1"`, `security { backend_ssl30_enabled = false`, `protocols { http2_enabled = false }`,
		`proxy { host_name = "gateway.current.int-azure-api.net" key_vault_certificate_id = "https://ogf-testing.vault.azure.net/secrets/current-ssl" negotiate_client_certificate = true default_ssl_binding = true }`,
		`developer_portal {`, `additional_location { location = "eastus2" capacity = 1`, `min_api_version = "2019-12-01"`,
		// workspace data sources by kind
		`event_types = ["Error", "Warning"]`, `counter_name = "% Processor Time"`, `workspace_name = "AzTest9724"`,
		// connection monitors
		`test_group { name = "tg" destination_endpoints = ["destination"]`, `tcp_configuration { port = 80 }`, `endpoint { name = "destination" address = "bing.com" }`,
		// Front Door custom domain, named by the routes
		`resource "azurerm_cdn_frontdoor_custom_domain" "profile1_domain1"`, `tls { certificate_type = "ManagedCertificate" minimum_version = "TLS12" }`,
		`cdn_frontdoor_custom_domain_ids = [azurerm_cdn_frontdoor_custom_domain.profile1_domain1.id]`,
		// standard web test: the hidden-link tag becomes the component link
		`application_insights_id = azurerm_application_insights.my_component.id`, `tags = { env = "prod" }`, `geo_locations = ["us-fl-mia-edge", "apac-hk-hkn-azr"]`,
		`request { url = "https://mytester.azurewebsites.net/health"`, `ssl_cert_remaining_lifetime = 7`,
		// hub connection: routing with static routes
		`remote_virtual_network_id = var.ref_virtualnetworks_spoke1`, `static_vnet_route { name = "to-nva" address_prefixes = ["10.10.0.0/16"] next_hop_ip_address = "10.1.0.4" }`,
		// alert processing rules: conditions by field, recurrences by kind
		`add_action_group_ids = [`, `severity { operator = "Equals"`, `target_resource_type {`, `weekly { days_of_week = ["Saturday", "Sunday"]`,
		`daily { start_time = "22:00:00"`,
		// lifecycle policies: nested conditions flattened
		`tier_to_archive_after_days_since_modification_greater_than = 90`, `delete_after_days_since_creation_greater_than = 30`,
		`tier_to_cool_after_days_since_last_access_time_greater_than = 30`, `delete_after_days_since_creation = 90`, `match_blob_index_tag {`,
		// scale sets: the VM model's blocks, the admin key and password as inputs
		`admin_ssh_key {`, `rolling_upgrade_policy {`, `automatic_os_upgrade_policy {`, `rule = "OldestVM"`, `gallery_application {`,
		`network_interface { name = "myNic"`, `source_image_reference {`, `admin_password = var.winvmss_admin_password`, `secure_boot_enabled = true`,
		`extension { name = "health"`, `host_group_id =`,
		`resource "azurerm_orchestrated_virtual_machine_scale_set" "flexvmss"`, `os_profile { linux_configuration { admin_username = "azureuser"`,
		`admin_password = var.flexvmss_admin_password`, `network_api_version = "2020-11-01"`, `user_data_base64 =`, `sku_name = "Premium_AzureFrontDoor"`, `override {`,
		`action_group {`, `detector_type = "FailureAnomaliesDetector"`, `email_subject = "Failure anomalies"`, `cache {`, `compression_enabled = true`, `query_strings = ["a", "b"]`, `security_policies {`,
	} {
		if !strings.Contains(main, want) {
			t.Errorf("main.tf lacks %s", want)
		}
	}
	imports := string(res.Files["imports.tf"])
	for _, want := range []string{"/virtualNetworkGateways/vpngw2/natRules/natRule1", "/vpnGateways/gw2/vpnConnections/vpnConnection1", "/trafficManagerProfiles/tm2/azureEndpoints/app1",
		"/trafficManagerProfiles/tm2/nestedEndpoints/child"} {
		if !strings.Contains(imports, want) {
			t.Errorf("imports.tf lacks %s", want)
		}
	}

	toolsDir(t)
	testenv.Integration(t)
	dir := t.TempDir()
	for n, b := range res.Files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(filepath.Join(iactest.RepoRoot(), "scripts", "iac-validate.sh"), dir).CombinedOutput()
	t.Logf("common types: %s", firstLine(out))
	if err != nil {
		t.Errorf("tofu validate failed: %v\n%s", err, tail(out, 6000))
	}
}
