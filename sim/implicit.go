package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// What Azure creates with a resource and answers for without anyone having written it, and the
// POST actions clients call on a resource to read it: the Terraform providers read these on every
// refresh (a storage account's blob and file service properties and keys, a private DNS zone's SOA
// record, …). Implicit children are answered for GET only while no stored resource takes their
// place (a PUT stores one); they are not listed, so a scan sees what it saw before.

// implicitChild is one singleton child: the parent type (lower-cased), the path below the parent
// (types and names, e.g. "blobServices/default"), its ARM type and its body beyond id/name/type.
type implicitChild struct {
	parent string
	path   string
	typ    string
	body   func(parent *resource) map[string]any
}

// resourceAction is one POST action on a resource of a type (lower-cased): its path below the
// resource, e.g. listKeys or config/appsettings/list.
type resourceAction struct {
	parent string
	action string
	answer func(parent *resource) map[string]any
}

var implicitChildren = []implicitChild{
	{"microsoft.web/sites", "config/web", "Microsoft.Web/sites/config", siteConfigWeb},
	{"microsoft.web/sites", "config/logs", "Microsoft.Web/sites/config", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"applicationLogs": map[string]any{"fileSystem": map[string]any{"level": "Off"}},
			"httpLogs": map[string]any{"fileSystem": map[string]any{"enabled": false, "retentionInMb": 35}}, "failedRequestsTracing": map[string]any{"enabled": false},
			"detailedErrorMessages": map[string]any{"enabled": false}}}
	}},
	{"microsoft.web/sites", "config/slotConfigNames", "Microsoft.Web/sites/config", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"appSettingNames": nil, "connectionStringNames": nil, "azureStorageConfigNames": nil}}
	}},
	{"microsoft.web/sites", "basicPublishingCredentialsPolicies/ftp", "Microsoft.Web/sites/basicPublishingCredentialsPolicies", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"allow": true}}
	}},
	{"microsoft.web/sites", "basicPublishingCredentialsPolicies/scm", "Microsoft.Web/sites/basicPublishingCredentialsPolicies", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"allow": true}}
	}},
	{"microsoft.sql/servers", "sqlVulnerabilityAssessments/default", "Microsoft.Sql/servers/sqlVulnerabilityAssessments", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"state": "Disabled"}}
	}},
	{"microsoft.sql/servers/databases", "backupLongTermRetentionPolicies/default", "Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"weeklyRetention": "PT0S", "monthlyRetention": "PT0S", "yearlyRetention": "PT0S", "weekOfYear": 0,
			"makeBackupsImmutable": false, "backupStorageAccessTier": "Hot"}}
	}},
	{"microsoft.sql/servers/databases", "backupShortTermRetentionPolicies/default", "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"retentionDays": 7, "diffBackupIntervalInHours": 12}}
	}},
	{"microsoft.sql/servers/databases", "transparentDataEncryption/current", "Microsoft.Sql/servers/databases/transparentDataEncryption", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"state": "Enabled"}}
	}},
	{"microsoft.sql/servers/databases", "geoBackupPolicies/default", "Microsoft.Sql/servers/databases/geoBackupPolicies", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"state": "Enabled", "storageType": "Premium"}}
	}},
	{"microsoft.sql/servers/databases", "securityAlertPolicies/default", "Microsoft.Sql/servers/databases/securityAlertPolicies", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"state": "Disabled", "disabledAlerts": []any{""}, "emailAddresses": []any{""},
			"emailAccountAdmins": false, "retentionDays": 0}}
	}},
	{"microsoft.sql/servers", "connectionPolicies/default", "Microsoft.Sql/servers/connectionPolicies", func(p *resource) map[string]any {
		return map[string]any{"location": p.body["location"], "properties": map[string]any{"connectionType": "Default"}}
	}},
	{"microsoft.storage/storageaccounts", "blobServices/default", "Microsoft.Storage/storageAccounts/blobServices", func(p *resource) map[string]any {
		return map[string]any{"sku": p.body["sku"], "properties": map[string]any{"cors": map[string]any{"corsRules": []any{}},
			"deleteRetentionPolicy": map[string]any{"allowPermanentDelete": false, "enabled": false}}}
	}},
	{"microsoft.storage/storageaccounts", "fileServices/default", "Microsoft.Storage/storageAccounts/fileServices", func(p *resource) map[string]any {
		return map[string]any{"sku": p.body["sku"], "properties": map[string]any{"cors": map[string]any{"corsRules": []any{}},
			"protocolSettings": map[string]any{"smb": map[string]any{}}, "shareDeleteRetentionPolicy": map[string]any{"enabled": true, "days": 7}}}
	}},
	{"microsoft.storage/storageaccounts", "queueServices/default", "Microsoft.Storage/storageAccounts/queueServices", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"cors": map[string]any{"corsRules": []any{}}}}
	}},
	{"microsoft.storage/storageaccounts", "tableServices/default", "Microsoft.Storage/storageAccounts/tableServices", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"cors": map[string]any{"corsRules": []any{}}}}
	}},
	{"microsoft.network/privatednszones", "SOA/@", "Microsoft.Network/privateDnsZones/SOA", func(p *resource) map[string]any {
		name, _ := p.body["name"].(string)
		return map[string]any{"etag": etagOf(p.key + "/soa"), "properties": map[string]any{"fqdn": name + ".", "ttl": 3600, "isAutoRegistered": false,
			"soaRecord": map[string]any{"email": "azureprivatedns-host.microsoft.com", "expireTime": 2419200, "host": "azureprivatedns.net",
				"minimumTtl": 10, "refreshTime": 3600, "retryTime": 300, "serialNumber": 1}}}
	}},
	// a public zone is created with its SOA and NS record sets at the apex (Azure DNS's name servers)
	{"microsoft.network/dnszones", "SOA/@", "Microsoft.Network/dnsZones/SOA", func(p *resource) map[string]any {
		name, _ := p.body["name"].(string)
		return map[string]any{"etag": etagOf(p.key + "/soa"), "properties": map[string]any{"fqdn": name + ".", "TTL": 3600,
			"SOARecord": map[string]any{"email": "azuredns-hostmaster.microsoft.com", "expireTime": 2419200, "host": "ns1-01.azure-dns.com.",
				"minimumTTL": 300, "refreshTime": 3600, "retryTime": 300, "serialNumber": 1}, "provisioningState": "Succeeded"}}
	}},
	{"microsoft.network/dnszones", "NS/@", "Microsoft.Network/dnsZones/NS", func(p *resource) map[string]any {
		name, _ := p.body["name"].(string)
		ns := []any{}
		for _, h := range []string{"ns1-01.azure-dns.com.", "ns2-01.azure-dns.net.", "ns3-01.azure-dns.org.", "ns4-01.azure-dns.info."} {
			ns = append(ns, map[string]any{"nsdname": h})
		}
		return map[string]any{"etag": etagOf(p.key + "/ns"), "properties": map[string]any{"fqdn": name + ".", "TTL": 172800, "NSRecords": ns,
			"provisioningState": "Succeeded"}}
	}},
}

