package terraform

import (
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

func resolveStorage(r *model.Resource) string {
	sku := s(r.SKU["name"])
	if !strings.Contains(sku, "_") {
		return ""
	}
	return "azurerm_storage_account"
}

func emitStorageAccount(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	sku := strings.SplitN(s(r.SKU["name"]), "_", 2)
	e.set(b, "account_kind", r.Kind)
	e.set(b, "account_tier", sku[0])
	e.set(b, "account_replication_type", sku[1])
	if at := s(r.Body["accessTier"]); at == "Hot" || at == "Cool" || at == "Cold" || at == "Premium" {
		e.set(b, "access_tier", at)
	}
	e.set(b, "https_traffic_only_enabled", boolAt(r.Body, "supportsHttpsTrafficOnly"))
	e.set(b, "min_tls_version", s(r.Body["minimumTlsVersion"]))
	e.set(b, "is_hns_enabled", boolAt(r.Body, "isHnsEnabled"))
	e.set(b, "nfsv3_enabled", boolAt(r.Body, "isNfsV3Enabled"))
	e.set(b, "sftp_enabled", boolAt(r.Body, "isSftpEnabled"))
	e.set(b, "allow_nested_items_to_be_public", boolAt(r.Body, "allowBlobPublicAccess"))
	e.set(b, "shared_access_key_enabled", boolAt(r.Body, "allowSharedKeyAccess"))
	e.set(b, "cross_tenant_replication_enabled", boolAt(r.Body, "allowCrossTenantReplication"))
	e.set(b, "default_to_oauth_authentication", boolAt(r.Body, "defaultToOAuthAuthentication"))
	e.set(b, "infrastructure_encryption_enabled", boolAt(r.Body, "encryption.requireInfrastructureEncryption"))
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	if acl := m(r.Body["networkAcls"]); acl != nil && s(acl["defaultAction"]) != "" {
		nb := b.AppendNewBlock("network_rules", nil).Body()
		e.set(nb, "default_action", s(acl["defaultAction"]))
		if by := s(acl["bypass"]); by != "" {
			var l []any
			for _, x := range strings.Split(by, ",") {
				l = append(l, strings.TrimSpace(x))
			}
			e.set(nb, "bypass", l)
		}
		var ips, subnets []any
		for _, ip := range arr(acl["ipRules"]) {
			if v := s(jsonpath.Get(ip, "value")); v != "" {
				ips = append(ips, v)
			}
		}
		for _, vn := range arr(acl["virtualNetworkRules"]) {
			if id := idAt(vn, "id"); id != nil {
				subnets = append(subnets, id)
			}
		}
		e.set(nb, "ip_rules", ips)
		e.set(nb, "virtual_network_subnet_ids", subnets)
	}
	e.identity(b, r, false)
	e.tags(b, r)
	return nil
}

func emitStorageContainer(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.set(b, "name", r.LastName())
	// the account is the grandparent (…/storageAccounts/a/blobServices/default/containers/c)
	acct := r.ID[:strings.Index(strings.ToLower(r.ID), "/blobservices/")]
	if target := e.resourceByID(acct); target != nil {
		e.setExpr(b, "storage_account_id", e.address(target)+".id")
	} else {
		e.setExpr(b, "storage_account_id", joinExpr(e.base(r), "/providers/Microsoft.Storage/storageAccounts/"+r.NameSegments()[0]))
	}
	access := strings.ToLower(s(r.Body["publicAccess"]))
	if access == "" || access == "none" {
		access = "private"
	}
	e.set(b, "container_access_type", access)
	// both or neither; "$account-encryption-key" is the default scope
	if es := s(r.Body["defaultEncryptionScope"]); es != "" && !strings.HasPrefix(es, "$") {
		e.set(b, "default_encryption_scope", es)
		deny, _ := r.Body["denyEncryptionScopeOverride"].(bool)
		e.set(b, "encryption_scope_override_enabled", !deny)
	}
	return nil
}

func emitKeyVault(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "tenant_id", idAt(r.Body, "tenantId"))
	e.set(b, "sku_name", strings.ToLower(s(jsonpath.Get(r.Body, "sku.name"))))
	rbac, _ := r.Body["enableRbacAuthorization"].(bool)
	e.set(b, "rbac_authorization_enabled", rbac)
	e.set(b, "enabled_for_deployment", boolAt(r.Body, "enabledForDeployment"))
	e.set(b, "enabled_for_disk_encryption", boolAt(r.Body, "enabledForDiskEncryption"))
	e.set(b, "enabled_for_template_deployment", boolAt(r.Body, "enabledForTemplateDeployment"))
	e.set(b, "purge_protection_enabled", boolAt(r.Body, "enablePurgeProtection"))
	e.set(b, "soft_delete_retention_days", numAt(r.Body, "softDeleteRetentionInDays"))
	if pna := s(r.Body["publicNetworkAccess"]); pna != "" {
		e.set(b, "public_network_access_enabled", strings.EqualFold(pna, "Enabled"))
	}
	for _, ap := range arr(r.Body["accessPolicies"]) {
		pb := b.AppendNewBlock("access_policy", nil).Body()
		e.set(pb, "tenant_id", idAt(ap, "tenantId"))
		e.set(pb, "object_id", idAt(ap, "objectId"))
		e.set(pb, "application_id", idAt(ap, "applicationId"))
		for _, kind := range []string{"keys", "secrets", "certificates", "storage"} {
			var perms []any
			for _, p := range strList(jsonpath.Get(ap, "permissions."+kind)) {
				if ps, ok := p.(string); ok {
					perms = append(perms, kvPermission(ps))
				}
			}
			name := strings.TrimSuffix(kind, "s") + "_permissions"
			if kind == "storage" {
				name = "storage_permissions"
			}
			e.set(pb, name, perms)
		}
	}
	if acl := m(r.Body["networkAcls"]); acl != nil && s(acl["defaultAction"]) != "" {
		nb := b.AppendNewBlock("network_acls", nil).Body()
		by := s(acl["bypass"])
		if by == "" {
			by = "None"
		}
		e.set(nb, "bypass", by)
		e.set(nb, "default_action", s(acl["defaultAction"]))
		var ips, subnets []any
		for _, ip := range arr(acl["ipRules"]) {
			if v := s(jsonpath.Get(ip, "value")); v != "" {
				ips = append(ips, v)
			}
		}
		for _, vn := range arr(acl["virtualNetworkRules"]) {
			if id := idAt(vn, "id"); id != nil {
				subnets = append(subnets, id)
			}
		}
		e.set(nb, "ip_rules", ips)
		e.set(nb, "virtual_network_subnet_ids", subnets)
	}
	e.tags(b, r)
	return nil
}

// kvPermission maps an ARM permission ("get", "wrapKey") to azurerm's casing ("Get", "WrapKey").
func kvPermission(p string) string {
	switch strings.ToLower(p) {
	case "all":
		return "All"
	case "getrotationpolicy":
		return "GetRotationPolicy"
	case "setrotationpolicy":
		return "SetRotationPolicy"
	case "managecontacts":
		return "ManageContacts"
	case "manageissuers":
		return "ManageIssuers"
	case "getissuers":
		return "GetIssuers"
	case "listissuers":
		return "ListIssuers"
	case "setissuers":
		return "SetIssuers"
	case "deleteissuers":
		return "DeleteIssuers"
	case "unwrapkey":
		return "UnwrapKey"
	case "wrapkey":
		return "WrapKey"
	case "deletesas":
		return "DeleteSAS"
	case "getsas":
		return "GetSAS"
	case "listsas":
		return "ListSAS"
	case "setsas":
		return "SetSAS"
	case "regeneratekey":
		return "RegenerateKey"
	}
	if p == "" {
		return p
	}
	return strings.ToUpper(p[:1]) + p[1:]
}
