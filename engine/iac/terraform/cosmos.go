package terraform

import (
	"regexp"
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Cosmos DB accounts: azurerm_cosmosdb_account.

var cosmosName = regexp.MustCompile(`^[-a-z0-9]{3,50}$`)

var cosmosCapabilities = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`EnableAggregationPipeline EnableCassandra EnableGremlin EnableTable EnableServerless EnableMongo
		EnableMongo16MBDocumentSupport MongoDBv3.4 mongoEnableDocLevelTTL DeleteAllItemsByPartitionKey DisableRateLimitingResponses
		AllowSelfServeUpgradeToMongo36 EnableMongoRetryableWrites EnableMongoRoleBasedAccessControl EnableUniqueCompoundNestedDocs
		EnableNoSQLVectorSearch EnableNoSQLFullTextSearch EnableTtlOnCustomPath EnablePartialUniqueIndex EnableFabricNetworkAclBypass`) {
		cosmosCapabilities[c] = true
	}
}

var cosmosConsistency = map[string]bool{"BoundedStaleness": true, "ConsistentPrefix": true, "Eventual": true, "Session": true, "Strong": true}

// cosmosLocations returns the account's regions (locations, else failoverPolicies).
func cosmosLocations(r *model.Resource) []any {
	if l := arr(r.Body["locations"]); len(l) > 0 {
		return l
	}
	return arr(r.Body["failoverPolicies"])
}

func resolveCosmos(r *model.Resource) string {
	if !cosmosName.MatchString(r.LastName()) {
		return ""
	}
	switch r.Kind {
	case "", "GlobalDocumentDB", "MongoDB", "Parse":
	default:
		return ""
	}
	if v := s(r.Body["databaseAccountOfferType"]); v != "" && v != "Standard" {
		return ""
	}
	if v := s(r.Body["minimalTlsVersion"]); v != "" && v != "Tls12" {
		return "" // TLS 1.0/1.1: azurerm 5.2 only accepts Tls12
	}
	if v := s(r.Body["createMode"]); v != "" && v != "Default" {
		return "" // a restore: its source and timestamp are not reproducible
	}
	if !cosmosConsistency[s(jsonpath.Get(r.Body, "consistencyPolicy.defaultConsistencyLevel"))] || len(cosmosLocations(r)) == 0 {
		return ""
	}
	for _, c := range arr(r.Body["capabilities"]) {
		if !cosmosCapabilities[s(jsonpath.Get(c, "name"))] {
			return "" // a capability azurerm does not know
		}
	}
	if len(arr(r.Body["cors"])) > 1 {
		return "" // azurerm takes one CORS rule
	}
	for _, ip := range arr(r.Body["ipRules"]) {
		if v := s(jsonpath.Get(ip, "ipAddressOrRange")); !ipOrCIDR(v) {
			return ""
		}
	}
	if v := s(r.Body["defaultIdentity"]); v != "" && v != "FirstPartyIdentity" && v != "SystemAssignedIdentity" && !strings.HasPrefix(v, "UserAssignedIdentity=") {
		return ""
	}
	return "azurerm_cosmosdb_account"
}

var ipv4Like = regexp.MustCompile(`^\d{1,3}(\.\d{1,3}){3}(/\d{1,2})?$`)

func ipOrCIDR(v string) bool { return ipv4Like.MatchString(v) }