var resourceActions = []resourceAction{
	{"microsoft.containerservice/managedclusters", "listClusterUserCredential", kubeconfigs("clusterUser")},
	{"microsoft.containerservice/managedclusters", "listClusterAdminCredential", kubeconfigs("clusterAdmin")},
	{"microsoft.documentdb/databaseaccounts", "listKeys", func(p *resource) map[string]any {
		return map[string]any{"primaryMasterKey": simKey(p.key, "primary"), "secondaryMasterKey": simKey(p.key, "secondary"),
			"primaryReadonlyMasterKey": simKey(p.key, "primary-ro"), "secondaryReadonlyMasterKey": simKey(p.key, "secondary-ro")}
	}},
	{"microsoft.documentdb/databaseaccounts", "readonlykeys", func(p *resource) map[string]any {
		return map[string]any{"primaryReadonlyMasterKey": simKey(p.key, "primary-ro"), "secondaryReadonlyMasterKey": simKey(p.key, "secondary-ro")}
	}},
	{"microsoft.documentdb/databaseaccounts", "listConnectionStrings", func(p *resource) map[string]any {
		return map[string]any{"connectionStrings": []any{}}
	}},
	{"microsoft.app/containerapps", "listSecrets", func(p *resource) map[string]any {
		// names and Key Vault references as stored; a value given in a PUT is write-only (secrets.go)
		out := []any{}
		for i, sec := range arrOf(mmapRO(mmapRO(p.body, "properties"), "configuration")["secrets"]) {
			m, ok := sec.(map[string]any)
			if !ok {
				continue
			}
			e := map[string]any{"name": m["name"]}
			if kv := mstr(m, "keyVaultUrl"); kv != "" {
				e["keyVaultUrl"], e["identity"] = kv, m["identity"]
			} else if v, ok := p.secrets[fmt.Sprintf("configuration.secrets[%d].value", i)]; ok {
				e["value"] = v
			}
			out = append(out, e)
		}
		return map[string]any{"value": out}
	}},
	{"microsoft.web/sites", "config/appsettings/list", func(p *resource) map[string]any {
		out := map[string]any{}
		for _, kv := range arrOf(mmapRO(mmapRO(p.body, "properties"), "siteConfig")["appSettings"]) {
			if m, ok := kv.(map[string]any); ok {
				out[mstr(m, "name")] = m["value"]
			}
		}
		return map[string]any{"properties": out}
	}},
	{"microsoft.web/sites", "config/connectionstrings/list", func(p *resource) map[string]any {
		out := map[string]any{}
		for _, kv := range arrOf(mmapRO(mmapRO(p.body, "properties"), "siteConfig")["connectionStrings"]) {
			if m, ok := kv.(map[string]any); ok {
				out[mstr(m, "name")] = map[string]any{"value": m["connectionString"], "type": m["type"]}
			}
		}
		return map[string]any{"properties": out}
	}},
	{"microsoft.web/sites", "config/authsettings/list", func(*resource) map[string]any {
		return map[string]any{"properties": map[string]any{"enabled": false, "configVersion": "v1", "unauthenticatedClientAction": "RedirectToLoginPage",
			"tokenStoreEnabled": false, "allowedExternalRedirectUrls": nil, "defaultProvider": "AzureActiveDirectory"}}
	}},
	{"microsoft.web/sites", "config/publishingcredentials/list", func(p *resource) map[string]any {
		name, _ := p.body["name"].(string)
		return map[string]any{"name": name, "type": "Microsoft.Web/sites/config", "properties": map[string]any{"publishingUserName": "$" + name,
			"publishingPassword": simKey(p.key, "publishing")[:60], "scmUri": "https://$" + name + "@" + name + ".scm.azurewebsites.net"}}
	}},
	{"microsoft.web/sites", "config/azurestorageaccounts/list", func(*resource) map[string]any { return map[string]any{"properties": map[string]any{}} }},
	{"microsoft.storage/storageaccounts", "listkeys", func(p *resource) map[string]any {
		// deterministic per account; never a real key (the simulator has no data plane)
		return map[string]any{"keys": []any{
			map[string]any{"keyName": "key1", "permissions": "FULL", "value": simKey(p.key, "key1"), "creationTime": "2026-01-15T09:00:00.0000000Z"},
			map[string]any{"keyName": "key2", "permissions": "FULL", "value": simKey(p.key, "key2"), "creationTime": "2026-01-15T09:00:00.0000000Z"}}}
	}},
}

