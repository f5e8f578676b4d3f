package posture

import (
	"fmt"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/graph"
)

// ruleTable is the rule table: one row per rule. New checks arrive as a row; TestRuleTable
// checks the invariants (unique ids, metadata complete, a check on every row).
var ruleTable = []Rule{
	// --- internet exposure ---
	{ID: "ATG-NET-001", Title: "SSH (22) reachable from the internet on a virtual machine", Severity: Critical, STRIDE: ElevationOfPrivilege, MCSB: "NS-1", Category: CatNetwork,
		Types: []string{tVM}, Check: func(c *Context, n *graph.Node) *Hit { return portHit(c, n, 22) },
		Fix: "Remove the NSG rule admitting 22 from */Internet (or restrict its source to known ranges); use Azure Bastion or just-in-time access."},
	{ID: "ATG-NET-002", Title: "RDP (3389) reachable from the internet on a virtual machine", Severity: Critical, STRIDE: ElevationOfPrivilege, MCSB: "NS-1", Category: CatNetwork,
		Types: []string{tVM}, Check: func(c *Context, n *graph.Node) *Hit { return portHit(c, n, 3389) },
		Fix: "Remove the NSG rule admitting 3389 from */Internet; use Azure Bastion or just-in-time access."},
	{ID: "ATG-NET-003", Title: "All ports reachable from the internet on a virtual machine", Severity: Critical, STRIDE: ElevationOfPrivilege, MCSB: "NS-1", Category: CatNetwork,
		Types: []string{tVM}, Check: func(c *Context, n *graph.Node) *Hit { return portHit(c, n, allPorts) },
		Fix: "Replace the any-port NSG allow rule with rules for the ports the workload serves, from the sources that need them."},
	{ID: "ATG-NET-004", Title: "Internet-facing network interface without any network security group", Severity: High, STRIDE: ElevationOfPrivilege, MCSB: "NS-1", Category: CatNetwork,
		Types: []string{tVM}, Check: checkNoNSG,
		Fix: "Associate an NSG with the NIC or its subnet that denies inbound internet traffic except the ports the workload serves."},
	{ID: "ATG-NET-005", Title: "Scale set management ports (22/3389) reachable from the internet", Severity: Critical, STRIDE: ElevationOfPrivilege, MCSB: "NS-1", Category: CatNetwork,
		Types: []string{tVMSS}, Check: func(c *Context, n *graph.Node) *Hit {
			if h := portHit(c, n, 22); h != nil {
				return h
			}
			return portHit(c, n, 3389)
		},
		Fix: "Remove instance public IPs or the NSG rules admitting 22/3389 from the internet; use Azure Bastion."},
	{ID: "ATG-NET-006", Title: "Network security group admits management ports or all ports from the internet", Severity: High, STRIDE: ElevationOfPrivilege, MCSB: "NS-1", Category: CatNetwork,
		Types: []string{tNSG}, Check: checkNSGOpen,
		Fix: "Restrict the rule's source to known address ranges or service tags, or delete it."},
	{ID: "ATG-NET-007", Title: "Storage account reachable from all networks", Severity: High, STRIDE: InformationDisclosure, MCSB: "NS-2", Category: CatNetwork,
		Types: []string{tStorage}, Check: func(c *Context, n *graph.Node) *Hit {
			return allNetworks(n, "properties.publicNetworkAccess", "properties.networkAcls.defaultAction")
		},
		Fix: "Set networkAcls.defaultAction to Deny with the needed virtual network / IP rules, or disable public network access and use private endpoints."},
	{ID: "ATG-NET-008", Title: "Key vault reachable from all networks", Severity: High, STRIDE: InformationDisclosure, MCSB: "NS-2", Category: CatNetwork,
		Types: []string{tKV}, Check: func(c *Context, n *graph.Node) *Hit {
			return allNetworks(n, "properties.publicNetworkAccess", "properties.networkAcls.defaultAction")
		},
		Fix: "Disable public network access (private endpoint) or set networkAcls.defaultAction to Deny."},
	{ID: "ATG-NET-009", Title: "SQL server public network access enabled", Severity: Medium, STRIDE: InformationDisclosure, MCSB: "NS-2", Category: CatNetwork,
		Types: []string{tSQL}, Check: func(c *Context, n *graph.Node) *Hit {
			if enabledUnlessDisabled(get(n, "properties.publicNetworkAccess")) {
				return hit(ev(n, "properties.publicNetworkAccess"))
			}
			return nil
		},
		Fix: "Set publicNetworkAccess to Disabled and reach the server through a private endpoint."},
	{ID: "ATG-NET-010", Title: "SQL server firewall admits every IPv4 address (0.0.0.0-255.255.255.255)", Severity: Critical, STRIDE: InformationDisclosure, MCSB: "NS-2", Category: CatNetwork,
		Types: []string{tSQLFW}, Check: func(c *Context, n *graph.Node) *Hit {
			if str(get(n, "properties.startIpAddress")) == "0.0.0.0" && str(get(n, "properties.endIpAddress")) == "255.255.255.255" {
				h := hit(ev(n, "properties.startIpAddress"), ev(n, "properties.endIpAddress"))
				h.Related = []string{parentBefore(n.ID, "firewallrules")}
				return h
			}
			return nil
		},
		Fix: "Delete the all-addresses firewall rule; admit only the client ranges that need access, or use private endpoints."},
	{ID: "ATG-NET-011", Title: "Cosmos DB account reachable from all networks", Severity: High, STRIDE: InformationDisclosure, MCSB: "NS-2", Category: CatNetwork,
		Types: []string{tCosmos}, Check: func(c *Context, n *graph.Node) *Hit {
			filter, _ := boolOf(get(n, "properties.isVirtualNetworkFilterEnabled"))
			if enabledUnlessDisabled(get(n, "properties.publicNetworkAccess")) && !filter && len(list(get(n, "properties.ipRules"))) == 0 {
				return hit(ev(n, "properties.publicNetworkAccess"), ev(n, "properties.isVirtualNetworkFilterEnabled"), ev(n, "properties.ipRules"))
			}
			return nil
		},
		Fix: "Enable the virtual network filter and IP rules, or disable public network access and use private endpoints."},
	{ID: "ATG-NET-012", Title: "Azure Cache for Redis public network access enabled", Severity: High, STRIDE: InformationDisclosure, MCSB: "NS-2", Category: CatNetwork,
		Types: []string{tRedis}, Check: func(c *Context, n *graph.Node) *Hit {
			if enabledUnlessDisabled(get(n, "properties.publicNetworkAccess")) && str(get(n, "properties.subnetId")) == "" {
				return hit(ev(n, "properties.publicNetworkAccess"))
			}
			return nil
		},
		Fix: "Set publicNetworkAccess to Disabled and use a private endpoint."},
	{ID: "ATG-NET-013", Title: "Container registry reachable from all networks", Severity: Medium, STRIDE: InformationDisclosure, MCSB: "NS-2", Category: CatNetwork,
		Types: []string{tACR}, Check: func(c *Context, n *graph.Node) *Hit {
			return allNetworks(n, "properties.publicNetworkAccess", "properties.networkRuleSet.defaultAction")
		},
		Fix: "Disable public network access or set networkRuleSet.defaultAction to Deny (Premium SKU)."},
	{ID: "ATG-NET-014", Title: "AKS API server public without authorized IP ranges", Severity: High, STRIDE: ElevationOfPrivilege, MCSB: "NS-2", Category: CatNetwork,
		Types: []string{tAKS}, Check: func(c *Context, n *graph.Node) *Hit {
			private, _ := boolOf(get(n, "properties.apiServerAccessProfile.enablePrivateCluster"))
			if !private && len(list(get(n, "properties.apiServerAccessProfile.authorizedIPRanges"))) == 0 {
				return hit(ev(n, "properties.apiServerAccessProfile.enablePrivateCluster"), ev(n, "properties.apiServerAccessProfile.authorizedIPRanges"))
			}
			return nil
		},
		Fix: "Make the cluster private or set apiServerAccessProfile.authorizedIPRanges."},
	{ID: "ATG-NET-015", Title: "Virtual machine has a public IP address on its network interface", Severity: Low, STRIDE: InformationDisclosure, MCSB: "NS-1", Category: CatNetwork,
		Types: []string{tVM}, Check: func(c *Context, n *graph.Node) *Hit {
			for _, f := range c.net.ifaces[n.ID] {
				for _, e := range f.entries {
					if len(e.via) == 1 && typeOf(e.via[0]) == tPIP {
						return &Hit{Related: []string{e.via[0].ID, f.owner.ID},
							Evidence: []Evidence{{Resource: displayID(e.via[0]), Path: "properties.ipAddress", Value: get(e.via[0], "properties.ipAddress")}}}
					}
				}
			}
			return nil
		},
		Fix: "Remove the public IP; reach the VM through Azure Bastion, a load balancer or a private connection."},

	// --- data protection ---
	{ID: "ATG-DP-001", Title: "Key vault soft delete disabled", Severity: High, STRIDE: Tampering, MCSB: "DP-8", Category: CatData,
		Types: []string{tKV}, Check: func(c *Context, n *graph.Node) *Hit {
			if b, ok := boolOf(get(n, "properties.enableSoftDelete")); ok && !b {
				return hit(ev(n, "properties.enableSoftDelete"))
			}
			return nil
		},
		Fix: "Enable soft delete (enableSoftDelete: true, retention 90 days)."},
	{ID: "ATG-DP-002", Title: "Key vault purge protection disabled", Severity: Medium, STRIDE: Tampering, MCSB: "DP-8", Category: CatData,
		Types: []string{tKV}, Check: func(c *Context, n *graph.Node) *Hit {
			if b, _ := boolOf(get(n, "properties.enablePurgeProtection")); !b {
				return hit(ev(n, "properties.enablePurgeProtection"))
			}
			return nil
		},
		Fix: "Enable purge protection (enablePurgeProtection: true); it cannot be turned off again."},
	{ID: "ATG-DP-003", Title: "Storage account accepts TLS older than 1.2", Severity: High, STRIDE: InformationDisclosure, MCSB: "DP-3", Category: CatData,
		Types: []string{tStorage}, Check: func(c *Context, n *graph.Node) *Hit { return oldTLS(n, "properties.minimumTlsVersion", true) },
		Fix: "Set minimumTlsVersion to TLS1_2."},
	{ID: "ATG-DP-004", Title: "Storage account does not enforce HTTPS", Severity: High, STRIDE: InformationDisclosure, MCSB: "DP-3", Category: CatData,
		Types: []string{tStorage}, Check: func(c *Context, n *graph.Node) *Hit { return isFalse(n, "properties.supportsHttpsTrafficOnly") },
		Fix: "Set supportsHttpsTrafficOnly to true."},
	{ID: "ATG-DP-005", Title: "Storage account allows anonymous public blob access", Severity: High, STRIDE: InformationDisclosure, MCSB: "PA-7", Category: CatData,
		Types: []string{tStorage}, Check: func(c *Context, n *graph.Node) *Hit { return isTrue(n, "properties.allowBlobPublicAccess") },
		Fix: "Set allowBlobPublicAccess to false."},
	{ID: "ATG-DP-006", Title: "Blob container readable anonymously", Severity: Critical, STRIDE: InformationDisclosure, MCSB: "PA-7", Category: CatData,
		Types: []string{tBlobCtr}, Check: checkPublicContainer,
		Fix: "Set the container's publicAccess to None (and allowBlobPublicAccess to false on the account)."},
	{ID: "ATG-DP-007", Title: "SQL server accepts TLS older than 1.2", Severity: High, STRIDE: InformationDisclosure, MCSB: "DP-3", Category: CatData,
		Types: []string{tSQL}, Check: func(c *Context, n *graph.Node) *Hit { return oldTLS(n, "properties.minimalTlsVersion", true) },
		Fix: "Set minimalTlsVersion to 1.2."},
	{ID: "ATG-DP-008", Title: "Web app does not enforce HTTPS", Severity: High, STRIDE: InformationDisclosure, MCSB: "DP-3", Category: CatData,
		Types: []string{tSite}, Check: func(c *Context, n *graph.Node) *Hit { return isFalse(n, "properties.httpsOnly") },
		Fix: "Set httpsOnly to true."},
	{ID: "ATG-DP-009", Title: "Web app accepts TLS older than 1.2", Severity: Medium, STRIDE: InformationDisclosure, MCSB: "DP-3", Category: CatData,
		Types: []string{tSite}, Check: func(c *Context, n *graph.Node) *Hit { return oldTLS(n, "properties.siteConfig.minTlsVersion", false) },
		Fix: "Set siteConfig.minTlsVersion to 1.2."},
	{ID: "ATG-DP-010", Title: "Redis non-TLS port enabled", Severity: High, STRIDE: InformationDisclosure, MCSB: "DP-3", Category: CatData,
		Types: []string{tRedis}, Check: func(c *Context, n *graph.Node) *Hit { return isTrue(n, "properties.enableNonSslPort") },
		Fix: "Set enableNonSslPort to false."},
	{ID: "ATG-DP-011", Title: "Redis accepts TLS older than 1.2", Severity: Medium, STRIDE: InformationDisclosure, MCSB: "DP-3", Category: CatData,
		Types: []string{tRedis}, Check: func(c *Context, n *graph.Node) *Hit { return oldTLS(n, "properties.minimumTlsVersion", false) },
		Fix: "Set minimumTlsVersion to 1.2."},
	{ID: "ATG-DP-012", Title: "Unattached managed disk exportable from any network", Severity: Medium, STRIDE: InformationDisclosure, MCSB: "DP-2", Category: CatData,
		Types: []string{tDisk}, Check: func(c *Context, n *graph.Node) *Hit {
			if strings.EqualFold(str(get(n, "properties.diskState")), "Unattached") && strings.EqualFold(str(get(n, "properties.networkAccessPolicy")), "AllowAll") {
				return hit(ev(n, "properties.diskState"), ev(n, "properties.networkAccessPolicy"))
			}
			return nil
		},
		Fix: "Delete the orphaned disk, or set networkAccessPolicy to DenyAll (or AllowPrivate with a disk access resource)."},
	{ID: "ATG-DP-013", Title: "Managed disk encryption settings disabled", Severity: Medium, STRIDE: InformationDisclosure, MCSB: "DP-4", Category: CatData,
		Types: []string{tDisk}, Check: func(c *Context, n *graph.Node) *Hit {
			return isFalse(n, "properties.encryptionSettingsCollection.enabled")
		},
		Fix: "Enable Azure Disk Encryption or encryption at host, or use a disk encryption set with a customer-managed key."},
	{ID: "ATG-DP-014", Title: "SQL server allows SQL authentication (Entra-only authentication off)", Severity: Medium, STRIDE: Spoofing, MCSB: "IM-1", Category: CatData,
		Types: []string{tSQL}, Check: func(c *Context, n *graph.Node) *Hit {
			if b, _ := boolOf(get(n, "properties.administrators.azureADOnlyAuthentication")); !b && str(get(n, "properties.administratorLogin")) != "" {
				return hit(ev(n, "properties.administrators.azureADOnlyAuthentication"), ev(n, "properties.administratorLogin"))
			}
			return nil
		},
		Fix: "Enable Microsoft Entra-only authentication (administrators.azureADOnlyAuthentication: true)."},
	{ID: "ATG-DP-015", Title: "Blob soft delete disabled", Severity: Medium, STRIDE: Tampering, MCSB: "DP-8", Category: CatData,
		Types: []string{tBlobSvc}, Check: func(c *Context, n *graph.Node) *Hit {
			if b, _ := boolOf(get(n, "properties.deleteRetentionPolicy.enabled")); !b {
				return hit(ev(n, "properties.deleteRetentionPolicy.enabled"))
			}
			return nil
		},
		Fix: "Enable deleteRetentionPolicy on the blob service (7 days or more)."},
	{ID: "ATG-DP-016", Title: "Cosmos DB account allows key-based (local) authentication", Severity: Low, STRIDE: Spoofing, MCSB: "IM-1", Category: CatData,
		Types: []string{tCosmos}, Check: func(c *Context, n *graph.Node) *Hit {
			if b, _ := boolOf(get(n, "properties.disableLocalAuth")); !b {
				return hit(ev(n, "properties.disableLocalAuth"))
			}
			return nil
		},
		Fix: "Set disableLocalAuth to true and use Entra ID RBAC."},
	{ID: "ATG-DP-017", Title: "Container registry admin user enabled", Severity: Medium, STRIDE: Spoofing, MCSB: "IM-1", Category: CatData,
		Types: []string{tACR}, Check: func(c *Context, n *graph.Node) *Hit { return isTrue(n, "properties.adminUserEnabled") },
		Fix: "Set adminUserEnabled to false; pull with managed identities (AcrPull)."},

	// --- identity ---
	{ID: "ATG-IAM-001", Title: "Service principal is Owner at subscription or management-group scope", Severity: High, STRIDE: ElevationOfPrivilege, MCSB: "PA-1", Category: CatIdentity,
		Label: graph.LabelRoleAssignment, Check: func(c *Context, n *graph.Node) *Hit { return privilegedSP(c, n, roleOwner) },
		Fix: "Scope the assignment to the resource groups the principal manages and use a least-privilege role."},
	{ID: "ATG-IAM-002", Title: "Service principal is User Access Administrator at subscription or management-group scope", Severity: High, STRIDE: ElevationOfPrivilege, MCSB: "PA-1", Category: CatIdentity,
		Label: graph.LabelRoleAssignment, Check: func(c *Context, n *graph.Node) *Hit { return privilegedSP(c, n, roleUAA) },
		Fix: "Remove the assignment or use Role Based Access Control Administrator with a condition limiting the roles it can grant."},
	{ID: "ATG-IAM-003", Title: "Service principal is Contributor at subscription or management-group scope", Severity: Medium, STRIDE: ElevationOfPrivilege, MCSB: "PA-7", Category: CatIdentity,
		Label: graph.LabelRoleAssignment, Check: func(c *Context, n *graph.Node) *Hit { return privilegedSP(c, n, roleContributor) },
		Fix: "Scope the assignment to the resource groups the principal deploys to, or use a narrower role."},
	{ID: "ATG-IAM-004", Title: "Guest user holds Owner, User Access Administrator or Contributor at subscription or management-group scope", Severity: Critical, STRIDE: ElevationOfPrivilege, MCSB: "PA-1", Category: CatIdentity,
		Label: graph.LabelRoleAssignment, Check: checkGuestPrivileged,
		Fix: "Remove the guest's privileged assignment; grant external collaborators narrow roles at resource-group scope through PIM."},
	{ID: "ATG-IAM-005", Title: "Managed identity with a broad role runs on internet-exposed compute", Severity: Critical, STRIDE: ElevationOfPrivilege, MCSB: "IM-3", Category: CatIdentity,
		Types: []string{tVM, tVMSS}, Check: checkExposedBroadIdentity,
		Fix: "Give the workload's identity only the data roles it needs on the resources it uses, and close the internet exposure."},
	{ID: "ATG-IAM-006", Title: "Application credential valid for more than a year", Severity: Medium, STRIDE: Spoofing, MCSB: "IM-8", Category: CatIdentity,
		Label: graph.LabelApplication, Check: checkLongLivedCredential,
		Fix: "Replace long-lived secrets and certificates with credentials of 6 months or less, or with federated credentials / managed identities."},
	{ID: "ATG-IAM-007", Title: "Application credential expired or expiring within 30 days", Severity: Low, STRIDE: DenialOfService, MCSB: "IM-8", Category: CatIdentity,
		Label: graph.LabelApplication, Check: checkExpiringCredential,
		Fix: "Rotate the credential and remove the expired one."},
	{ID: "ATG-IAM-008", Title: "Role assignment to a principal that does not exist in the directory", Severity: Low, STRIDE: Spoofing, MCSB: "PA-4", Category: CatIdentity,
		Label: graph.LabelRoleAssignment, Check: checkOrphanAssignment,
		Fix: "Delete the orphaned role assignment."},

	// --- logging ---
	{ID: "ATG-LOG-001", Title: "Key vault sends no diagnostic logs to a Log Analytics workspace", Severity: Medium, STRIDE: Repudiation, MCSB: "LT-3", Category: CatLogging,
		Types: []string{tKV}, Check: checkNoDiagnostics, Fix: "Add a diagnostic setting sending the AuditEvent category (allLogs) to a Log Analytics workspace."},
	{ID: "ATG-LOG-002", Title: "Network security group sends no diagnostic logs to a Log Analytics workspace", Severity: Low, STRIDE: Repudiation, MCSB: "LT-4", Category: CatLogging,
		Types: []string{tNSG}, Check: checkNoDiagnostics, Fix: "Add a diagnostic setting (and VNet flow logs) sending to a Log Analytics workspace."},
	{ID: "ATG-LOG-003", Title: "SQL database sends no diagnostic logs to a Log Analytics workspace", Severity: Medium, STRIDE: Repudiation, MCSB: "LT-3", Category: CatLogging,
		Types: []string{tSQLDB}, Check: func(c *Context, n *graph.Node) *Hit {
			if strings.EqualFold(str(n.Props[graph.PropName]), "master") {
				return nil
			}
			return checkNoDiagnostics(c, n)
		}, Fix: "Enable auditing and a diagnostic setting (SQLSecurityAuditEvents, allLogs) to a Log Analytics workspace."},
	{ID: "ATG-LOG-004", Title: "AKS cluster sends no diagnostic logs to a Log Analytics workspace", Severity: Medium, STRIDE: Repudiation, MCSB: "LT-3", Category: CatLogging,
		Types: []string{tAKS}, Check: checkNoDiagnostics, Fix: "Add a diagnostic setting sending kube-audit-admin and guard logs to a Log Analytics workspace."},
}