func emitCosmos(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "offer_type", "Standard")
	e.set(b, "kind", r.Kind)
	cp := m(r.Body["consistencyPolicy"])
	cb := b.AppendNewBlock("consistency_policy", nil).Body()
	level := s(cp["defaultConsistencyLevel"])
	e.set(cb, "consistency_level", level)
	if level == "BoundedStaleness" { // the bounds mean nothing for the other levels
		e.set(cb, "max_interval_in_seconds", numAt(cp, "maxIntervalInSeconds"))
		e.set(cb, "max_staleness_prefix", numAt(cp, "maxStalenessPrefix"))
	}
	for i, l := range cosmosLocations(r) {
		gb := b.AppendNewBlock("geo_location", nil).Body()
		e.set(gb, "location", strings.ToLower(strings.ReplaceAll(s(jsonpath.Get(l, "locationName")), " ", "")))
		prio := numAt(l, "failoverPriority")
		if prio == nil {
			prio = float64(i)
		}
		e.set(gb, "failover_priority", prio)
		e.set(gb, "zone_redundant", boolAt(l, "isZoneRedundant"))
	}
	for _, c := range arr(r.Body["capabilities"]) {
		kb := b.AppendNewBlock("capabilities", nil).Body()
		e.set(kb, "name", s(jsonpath.Get(c, "name")))
	}
	e.set(b, "automatic_failover_enabled", boolAt(r.Body, "enableAutomaticFailover"))
	e.set(b, "multiple_write_locations_enabled", boolAt(r.Body, "enableMultipleWriteLocations"))
	e.set(b, "free_tier_enabled", boolAt(r.Body, "enableFreeTier"))
	e.set(b, "burst_capacity_enabled", boolAt(r.Body, "enableBurstCapacity"))
	e.set(b, "partition_merge_enabled", boolAt(r.Body, "enablePartitionMerge"))
	e.set(b, "analytical_storage_enabled", boolAt(r.Body, "enableAnalyticalStorage"))
	if st := s(jsonpath.Get(r.Body, "analyticalStorageConfiguration.schemaType")); st == "WellDefined" || st == "FullFidelity" {
		ab := b.AppendNewBlock("analytical_storage", nil).Body()
		e.set(ab, "schema_type", st)
	}
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	if v, ok := r.Body["disableKeyBasedMetadataWriteAccess"].(bool); ok {
		e.set(b, "access_key_metadata_writes_enabled", !v)
	}
	if v, ok := r.Body["disableLocalAuth"].(bool); ok {
		e.set(b, "local_authentication_enabled", !v)
	}
	e.set(b, "is_virtual_network_filter_enabled", boolAt(r.Body, "isVirtualNetworkFilterEnabled"))
	var ips []any
	for _, ip := range arr(r.Body["ipRules"]) {
		ips = append(ips, s(jsonpath.Get(ip, "ipAddressOrRange")))
	}
	e.set(b, "ip_range_filter", ips)
	for _, vn := range arr(r.Body["virtualNetworkRules"]) {
		if id := idAt(vn, "id"); id != nil {
			vb := b.AppendNewBlock("virtual_network_rule", nil).Body()
			e.set(vb, "id", id)
			e.set(vb, "ignore_missing_vnet_service_endpoint", boolAt(vn, "ignoreMissingVNetServiceEndpoint"))
		}
	}
	if v := s(r.Body["networkAclBypass"]); v != "" {
		e.set(b, "network_acl_bypass_for_azure_services", v == "AzureServices")
	}
	e.set(b, "network_acl_bypass_ids", strList(r.Body["networkAclBypassResourceIds"]))
	e.set(b, "minimal_tls_version", s(r.Body["minimalTlsVersion"]))
	e.set(b, "key_vault_key_id", idAt(r.Body, "keyVaultKeyUri"))
	e.set(b, "default_identity_type", s(r.Body["defaultIdentity"]))
	if strings.EqualFold(r.Kind, "MongoDB") {
		e.set(b, "mongo_server_version", s(jsonpath.Get(r.Body, "apiProperties.serverVersion")))
	}
	if bp := m(r.Body["backupPolicy"]); bp != nil && (s(bp["type"]) == "Periodic" || s(bp["type"]) == "Continuous") {
		bb := b.AppendNewBlock("backup", nil).Body()
		e.set(bb, "type", s(bp["type"]))
		if s(bp["type"]) == "Periodic" {
			e.set(bb, "interval_in_minutes", numAt(bp, "periodicModeProperties.backupIntervalInMinutes"))
			e.set(bb, "retention_in_hours", numAt(bp, "periodicModeProperties.backupRetentionIntervalInHours"))
			if v := s(jsonpath.Get(bp, "periodicModeProperties.backupStorageRedundancy")); v == "Geo" || v == "Local" || v == "Zone" {
				e.set(bb, "storage_redundancy", v)
			}
		} else if v := s(jsonpath.Get(bp, "continuousModeProperties.tier")); v == "Continuous7Days" || v == "Continuous30Days" {
			e.set(bb, "tier", v)
		}
	}
	if c := arr(r.Body["cors"]); len(c) > 0 {
		split := func(v any) []any {
			var out []any
			for _, x := range strings.Split(s(v), ",") {
				if x = strings.TrimSpace(x); x != "" {
					out = append(out, x)
				}
			}
			if out == nil {
				out = []any{}
			}
			return out
		}
		cr := m(c[0])
		cb := b.AppendNewBlock("cors_rule", nil).Body()
		cb.SetAttributeRaw("allowed_headers", raw(e.value(split(cr["allowedHeaders"]), "")))
		cb.SetAttributeRaw("allowed_methods", raw(e.value(split(cr["allowedMethods"]), "")))
		cb.SetAttributeRaw("allowed_origins", raw(e.value(split(cr["allowedOrigins"]), "")))
		cb.SetAttributeRaw("exposed_headers", raw(e.value(split(cr["exposedHeaders"]), "")))
		e.set(cb, "max_age_in_seconds", numAt(cr, "maxAgeInSeconds"))
	}
	if v := numAt(r.Body, "capacity.totalThroughputLimit"); v != nil {
		kb := b.AppendNewBlock("capacity", nil).Body()
		e.set(kb, "total_throughput_limit", v)
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}