// kubeconfigs answers listCluster{User,Admin}Credential: one kubeconfig (base64) for the cluster's
// API server, with a token that is not a credential.
func kubeconfigs(user string) func(*resource) map[string]any {
	return func(p *resource) map[string]any {
		name, _ := p.body["name"].(string)
		fqdn := mstr(mmapRO(p.body, "properties"), "fqdn")
		if fqdn == "" {
			fqdn = name + ".hcp.simulated.azmk8s.io"
		}
		ca := base64.StdEncoding.EncodeToString([]byte("-----BEGIN CERTIFICATE-----\nc2ltdWxhdGVk\n-----END CERTIFICATE-----\n"))
		u := user + "_" + name
		cfg := "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: " + ca + "\n    server: https://" + fqdn + ":443\n  name: " + name +
			"\ncontexts:\n- context:\n    cluster: " + name + "\n    user: " + u + "\n  name: " + name + "\ncurrent-context: " + name +
			"\npreferences: {}\nusers:\n- name: " + u + "\n  user:\n    token: " + simKey(p.key, user)[:32] + "\n"
		return map[string]any{"kubeconfigs": []any{map[string]any{"name": user, "value": base64.StdEncoding.EncodeToString([]byte(cfg))}}}
	}
}

func simKey(key, which string) string {
	h := sha256.Sum256([]byte("atg-sim-key|" + key + "|" + which))
	return base64.StdEncoding.EncodeToString(append(h[:], h[:32]...))
}

func etagOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(h[:8])
}

// softDeletedLists are the subscription-wide lists of soft-deleted resources the providers read
// before a create (to recover or refuse); the simulator keeps none.
var softDeletedLists = map[string]bool{"microsoft.operationalinsights/deletedworkspaces": true, "microsoft.keyvault/deletedvaults": true,
	"microsoft.cognitiveservices/deletedaccounts": true, "microsoft.apimanagement/deletedservices": true}

// serveImplicit answers a GET of an implicit child that is not stored, or a POST action; it
// reports whether it answered. The api-version is checked against the parent type's.
func (s *Simulator) serveImplicit(c *call, p armPath, method, apiVersion string) bool {
	lraw := strings.ToLower(p.raw)
	switch {
	case method == http.MethodGet && p.collection && p.rg == "" && softDeletedLists[strings.ToLower(p.fullType())]:
		writeJSON(c.w, http.StatusOK, map[string]any{"value": []any{}}) // nothing soft-deleted: the simulator purges on delete
		return true
	case method == http.MethodPost && p.rg == "" && strings.HasSuffix(lraw, "/providers/microsoft.web/checknameavailability"):
		writeJSON(c.w, http.StatusOK, map[string]any{"nameAvailable": true}) // names are per-tenant here; a clash shows on PUT
		return true
	case method == http.MethodPost:
		for _, a := range resourceActions {
			suffix := "/" + strings.ToLower(a.action)
			if !strings.HasSuffix(lraw, suffix) {
				continue
			}
			s.st.mu.RLock()
			parent := s.st.res[lraw[:len(lraw)-len(suffix)]]
			var out map[string]any
			if parent != nil && parent.ltyp == a.parent {
				out = a.answer(parent)
			}
			s.st.mu.RUnlock()
			if out == nil {
				continue
			}
			if !s.parentVersion(c, parent, apiVersion) {
				return true
			}
			writeJSON(c.w, http.StatusOK, out)
			return true
		}
	case method == http.MethodGet && !p.collection:
		for _, ic := range implicitChildren {
			suffix := "/" + strings.ToLower(ic.path)
			if !strings.HasSuffix(lraw, suffix) {
				continue
			}
			parentKey := lraw[:len(lraw)-len(suffix)]
			s.st.mu.RLock()
			stored := s.st.res[lraw] != nil
			parent := s.st.res[parentKey]
			var body map[string]any
			if !stored && parent != nil && parent.ltyp == ic.parent {
				body = ic.body(parent)
			}
			s.st.mu.RUnlock()
			if body == nil {
				continue
			}
			if !s.parentVersion(c, parent, apiVersion) {
				return true
			}
			body["id"] = p.raw
			body["name"] = p.names[len(p.names)-1]
			body["type"] = ic.typ
			writeJSON(c.w, http.StatusOK, body)
			return true
		}
		return s.serveInlineChild(c, p, apiVersion)
	}
	return false
}