// enabledUnlessDisabled reads a publicNetworkAccess-style value: absent means enabled.
func enabledUnlessDisabled(v any) bool {
	s := strings.ToLower(str(v))
	return s != "disabled" && s != "securedbyperimeter"
}

// allNetworks flags public access with a default-allow network rule set.
func allNetworks(n *graph.Node, pnaPath, defaultActionPath string) *Hit {
	if !enabledUnlessDisabled(get(n, pnaPath)) {
		return nil
	}
	if strings.EqualFold(str(get(n, defaultActionPath)), "Deny") {
		return nil
	}
	return hit(ev(n, pnaPath), ev(n, defaultActionPath))
}

func isTrue(n *graph.Node, path string) *Hit {
	if b, ok := boolOf(get(n, path)); ok && b {
		return hit(ev(n, path))
	}
	return nil
}

func isFalse(n *graph.Node, path string) *Hit {
	if b, ok := boolOf(get(n, path)); ok && !b {
		return hit(ev(n, path))
	}
	return nil
}

// oldTLS flags a minimum TLS version below 1.2 (TLS1_0, 1.1, "None"); absent counts as old
// when the service's default is old.
func oldTLS(n *graph.Node, path string, absentIsOld bool) *Hit {
	v := str(get(n, path))
	s := strings.ToLower(strings.TrimPrefix(strings.ToLower(v), "tls"))
	s = strings.ReplaceAll(strings.TrimPrefix(s, "_"), "_", ".")
	switch {
	case v == "":
		if absentIsOld {
			return hit(ev(n, path))
		}
		return nil
	case s == "1.0" || s == "1.1" || s == "1" || s == "none":
		return hit(ev(n, path))
	}
	return nil
}

