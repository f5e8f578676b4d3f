package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// API Management services (azurerm_api_management). ARM's sku and capacity become one sku_name
// ("Premium_1"), the gateway's protocol and cipher switches (customProperties) the security and
// protocols blocks, custom host names one block per kind; additional regions are brought into
// azurerm's shape (locations spelt as azurerm spells them). The built-in gateway host name is the
// service's own and is not declared; a custom host name needs its certificate in Key Vault (an
// uploaded certificate is never returned).

func init() { registerSimpleRows(apimRows) }

const apimSecurity = "Microsoft.WindowsAzure.ApiManagement.Gateway."

// apimCustomProperties: customProperties key (after apimSecurity) -> block and argument.
var apimCustomProperties = map[string][2]string{
	"Security.Protocols.Tls10":                              {"security", "frontend_tls10_enabled"},
	"Security.Protocols.Tls11":                              {"security", "frontend_tls11_enabled"},
	"Security.Protocols.Ssl30":                              {"security", "frontend_ssl30_enabled"},
	"Security.Backend.Protocols.Tls10":                      {"security", "backend_tls10_enabled"},
	"Security.Backend.Protocols.Tls11":                      {"security", "backend_tls11_enabled"},
	"Security.Backend.Protocols.Ssl30":                      {"security", "backend_ssl30_enabled"},
	"Security.Ciphers.TripleDes168":                         {"security", "triple_des_ciphers_enabled"},
	"Security.Ciphers.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": {"security", "tls_ecdhe_ecdsa_with_aes128_cbc_sha_ciphers_enabled"},
	"Security.Ciphers.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": {"security", "tls_ecdhe_ecdsa_with_aes256_cbc_sha_ciphers_enabled"},
	"Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA":   {"security", "tls_ecdhe_rsa_with_aes128_cbc_sha_ciphers_enabled"},
	"Security.Ciphers.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA":   {"security", "tls_ecdhe_rsa_with_aes256_cbc_sha_ciphers_enabled"},
	"Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA256":      {"security", "tls_rsa_with_aes128_cbc_sha256_ciphers_enabled"},
	"Security.Ciphers.TLS_RSA_WITH_AES_128_CBC_SHA":         {"security", "tls_rsa_with_aes128_cbc_sha_ciphers_enabled"},
	"Security.Ciphers.TLS_RSA_WITH_AES_128_GCM_SHA256":      {"security", "tls_rsa_with_aes128_gcm_sha256_ciphers_enabled"},
	"Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA256":      {"security", "tls_rsa_with_aes256_cbc_sha256_ciphers_enabled"},
	"Security.Ciphers.TLS_RSA_WITH_AES_256_CBC_SHA":         {"security", "tls_rsa_with_aes256_cbc_sha_ciphers_enabled"},
	"Security.Ciphers.TLS_RSA_WITH_AES_256_GCM_SHA384":      {"security", "tls_rsa_with_aes256_gcm_sha384_ciphers_enabled"},
	"Protocols.Server.Http2":                                {"protocols", "http2_enabled"},
}

// apimHostKinds: ARM host name type -> azurerm hostname_configuration block.
var apimHostKinds = map[string]string{"Proxy": "proxy", "Management": "management", "Portal": "portal", "DeveloperPortal": "developer_portal", "Scm": "scm"}

// apimHosts are the custom host names (the built-in gateway host excluded).
func apimHosts(r *model.Resource) []map[string]any {
	var out []map[string]any
	for _, h := range arr(jsonpath.GetFold(r.Body, "hostnameConfigurations")) {
		o := m(h)
		builtin := strings.EqualFold(s(o["certificateSource"]), "BuiltIn") ||
			s(o["certificateSource"]) == "" && s(o["keyVaultId"]) == "" && strings.EqualFold(s(o["hostName"]), r.LastName()+".azure-api.net")
		if builtin && strings.HasSuffix(strings.ToLower(s(o["hostName"])), ".azure-api.net") {
			continue
		}
		out = append(out, o)
	}
	return out
}

var apimHostArgs = []arg{{TF: "host_name", ARM: "hostName", Required: true}, {TF: "key_vault_certificate_id", ARM: "keyVaultId", Required: true},
	{TF: "negotiate_client_certificate", ARM: "negotiateClientCertificate", C: cBool}, {TF: "ssl_keyvault_identity_client_id", ARM: "identityClientId"},
	{ARM: "type"}, {ARM: "certificate"}, {ARM: "certificateSource"}, {ARM: "certificateStatus"}}

// apimLocations copies the additional regions in azurerm's shape.
func apimLocations(r *model.Resource) []map[string]any {
	var out []map[string]any
	for _, x := range arr(jsonpath.GetFold(r.Body, "additionalLocations")) {
		o := map[string]any{}
		for k, v := range m(x) {
			if !listHas([]string{"publicIPAddresses", "privateIPAddresses", "gatewayRegionalUrl", "platformVersion", "outboundPublicIPAddresses", "natGatewayState"}, k) {
				o[k] = v
			}
		}
		o["location"] = model.NormalizeLocation(s(o["location"]))
		out = append(out, o)
	}
	return out
}