// serveInlineChild answers GET {parent}/{collection}/{name} for a sub-resource ARM returns inside
// its parent's properties (a load balancer's pools, probes and rules; a NIC's ip configurations)
// when no stored resource has that id: the element, as ARM serves it on its own.
func (s *Simulator) serveInlineChild(c *call, p armPath, apiVersion string) bool {
	if len(p.types) < 2 || len(p.names) != len(p.types) {
		return false
	}
	lraw := strings.ToLower(p.raw)
	coll, name := p.types[len(p.types)-1], p.names[len(p.names)-1]
	suffix := "/" + strings.ToLower(coll) + "/" + strings.ToLower(name)
	if !strings.HasSuffix(lraw, suffix) {
		return false
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	if s.st.res[lraw] != nil {
		return false
	}
	parent := s.st.res[lraw[:len(lraw)-len(suffix)]]
	if parent == nil {
		return false
	}
	var el map[string]any
	for k, v := range mmapRO(s.st.render(parent), "properties") {
		if !strings.EqualFold(k, coll) {
			continue
		}
		for _, x := range arrOf(v) {
			if m, ok := x.(map[string]any); ok && strings.EqualFold(mstr(m, "name"), name) {
				el = m
			}
		}
	}
	if el == nil {
		return false
	}
	info := s.st.types[parent.ltyp]
	if info != nil && !slices.Contains(info.APIVersions, apiVersion) {
		return false // the generic path answers the version error
	}
	out := make(map[string]any, len(el)+3)
	for k, v := range el {
		out[k] = v
	}
	out["id"] = p.raw
	if out["type"] == nil {
		out["type"] = parent.typ + "/" + coll
	}
	if out["etag"] == nil {
		out["etag"] = `W/"` + etagOf(lraw) + `"`
	}
	writeJSON(c.w, http.StatusOK, out)
	return true
}

// implicitlyExists says whether key (lower-cased id) is an implicit singleton of an existing
// parent (the caller holds st.mu).
func (st *store) implicitlyExists(key string) bool {
	for _, ic := range implicitChildren {
		suffix := "/" + strings.ToLower(ic.path)
		if strings.HasSuffix(key, suffix) {
			if p := st.res[key[:len(key)-len(suffix)]]; p != nil && p.ltyp == ic.parent {
				return true
			}
		}
	}
	return false
}

func (s *Simulator) parentVersion(c *call, parent *resource, apiVersion string) bool {
	s.st.mu.RLock()
	info := s.st.types[parent.ltyp]
	s.st.mu.RUnlock()
	if info == nil {
		return true
	}
	return s.typeVersion(c, apiVersion, info)
}

// siteConfigWeb is GET …/sites/{s}/config/web: the site's siteConfig with what App Service fills.
func siteConfigWeb(p *resource) map[string]any {
	sc := map[string]any{}
	for k, v := range mmapRO(mmapRO(p.body, "properties"), "siteConfig") {
		if k != "appSettings" && k != "connectionStrings" { // listed by their own POST actions
			sc[k] = deepCopy(v)
		}
	}
	for _, d := range []pathDefault{{"numberOfWorkers", 1}, {"netFrameworkVersion", "v4.0"}, {"requestTracingEnabled", false},
		{"remoteDebuggingEnabled", false}, {"httpLoggingEnabled", false}, {"detailedErrorLoggingEnabled", false},
		{"use32BitWorkerProcess", true}, {"webSocketsEnabled", false}, {"alwaysOn", false}, {"managedPipelineMode", "Integrated"},
		{"loadBalancing", "LeastRequests"}, {"autoHealEnabled", false}, {"vnetRouteAllEnabled", false}, {"http20Enabled", false},
		{"minTlsVersion", "1.2"}, {"scmMinTlsVersion", "1.2"}, {"ftpsState", "FtpsOnly"}, {"preWarmedInstanceCount", 0},
		{"healthCheckPath", nil}, {"localMySqlEnabled", false}, {"ipSecurityRestrictionsDefaultAction", "Allow"},
		{"scmIpSecurityRestrictionsDefaultAction", "Allow"}, {"scmIpSecurityRestrictionsUseMain", false},
		{"ipSecurityRestrictions", []any{map[string]any{"ipAddress": "Any", "action": "Allow", "priority": 2147483647, "name": "Allow all", "description": "Allow all access"}}},
		{"scmIpSecurityRestrictions", []any{map[string]any{"ipAddress": "Any", "action": "Allow", "priority": 2147483647, "name": "Allow all", "description": "Allow all access"}}},
		{"defaultDocuments", []any{"Default.htm", "Default.html", "Default.asp", "index.htm", "index.html", "iisstart.htm", "default.aspx", "index.php", "hostingstart.html"}},
		{"minimumElasticInstanceCount", 0}, {"functionAppScaleLimit", 0}, {"elasticWebAppScaleLimit", 0}} {
		setDefault(sc, strings.Split(d.path, "."), d.value)
	}
	return map[string]any{"location": p.body["location"], "properties": sc}
}