func checkNoNSG(c *Context, n *graph.Node) *Hit {
	for _, f := range c.net.ifaces[n.ID] {
		if len(f.nsgs) > 0 || len(f.entries) == 0 {
			continue
		}
		e := f.entries[0]
		h := &Hit{Related: []string{f.owner.ID}, Evidence: []Evidence{{Resource: displayID(f.owner), Path: "properties.networkSecurityGroup", Value: get(f.owner, "properties.networkSecurityGroup")}}}
		for _, v := range e.via {
			h.Related = append(h.Related, v.ID)
		}
		return h
	}
	return nil
}

func checkNSGOpen(c *Context, n *graph.Node) *Hit {
	for _, port := range []int{22, 3389, allPorts} {
		if ok, r := nsgDecision(n, port); ok && r != nil {
			evs, _ := nsgEvidence([]*graph.Node{n}, port)
			for i := range evs {
				evs[i].Resource = ""
			}
			return &Hit{Evidence: evs}
		}
	}
	return nil
}

func checkPublicContainer(c *Context, n *graph.Node) *Hit {
	pa := strings.ToLower(str(get(n, "properties.publicAccess")))
	if pa != "blob" && pa != "container" {
		return nil
	}
	acct := c.G.Node(parentBefore(n.ID, "blobservices"))
	if acct != nil {
		if b, ok := boolOf(get(acct, "properties.allowBlobPublicAccess")); ok && !b {
			return nil // the account setting overrides the container's
		}
	}
	h := hit(ev(n, "properties.publicAccess"))
	if acct != nil {
		h.Related = []string{acct.ID}
		h.Evidence = append(h.Evidence, Evidence{Resource: displayID(acct), Path: "properties.allowBlobPublicAccess", Value: get(acct, "properties.allowBlobPublicAccess")})
	}
	return h
}