var apimLocationArgs = []arg{{TF: "location", ARM: "location", Required: true}, {TF: "capacity", ARM: "sku.capacity", C: cNum},
	{TF: "zones", ARM: "zones", C: cStrList}, {TF: "gateway_disabled", ARM: "disableGateway", C: cBool},
	{TF: "public_ip_address_id", ARM: "publicIpAddressId", C: cID},
	{TF: "virtual_network_configuration", ARM: "virtualNetworkConfiguration", Max: 1, Block: []arg{{TF: "subnet_id", ARM: "subnetResourceId", C: cID, Required: true},
		{ARM: "vnetid"}, {ARM: "subnetname"}}}}

func apimCheck(r *model.Resource) string {
	if _, ok := numberOf(r.SKU["capacity"]); !ok || s(r.SKU["name"]) == "" {
		return "api management service without a sku name and capacity"
	}
	cp := m(jsonpath.GetFold(r.Body, "customProperties"))
	for _, k := range model.SortedKeys(cp) {
		if _, ok := apimCustomProperties[strings.TrimPrefix(k, apimSecurity)]; !ok || !strings.HasPrefix(k, apimSecurity) {
			return "customProperties " + k + " is not expressed"
		}
		if v := strings.ToLower(s(cp[k])); v != "true" && v != "false" {
			return "customProperties " + k + " is not a bool"
		}
	}
	for _, h := range apimHosts(r) {
		if _, ok := apimHostKinds[s(h["type"])]; !ok {
			return "host name type " + s(h["type"]) + " is not expressed"
		}
		in := "hostnameConfigurations." + s(h["hostName"]) + "."
		if why := argsWhy("azurerm_api_management", apimHostArgs, h, r, in); why != "" {
			return why + " (an uploaded certificate is never returned)"
		}
		for _, k := range model.SortedKeys(h) {
			if k == "defaultSslBinding" && (s(h["type"]) == "Proxy" || h[k] == false) {
				continue // a proxy's default binding is written; other kinds have none
			}
			if !emptyValue(h[k]) && !argsCover(apimHostArgs, k) {
				return "azurerm_api_management cannot express " + in + k
			}
		}
	}
	for _, o := range apimLocations(r) {
		if why := argsWhy("azurerm_api_management", apimLocationArgs, o, r, "additionalLocations."); why != "" {
			return why
		}
		for _, k := range model.SortedKeys(o) {
			if !emptyValue(o[k]) && !argsCover(apimLocationArgs, k) {
				return "azurerm_api_management cannot express additionalLocations." + k
			}
		}
		for k, v := range m(o["sku"]) {
			if k != "name" && k != "capacity" && !emptyValue(v) {
				return "additionalLocations.sku." + k + " is not expressed"
			}
		}
	}
	return ""
}

func apimExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	capacity, _ := numberOf(r.SKU["capacity"])
	e.set(b, "sku_name", s(r.SKU["name"])+"_"+number(capacity))
	blocks := map[string]*hclwrite.Body{}
	cp := m(jsonpath.GetFold(r.Body, "customProperties"))
	for _, k := range model.SortedKeys(cp) {
		target := apimCustomProperties[strings.TrimPrefix(k, apimSecurity)]
		if blocks[target[0]] == nil {
			blocks[target[0]] = b.AppendNewBlock(target[0], nil).Body()
		}
		e.set(blocks[target[0]], target[1], strings.EqualFold(s(cp[k]), "true"))
	}
	if hosts := apimHosts(r); len(hosts) > 0 {
		hb := b.AppendNewBlock("hostname_configuration", nil).Body()
		for _, h := range hosts {
			kb := hb.AppendNewBlock(apimHostKinds[s(h["type"])], nil).Body()
			e.writeArgs(kb, apimHostArgs, h, r)
			if s(h["type"]) == "Proxy" {
				e.set(kb, "default_ssl_binding", boolAt(h, "defaultSslBinding"))
			}
		}
	}
	for _, o := range apimLocations(r) {
		e.writeArgs(b.AppendNewBlock("additional_location", nil).Body(), apimLocationArgs, o, r)
	}
}

var apimRows = map[string]simpleRow{
	"microsoft.apimanagement/service": {TF: "azurerm_api_management", Place: inRG, Location: true, NeedLocation: true, Tags: true, Identity: true, Zones: true,
		Args: []arg{{TF: "publisher_email", ARM: "publisherEmail", Required: true}, {TF: "publisher_name", ARM: "publisherName", Required: true},
			{TF: "notification_sender_email", ARM: "notificationSenderEmail"}, {TF: "public_ip_address_id", ARM: "publicIpAddressId", C: cID},
			{TF: "public_network_access_enabled", ARM: "publicNetworkAccess", C: cEnabled}, {TF: "virtual_network_type", ARM: "virtualNetworkType"},
			{TF: "virtual_network_configuration", ARM: "virtualNetworkConfiguration", Max: 1, Block: []arg{{TF: "subnet_id", ARM: "subnetResourceId", C: cID, Required: true},
				{ARM: "vnetid"}, {ARM: "subnetname"}}},
			{TF: "client_certificate_enabled", ARM: "enableClientCertificate", C: cBool}, {TF: "gateway_disabled", ARM: "disableGateway", C: cBool},
			{TF: "min_api_version", ARM: "apiVersionConstraint.minApiVersion"}},
		Check: apimCheck, Extra: apimExtra, Sets: []string{"sku_name", "security", "protocols", "hostname_configuration", "additional_location"},
		Reads: []string{"customProperties", "hostnameConfigurations", "additionalLocations"},
		// read-only: the service's state and addresses
		Ignore: []string{"developerPortalStatus", "legacyPortalStatus", "natGatewayState", "outboundPublicIPAddresses"}},
}
