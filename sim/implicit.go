package sim

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
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

// resourceAction is one POST action on a resource of a type (lower-cased), e.g. listKeys.
type resourceAction struct {
	parent string
	action string // lower-cased
	answer func(parent *resource) map[string]any
}

var implicitChildren = []implicitChild{
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
}

var resourceActions = []resourceAction{
	{"microsoft.containerservice/managedclusters", "listclusterusercredential", kubeconfigs("clusterUser")},
	{"microsoft.containerservice/managedclusters", "listclusteradmincredential", kubeconfigs("clusterAdmin")},
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

// serveImplicit answers a GET of an implicit child that is not stored, or a POST action; it
// reports whether it answered. The api-version is checked against the parent type's.
func (s *Simulator) serveImplicit(c *call, p armPath, method, apiVersion string) bool {
	lraw := strings.ToLower(p.raw)
	switch {
	case method == http.MethodPost && p.collection && len(p.types) >= 2:
		action := strings.ToLower(p.types[len(p.types)-1])
		parentKey := lraw[:len(lraw)-len(action)-1]
		for _, a := range resourceActions {
			if a.action != action {
				continue
			}
			s.st.mu.RLock()
			parent := s.st.res[parentKey]
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
	return s.checkVersion(c, apiVersion, info.APIVersions, info.Type)
}