func privilegedSP(c *Context, n *graph.Node, role string) *Hit {
	a := readAssignment(c.G, n)
	if a.roleGUID != role || !tenantWide(a.scope) || !strings.EqualFold(a.ptype, "ServicePrincipal") {
		return nil
	}
	return assignmentHit(n, a)
}

func assignmentHit(n *graph.Node, a assignment) *Hit {
	return &Hit{Related: []string{a.principal, a.scope}, Evidence: []Evidence{
		{Path: "properties.roleDefinitionId", Value: n.Props["role_definition_id"]},
		{Path: "properties.principalId", Value: a.principal},
		{Path: "properties.principalType", Value: a.ptype},
		{Path: "properties.scope", Value: n.Props["scope"]},
	}}
}

func checkGuestPrivileged(c *Context, n *graph.Node) *Hit {
	a := readAssignment(c.G, n)
	if !broadRoles[a.roleGUID] || a.roleGUID == roleRBACAdmin || !tenantWide(a.scope) {
		return nil
	}
	u := c.G.Node(a.principal)
	if u == nil || u.Label != graph.LabelUser || !strings.EqualFold(str(u.Props["user_type"]), "Guest") {
		return nil
	}
	h := assignmentHit(n, a)
	h.Evidence = append(h.Evidence, Evidence{Resource: u.ID, Path: "user_type", Value: u.Props["user_type"]})
	return h
}

