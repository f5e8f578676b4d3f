package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

func emitSQLServer(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	v := s(r.Body["version"])
	if v == "" {
		v = "12.0"
	}
	e.set(b, "version", v)
	// Entra-only authentication: no SQL login is used (azurerm refuses a password beside it, and
	// the server's is never read back), the Entra administrator is
	aad := m(r.Body["administrators"])
	aadOnly, _ := jsonpath.Get(aad, "azureADOnlyAuthentication").(bool)
	if !aadOnly {
		e.set(b, "administrator_login", s(r.Body["administratorLogin"]))
		if pw, ok := r.Body["administratorLoginPassword"].(model.Var); ok {
			e.set(b, "administrator_login_password", pw)
		}
	}
	if aad != nil && s(aad["login"]) != "" && aad["sid"] != nil {
		ab := b.AppendNewBlock("azuread_administrator", nil).Body()
		e.set(ab, "login_username", s(aad["login"]))
		e.set(ab, "object_id", aad["sid"])
		e.set(ab, "tenant_id", aad["tenantId"])
		e.set(ab, "azuread_authentication_only", aadOnly)
	}
	if v := s(r.Body["minimalTlsVersion"]); v != "" && v != "None" {
		e.set(b, "minimum_tls_version", v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	if rona := s(r.Body["restrictOutboundNetworkAccess"]); rona != "" {
		e.set(b, "outbound_network_restriction_enabled", strings.EqualFold(rona, "Enabled"))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitSQLDatabase(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	if p := e.idx[r.Parent]; p != nil && r.Parent != "" {
		e.setExpr(b, "server_id", e.address(p)+".id")
	} else {
		e.setExpr(b, "server_id", joinExpr(e.base(r), "/providers/Microsoft.Sql/servers/"+r.NameSegments()[0]))
	}
	e.set(b, "sku_name", sqlSkuName(r.SKU))
	e.set(b, "collation", s(r.Body["collation"]))
	if mx, ok := r.Body["maxSizeBytes"].(float64); ok && mx > 0 {
		e.set(b, "max_size_gb", mx/(1024*1024*1024))
	}
	e.set(b, "zone_redundant", boolAt(r.Body, "zoneRedundant"))
	if lt := s(r.Body["licenseType"]); lt != "" {
		e.set(b, "license_type", lt)
	}
	e.set(b, "read_scale", func() any {
		if v := s(r.Body["readScale"]); v != "" {
			return strings.EqualFold(v, "Enabled")
		}
		return nil
	}())
	if st := s(r.Body["requestedBackupStorageRedundancy"]); st != "" {
		e.set(b, "storage_account_type", st)
	}
	if strings.Contains(strings.ToUpper(s(r.SKU["name"])), "_S_") { // serverless: pause delay and minimum vCores
		if v, ok := r.Body["autoPauseDelay"].(float64); ok {
			e.set(b, "auto_pause_delay_in_minutes", v)
		}
		if v, ok := r.Body["minCapacity"].(float64); ok {
			e.set(b, "min_capacity", v)
		}
	}
	e.tags(b, r)
	return nil
}

// sqlSkuName turns an ARM database sku into azurerm's sku_name: vCore skus carry the capacity
// (BC_Gen5 + capacity 2 -> BC_Gen5_2), DTU skus are the name (S0, Basic).
func sqlSkuName(sku map[string]any) string {
	name := s(sku["name"])
	if c, ok := sku["capacity"].(float64); ok && strings.Contains(name, "_") {
		return name + "_" + number(c)
	}
	return name
}

func resolveRegistry(r *model.Resource) string {
	switch s(r.SKU["name"]) {
	case "Basic", "Standard", "Premium":
		return "azurerm_container_registry"
	}
	return ""
}

func emitRegistry(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", s(r.SKU["name"]))
	e.set(b, "admin_enabled", boolAt(r.Body, "adminUserEnabled"))
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	premium := s(r.SKU["name"]) == "Premium"
	if premium {
		if zr := s(r.Body["zoneRedundancy"]); zr != "" {
			e.set(b, "zone_redundancy_enabled", strings.EqualFold(zr, "Enabled"))
		}
		e.set(b, "data_endpoint_enabled", boolAt(r.Body, "dataEndpointEnabled"))
	}
	e.set(b, "anonymous_pull_enabled", boolAt(r.Body, "anonymousPullEnabled"))
	if nrb := s(r.Body["networkRuleBypassOptions"]); nrb != "" {
		e.set(b, "network_rule_bypass_option", nrb)
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func resolveRedis(r *model.Resource) string {
	sku := m(jsonpath.Get(r.Body, "sku"))
	if sku == nil {
		sku = r.SKU
	}
	if s(sku["name"]) == "" || s(sku["family"]) == "" {
		return ""
	}
	return "azurerm_redis_cache"
}

func emitRedis(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	sku := m(jsonpath.Get(r.Body, "sku"))
	if sku == nil {
		sku = r.SKU
	}
	e.set(b, "capacity", sku["capacity"])
	e.set(b, "family", s(sku["family"]))
	e.set(b, "sku_name", s(sku["name"]))
	e.set(b, "non_ssl_port_enabled", boolAt(r.Body, "enableNonSslPort"))
	if v := s(r.Body["minimumTlsVersion"]); v != "" {
		e.set(b, "minimum_tls_version", v)
	}
	if v := strings.SplitN(s(r.Body["redisVersion"]), ".", 2)[0]; v == "4" || v == "6" {
		e.set(b, "redis_version", v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.set(b, "shard_count", numAt(r.Body, "shardCount"))
	e.set(b, "subnet_id", idAt(r.Body, "subnetId"))
	if len(r.Zones) > 0 {
		e.set(b, "zones", toAny(r.Zones))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func resolveMessaging(r *model.Resource) string {
	switch s(r.SKU["name"]) {
	case "Basic", "Standard", "Premium":
		if strings.HasPrefix(r.LowerType(), "microsoft.servicebus") {
			return "azurerm_servicebus_namespace"
		}
		return "azurerm_eventhub_namespace"
	}
	return ""
}

func tlsVersion(v string) string {
	switch v {
	case "1.0", "1.1", "1.2":
		return v
	}
	return ""
}

func emitServiceBus(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", s(r.SKU["name"]))
	if s(r.SKU["name"]) == "Premium" {
		e.set(b, "capacity", r.SKU["capacity"])
		e.set(b, "premium_messaging_partitions", numAt(r.Body, "premiumMessagingPartitions"))
	}
	if v, ok := r.Body["disableLocalAuth"].(bool); ok {
		e.set(b, "local_auth_enabled", !v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.set(b, "minimum_tls_version", tlsVersion(s(r.Body["minimumTlsVersion"])))
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitEventHubNS(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", s(r.SKU["name"]))
	e.set(b, "capacity", r.SKU["capacity"])
	auto, _ := r.Body["isAutoInflateEnabled"].(bool)
	e.set(b, "auto_inflate_enabled", auto)
	if auto {
		e.set(b, "maximum_throughput_units", numAt(r.Body, "maximumThroughputUnits"))
	}
	if v, ok := r.Body["disableLocalAuth"].(bool); ok {
		e.set(b, "local_authentication_enabled", !v)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.set(b, "minimum_tls_version", tlsVersion(s(r.Body["minimumTlsVersion"])))
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

var flexibleTiers = map[string]string{"Burstable": "B", "GeneralPurpose": "GP", "MemoryOptimized": "MO"}

var flexibleVersions = map[string]bool{"11": true, "12": true, "13": true, "14": true, "15": true, "16": true, "17": true, "18": true,
	"5.7": true, "8.0.21": true, "8.4": true}

func flexibleSku(r *model.Resource) string {
	tier, ok := flexibleTiers[s(r.SKU["tier"])]
	if !ok || s(r.SKU["name"]) == "" {
		return ""
	}
	return tier + "_" + s(r.SKU["name"])
}

func resolveFlexible(r *model.Resource) string {
	if flexibleSku(r) == "" || !flexibleVersions[s(r.Body["version"])] || s(r.Body["createMode"]) != "" && s(r.Body["createMode"]) != "Default" && s(r.Body["createMode"]) != "Create" {
		return ""
	}
	if strings.HasPrefix(r.LowerType(), "microsoft.dbforpostgresql") {
		return "azurerm_postgresql_flexible_server"
	}
	return "azurerm_mysql_flexible_server"
}

func flexibleCommon(e *emitter, b *hclwrite.Body, r *model.Resource) {
	e.common(b, r, true)
	e.set(b, "version", s(r.Body["version"]))
	e.set(b, "sku_name", flexibleSku(r))
	e.set(b, "administrator_login", s(r.Body["administratorLogin"]))
	if pw, ok := r.Body["administratorLoginPassword"].(model.Var); ok {
		e.set(b, "administrator_password", pw)
	}
	e.set(b, "zone", s(r.Body["availabilityZone"]))
	e.set(b, "backup_retention_days", numAt(r.Body, "backup.backupRetentionDays"))
	if g := s(jsonpath.Get(r.Body, "backup.geoRedundantBackup")); g != "" {
		e.set(b, "geo_redundant_backup_enabled", strings.EqualFold(g, "Enabled"))
	}
	e.set(b, "delegated_subnet_id", idAt(r.Body, "network.delegatedSubnetResourceId"))
	e.set(b, "private_dns_zone_id", idAt(r.Body, "network.privateDnsZoneArmResourceId"))
	if mode := s(jsonpath.Get(r.Body, "highAvailability.mode")); mode == "ZoneRedundant" || mode == "SameZone" {
		hb := b.AppendNewBlock("high_availability", nil).Body()
		e.set(hb, "mode", mode)
		e.set(hb, "standby_availability_zone", s(jsonpath.Get(r.Body, "highAvailability.standbyAvailabilityZone")))
	}
	if mw := m(r.Body["maintenanceWindow"]); mw != nil && strings.EqualFold(s(mw["customWindow"]), "Enabled") {
		wb := b.AppendNewBlock("maintenance_window", nil).Body()
		e.set(wb, "day_of_week", mw["dayOfWeek"])
		e.set(wb, "start_hour", mw["startHour"])
		e.set(wb, "start_minute", mw["startMinute"])
	}
}

var pgStorageMB = map[float64]bool{32768: true, 65536: true, 131072: true, 262144: true, 524288: true, 1048576: true, 2097152: true,
	4193280: true, 4194304: true, 8388608: true, 16777216: true, 33553408: true}

func emitPostgres(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	flexibleCommon(e, b, r)
	if gb, ok := jsonpath.Get(r.Body, "storage.storageSizeGB").(float64); ok && pgStorageMB[gb*1024] {
		e.set(b, "storage_mb", gb*1024)
	}
	if ag := s(jsonpath.Get(r.Body, "storage.autoGrow")); ag != "" {
		e.set(b, "auto_grow_enabled", strings.EqualFold(ag, "Enabled"))
	}
	if pna := s(jsonpath.Get(r.Body, "network.publicNetworkAccess")); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitMySQL(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	flexibleCommon(e, b, r)
	if pna := s(jsonpath.Get(r.Body, "network.publicNetworkAccess")); pna == "Enabled" || pna == "Disabled" {
		e.set(b, "public_network_access", pna)
	}
	if st := m(r.Body["storage"]); st != nil {
		sb := b.AppendNewBlock("storage", nil).Body()
		e.set(sb, "size_gb", numAt(st, "storageSizeGB"))
		e.set(sb, "iops", numAt(st, "iops"))
		if ag := s(st["autoGrow"]); ag != "" {
			e.set(sb, "auto_grow_enabled", strings.EqualFold(ag, "Enabled"))
		}
		if io := s(st["autoIoScaling"]); io != "" {
			e.set(sb, "io_scaling_enabled", strings.EqualFold(io, "Enabled"))
		}
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}
