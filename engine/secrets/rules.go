package secrets

import (
	"regexp"
	"strings"
	"sync"
)

// Rule ids of the Azure-specific table. The other rule ids are gitleaks' own (github-pat, jwt,
// private-key, slack-bot-token, …; see gitleaks.go).
const (
	RuleConnectionString = "connection-string"
	RuleURLPassword      = "url-password"
	RuleSASToken         = "sas-token"
	RuleSignedURL        = "signed-url"
	RuleStorageKey       = "storage-key"
	RuleDevOpsPAT        = "azure-devops-pat"
	RuleSecretName       = "secret-name" // a value under a secret-like name (key, setting name)
)

// rule is one value pattern: the value is a secret when the expression matches, the secret part
// (group, or the whole match) is long enough and, where set, random enough.
type rule struct {
	id string
	// source says where the pattern comes from (a test per rule cites it too).
	source string
	// keywords: at least one must occur in the lower-cased value before the expression runs.
	keywords []string
	re       *regexp.Regexp
	group    int     // capture group holding the secret (0 = whole match)
	minLen   int     // minimum length of the secret part
	entropy  float64 // minimum Shannon entropy (bits per character) of the secret part
}

// azureRules are the value rules gitleaks' default set does not cover (or covers only in source
// code form): Azure connection strings, SAS, signed URLs, storage keys, Azure DevOps PATs, and
// passwords in URLs.
var azureRules = []rule{
	{
		id: RuleConnectionString,
		source: "Microsoft docs: Azure Storage connection strings (AccountKey=, SharedAccessSignature=), " +
			"Service Bus/Event Hubs connection strings (SharedAccessKey=), SqlClient ConnectionString " +
			"(Password=/Pwd=); Cosmos DB (AccountKey=); Redis (password=); Entra client credentials (ClientSecret=)",
		keywords: []string{"accountkey", "sharedaccesskey", "sharedaccesssignature", "password", "pwd", "clientsecret", "accesskey"},
		re: regexp.MustCompile(`(?i)(?:^|[;,\s"'])(?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|ClientSecret|AccessKey)\s*=\s*` +
			`("[^"]+"|'[^']+'|[^;,\s"']+)`),
		group: 1, minLen: 3,
	},
	{
		id:       RuleURLPassword,
		source:   "RFC 3986 §3.2.1 userinfo (user:password@host), e.g. postgres://user:pw@host/db, https://user:PAT@dev.azure.com",
		keywords: []string{"://"},
		re:       regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]{1,20}://[^\s/:@?#]+:([^\s/@?#]+)@[^\s/@]`),
		group:    1, minLen: 3,
	},
	{
		id: RuleSASToken,
		source: "Microsoft docs: Create a service SAS / account SAS — the signature field sig= " +
			"(blob/queue/table/file SAS URLs, Logic Apps and Event Grid callback URLs carry sig= too)",
		keywords: []string{"sig="},
		re:       regexp.MustCompile(`(?i)(?:^|[?&;\s"']|\\u0026)sig=([A-Za-z0-9%+/=_\-]+)`),
		group:    1, minLen: 10,
	},
	{
		id: RuleSignedURL,
		source: "Microsoft docs: Azure Functions access keys in the URL (?code=), Logic Apps/webhook " +
			"callback URLs; common API key query parameters (api-key=, access_token=, client_secret=)",
		keywords: []string{"code=", "key=", "token=", "secret=", "signature=", "password="},
		re: regexp.MustCompile(`(?i)\b(?:https?|wss?|sb|amqps?)://[^\s?#]+\?(?:[^\s#]*(?:&|\\u0026))?` +
			`(?:code|signature|access_token|api[-_]?key|subscription-key|client_secret|password|secret|token)=([^&\s#"']+)`),
		group: 1, minLen: 8, entropy: 2.5,
	},
	{
		id: RuleStorageKey,
		source: "Microsoft docs: Manage storage account access keys — 512-bit keys shown as 88 base64 " +
			"characters (Cosmos DB and other shared keys use the same form)",
		keywords: []string{"=="},
		re:       regexp.MustCompile(`(?:^|[^A-Za-z0-9+/=])([A-Za-z0-9+/]{86}==)(?:$|[^A-Za-z0-9+/=])`),
		group:    1, minLen: 88, entropy: 4.5,
	},
	{
		id: RuleDevOpsPAT,
		source: "Microsoft docs / Azure DevOps blog (2024): new personal access tokens are 84 characters " +
			"with the fixed signature AZDO at positions 76-80",
		keywords: []string{"azdo"},
		re:       regexp.MustCompile(`(?:^|[^A-Za-z0-9])([A-Za-z0-9]{76}AZDO[A-Za-z0-9]{4})(?:$|[^A-Za-z0-9])`),
		group:    1, minLen: 84,
	},
}