func checkExposedBroadIdentity(c *Context, n *graph.Node) *Hit {
	exp, ok := c.net.exposed[n.ID]
	if !ok {
		return nil
	}
	for _, id := range c.rb.identitiesOf(n) {
		for _, a := range c.rb.effective(id[0]) {
			if !broadRoles[a.roleGUID] || scopeKind(a.scope) == "resource" {
				continue
			}
			h := &Hit{Related: []string{id[0]}}
			if id[1] != "" {
				h.Related = append(h.Related, id[1])
			}
			h.Related = append(h.Related, a.node.ID)
			for _, p := range exp.path {
				h.Related = append(h.Related, p.ID)
			}
			h.Evidence = []Evidence{{Path: "identity.principalId", Value: get(n, "identity.principalId")},
				{Resource: a.node.ID, Path: "properties.roleDefinitionId", Value: a.node.Props["role_definition_id"]},
				{Resource: a.node.ID, Path: "properties.scope", Value: a.node.Props["scope"]}}
			if id[1] != "" {
				h.Evidence[0] = Evidence{Path: "identity.userAssignedIdentities", Value: id[1]}
			}
			return h
		}
	}
	return nil
}

// credentials reads an application's credential metadata (never secret values).
func credentials(n *graph.Node) []map[string]any {
	var out []map[string]any
	for _, c := range list(n.Props["credentials"]) {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func parseTime(v any) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, str(v))
	return t, err == nil
}