// placeholderRE matches values that stand for a secret without being one: ARM/Bicep expressions,
// Key Vault references, template variables, masks.
var placeholderRE = regexp.MustCompile(`(?i)^(?:\[.*\]|@microsoft\.keyvault\(.*\)|\$\{.*\}|\$\(.*\)|\{\{.*\}\}|<.*>|%.*%|\*+|x+|redacted|null|none|true|false|changeme|\.+)$`)

// placeholderPrefixes start expressions whose end a value rule may have cut off.
var placeholderPrefixes = []string{"[", "${", "$(", "{{", "<", "@microsoft.keyvault("}

// isPlaceholder reports whether a secret part is a placeholder rather than a value.
func isPlaceholder(s string) bool {
	s = strings.Trim(s, `"'`)
	if s == "" || placeholderRE.MatchString(s) {
		return true
	}
	for _, p := range placeholderPrefixes {
		if strings.HasPrefix(strings.ToLower(s), p) {
			return true
		}
	}
	return false
}

// secretKeyRE matches property names that hold secret values (carried over from the IaC model's
// name-based protection, which now lives here).
var secretKeyRE = regexp.MustCompile(`(?i)(password|passwd|secret|connectionstring|sastoken|accesskey|accountkey|sharedkey|primarykey|secondarykey|apikey|masterkey|authkey|storagekey|privatekey|^key$|^keyvalue$|^token$|accesstoken|refreshtoken|clientsecret|^pfxblob$|^customdata$)`)

// notSecretSuffixRE excludes names that merely describe a secret (its name, URI, id, type…).
var notSecretSuffixRE = regexp.MustCompile(`(?i)(name|names|uri|url|id|ids|type|version|source|expiry|expiration|enabled|permissions|policy|policies|count|length|mode|required|status|state|rotation|path|auth|authentication|disabled|ref|refs|reference)$`)

// secretSettingRE matches names of name/value settings (app settings, env vars, tags, Logic App
// parameters) that hold secrets.
var secretSettingRE = regexp.MustCompile(`(?i)(password|passwd|pwd|secret|key|token|connectionstring|connstr|credential|sas)`)

// notSecretSettingRE excludes setting names that describe rather than hold a secret; the
// value detector uses it (IaC keeps dropping every value of a secret-looking setting name).
var notSecretSettingRE = regexp.MustCompile(`(?i)(name|uri|url|id|type|version|expiry|expiration|enabled|count|length|mode|path|vault|keyword|hash|thumbprint|source)$`)

// describesSecretRE excludes property names that carry facts about a secret, not the secret.
var describesSecretRE = regexp.MustCompile(`(?i)(hash|thumbprint|fingerprint|time|date|kind|format|algorithm|size|settings?|location|provider|set|changed|updated|created|expires|profile|complexity)$`)

// strongNameRE picks names that only ever hold a secret: any non-placeholder value counts.
var strongNameRE = regexp.MustCompile(`(?i)(password|passwd|pwd|secret|token|connectionstring|connstr|apikey|api_key|api-key|accountkey|sharedaccesskey|privatekey|credential|sas|authorization)`)

// IsSecretKey reports whether a JSON property named k holds a secret whatever its value (a
// password, a key, a connection string property).
func IsSecretKey(k string) bool {
	if k == "" {
		return false
	}
	if v, ok := secretKeyCache.Load(k); ok {
		return v.(bool)
	}
	secret := secretKeyRE.MatchString(k) && !notSecretSuffixRE.MatchString(k)
	secretKeyCache.Store(k, secret)
	return secret
}

// secretKeyCache and secretSettingCache memoise the name rules: names repeat across thousands
// of resources (and the set of names is small).
var secretKeyCache, secretSettingCache sync.Map // string -> bool

// IsSecretSetting reports whether a setting named n (the name of a name/value pair: app
// setting, environment variable) may hold a secret. Broad on purpose: the IaC model drops every
// value of such a setting.
func IsSecretSetting(n string) bool {
	if n == "" {
		return false
	}
	if v, ok := secretSettingCache.Load(n); ok {
		return v.(bool)
	}
	secret := secretSettingRE.MatchString(n)
	secretSettingCache.Store(n, secret)
	return secret
}