func checkLongLivedCredential(c *Context, n *graph.Node) *Hit {
	for i, cr := range credentials(n) {
		start, ok1 := parseTime(cr["start_date_time"])
		end, ok2 := parseTime(cr["end_date_time"])
		if ok1 && ok2 && end.Sub(start) > 366*24*time.Hour {
			return hit(Evidence{Path: fmt.Sprintf("credentials[%d].start_date_time", i), Value: cr["start_date_time"]},
				Evidence{Path: fmt.Sprintf("credentials[%d].end_date_time", i), Value: cr["end_date_time"]},
				Evidence{Path: fmt.Sprintf("credentials[%d].type", i), Value: cr["type"]})
		}
	}
	return nil
}

func checkExpiringCredential(c *Context, n *graph.Node) *Hit {
	for i, cr := range credentials(n) {
		end, ok := parseTime(cr["end_date_time"])
		if ok && end.Before(c.Now.Add(30*24*time.Hour)) {
			return hit(Evidence{Path: fmt.Sprintf("credentials[%d].end_date_time", i), Value: cr["end_date_time"]},
				Evidence{Path: fmt.Sprintf("credentials[%d].type", i), Value: cr["type"]})
		}
	}
	return nil
}

func checkOrphanAssignment(c *Context, n *graph.Node) *Hit {
	if len(c.G.OfLabel(graph.LabelUser))+len(c.G.OfLabel(graph.LabelServicePrincipal)) == 0 {
		return nil // identities were not scanned: nothing can be judged orphaned
	}
	if len(c.G.Out(n.ID, graph.EdgeAssignedTo)) > 0 {
		return nil
	}
	pid := str(n.Props["principal_id"])
	if pid == "" || c.G.Node(pid) != nil {
		return nil
	}
	return hit(Evidence{Path: "properties.principalId", Value: pid}, Evidence{Path: "properties.principalType", Value: n.Props["principal_type"]})
}

func checkNoDiagnostics(c *Context, n *graph.Node) *Hit {
	for _, t := range c.G.Out(n.ID, graph.EdgeSendsDiagnosticsTo) {
		if typeOf(t) == tLA {
			return nil
		}
	}
	return hit(Evidence{Path: "providers/Microsoft.Insights/diagnosticSettings", Value: nil})
}
