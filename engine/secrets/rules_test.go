package secrets

import (
	"strings"
	"testing"
)

// fake builds test secrets from parts so that no complete token sits in the source.
func fake(parts ...string) string { return strings.Join(parts, "") }

var (
	b64key88 = fake("Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq", "/K1SZFPTOtr/KBHBeksoGMGw==")
	ghToken  = fake("ghp_", "R8wT3kZ2pQ9vX4mN7bL1cF6hJ0sD5gA2eY8u")
	slackBot = fake("xoxb-", "263594206564-2343594206564-", "FGqddMF8t08v8N7Oq4i57vs1")
	jwt      = fake("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ",
		".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
	pemKey = fake("-----BEGIN RSA PRIVATE", " KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE8AkAFmxZzow3x+VJYKdjykkJ0iT9wCS0DRTXu269V264Vf/3jvredZiKRkgwlL9xNAwxXFg0x/XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC+9aGVd+Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmwIDAQABAoIBAQCu", "\n-----END RSA PRIVATE KEY-----")
	adoPAT = fake(strings.Repeat("7Hq2", 19), "AZDO", "x7Qa")
)

// TestAzureRules: one case per rule of the Azure table, positive and negative, with the source
// the pattern comes from (rule.source repeats it in the code).
func TestAzureRules(t *testing.T) {
	cases := []struct {
		rule, source string
		hits, misses []string
	}{
		{RuleConnectionString, "learn.microsoft.com: Configure Azure Storage connection strings; Service Bus/Event Hubs SAS connection strings; SqlConnection.ConnectionString",
			[]string{
				"DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=" + b64key88 + ";EndpointSuffix=core.windows.net",
				"Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=" + fake("k2m9Qd0a", "Lx1+7hP4sV3wR8tZ5nB6cY0uJ2eF9gH1iK3="),
				"Server=tcp:sql1.database.windows.net,1433;Database=db;User ID=admin;Password=" + fake("Sup3r", "S3cret!") + ";Encrypt=true",
				"Server=db;Uid=app;Pwd=" + fake("hunter", "22xy") + ";",
				"BlobEndpoint=https://st1.blob.core.windows.net/;SharedAccessSignature=" + fake("sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=", "AbCdEf0123456789%2BxYz%3D"),
			},
			[]string{
				"InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
				"Server=db;Database=x;Password=;", "Server=db;Password=[parameters('pw')]", "Password=<your-password>",
			}},
		{RuleURLPassword, "RFC 3986 §3.2.1 userinfo",
			[]string{"postgres://app:" + fake("Wq8", "sLp2x") + "@db.example.com:5432/app", "https://user:" + fake("abc", "defghijk") + "@dev.azure.com/org/_git/repo", "amqps://svc:" + fake("p4ss", "w0rd") + "@mq.local"},
			[]string{"https://example.com/path", "ssh://git@github.com/org/repo", "mailto:user@example.com", "https://user@host/x"}},
		{RuleSASToken, "learn.microsoft.com: Create a service SAS (signature field sig)",
			[]string{"https://st1.blob.core.windows.net/c/b?sv=2022-11-02&sr=b&sp=r&se=2030-01-01&sig=" + fake("Rk7zT0q%2Bv9", "XyW4cL3mN8pQ%3D"),
				"?sv=2021-06-08&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2030-01-01T00:00:00Z&sig=" + fake("0b6Fz1pGq", "Hk2Lm3Nn4Oo5Pp6%3D"),
				"https://prod-12.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + fake("Zq3Wk9Lp0Xv7", "Rb2Tn5Hm8Yc1")},
			[]string{"https://st1.blob.core.windows.net/c/b", "sig=short", "https://x/y?signature_version=2"}},
		{RuleSignedURL, "learn.microsoft.com: Azure Functions access keys (?code=); API key query parameters",
			[]string{"https://fn1.azurewebsites.net/api/hook?code=" + fake("aB3dE5fG7h", "J9kL1mN3pQ5rS7tU9v=="), "https://api.example.com/v1/x?api-key=" + fake("9f8e7d6c5b", "4a3f2e1d")},
			[]string{"https://management.azure.com/x?api-version=2023-01-01", "https://fn1.azurewebsites.net/api/hook?code=", "https://x.example.com/?code=aaaaaaaaaaaa"}},
		{RuleStorageKey, "learn.microsoft.com: Manage storage account access keys (512-bit, 88 base64 characters)",
			[]string{b64key88},
			[]string{strings.Repeat("A", 86) + "==", "dGhpcyBpcyBub3QgYSBzZWNyZXQ="}},
		{RuleDevOpsPAT, "learn.microsoft.com / devblogs (2024): Azure DevOps PATs are 84 characters with AZDO at 76-80",
			[]string{adoPAT},
			[]string{"AZDO", strings.Repeat("a", 84)}},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		seen[c.rule] = true
		if c.source == "" {
			t.Errorf("%s: no source cited", c.rule)
		}
		for _, h := range c.hits {
			if got := CheckValue(h); got != c.rule {
				t.Errorf("%s: value #%d flagged as %q, want %q", c.rule, len(h), got, c.rule)
			}
		}
		for _, m := range c.misses {
			if got := CheckValue(m); got != "" {
				t.Errorf("%s: %q flagged as %q, want nothing", c.rule, m, got)
			}
		}
	}
	for _, r := range azureRules {
		if !seen[r.id] {
			t.Errorf("rule %s has no test case", r.id)
		}
		if r.source == "" {
			t.Errorf("rule %s cites no source", r.id)
		}
	}
}

// TestGitleaksRules: gitleaks' default set loads and finds the well-known token forms ATG relies
// on (rule ids are gitleaks').
func TestGitleaksRules(t *testing.T) {
	if err := LoadError(); err != nil {
		t.Fatal(err)
	}
	rs, _ := gitleaks()
	if len(rs) < 150 {
		t.Fatalf("gitleaks %s: %d content rules loaded, want the whole default set", GitleaksVersion, len(rs))
	}
	for v, want := range map[string]string{
		ghToken: "github-pat", slackBot: "slack-bot-token", jwt: "jwt", pemKey: "private-key",
		fake("abc8Q~", "dEfGhIjKlMnOpQrStUvWxYz012345678"): "azure-ad-client-secret",
	} {
		if got := CheckValue(v); got != want {
			t.Errorf("%s…: flagged as %q, want %q", v[:8], got, want)
		}
	}
	for id := range excludedGitleaksRules {
		for _, r := range rs {
			if r.r.RuleID == id {
				t.Errorf("excluded rule %s still runs", id)
			}
		}
	}
}

func TestNameRule(t *testing.T) {
	for _, c := range []struct {
		name, value string
		setting     bool
		want        bool
	}{
		{"administratorLoginPassword", "Pa55w0rd!x", false, true},
		{"DB_PASSWORD", "correcthorse", true, true},
		{"apiToken", "tok-12345678", true, true},
		{"customData", "IyEvYmluL2Jhc2gKZWNobyBoZWxsbyB3b3JsZAo=", false, true},
		{"primaryKey", "q8Zr2Lk9Tw4Xb7Nc1Vm5", false, true},
		{"passwordProfile", "[parameters('pw')]", false, false},
		{"keyName", "key1", false, false},
		{"secretUri", "https://kv1.vault.azure.net/secrets/s1", false, false},
		{"key", "storage_account_1", false, false},
		{"APPINSIGHTS_INSTRUMENTATIONKEY", "00000000-0000-0000-0000-000000000000", true, false},
		{"passwordAuthentication", "Disabled", false, false},
		{"DB_PASSWORD", "<set-me>", true, false},
		{"DB_PASSWORD", "@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.net/secrets/db-password/)", true, false},
		{"API_KEY", "@Microsoft.KeyVault(VaultName=kv1;SecretName=api-key)", true, false},
		{"token", "********", true, false},
		{"Authorization", "Basic dXNlcjpwYXNzd29yZA==", true, true},
		{"x-functions-key", "q8Zr2Lk9Tw4Xb7Nc1Vm5Hs3Jd6", true, true},
		{"Content-Type", "application/json; charset=utf-8", true, false},
	} {
		var got string
		if c.setting {
			got = CheckSetting(c.name, c.value)
		} else {
			got = Check(c.name, c.value)
		}
		if (got != "") != c.want {
			t.Errorf("%s=%q: rule %q, want flagged=%v", c.name, c.value, got, c.want)
		}
	}
}

func TestWalkPathsAndRedact(t *testing.T) {
	doc := map[string]any{
		"tags": map[string]any{"conn": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + b64key88, "env": "prod"},
		"properties": map[string]any{
			"siteConfig": map[string]any{"appSettings": []any{
				map[string]any{"name": "WEBSITE_RUN_FROM_PACKAGE", "value": "1"},
				map[string]any{"name": "DB_PASSWORD", "value": "correcthorse"},
			}},
			"definition": `{"actions":{"http":{"inputs":{"uri":"https://h.example.com/x?sig=` + fake("Zq3Wk9Lp0X", "v7Rb2Tn5") + `"}}}}`,
			"parameters": map[string]any{"apiKey": map[string]any{"type": "SecureString", "value": ghToken}},
			"plain":      "hello world",
			"namedValue": map[string]any{"displayName": "backend-api-key", "value": "Zk4mQ9rT2vX7pL1cW8nB", "secret": false},
		},
	}
	out, f := Redact(doc, "")
	want := []Finding{
		{"properties.definition.actions.http.inputs.uri", RuleSASToken},
		{"properties.namedValue.value", RuleSecretName},
		{"properties.parameters.apiKey.value", "github-pat"},
		{"properties.siteConfig.appSettings[1].value", RuleSecretName},
		{"tags.conn", RuleConnectionString},
	}
	if len(f) != len(want) {
		t.Fatalf("findings %v, want %v", f, want)
	}
	for i := range want {
		if f[i] != want[i] {
			t.Errorf("finding %d = %v, want %v", i, f[i], want[i])
		}
	}
	o := out.(map[string]any)
	if got := o["tags"].(map[string]any)["conn"]; got != Marker(RuleConnectionString) {
		t.Errorf("tag not redacted: %v", got)
	}
	if def := o["properties"].(map[string]any)["definition"].(string); !strings.Contains(def, Marker(RuleSASToken)) || strings.Contains(def, "sig=") {
		t.Errorf("inner JSON not redacted: %s", def)
	}
	if doc["tags"].(map[string]any)["conn"] == Marker(RuleConnectionString) {
		t.Error("Redact changed its input")
	}
	if s := RedactText("GET https://st1.blob.core.windows.net/c?sv=2022-11-02&sig=" + fake("Rk7zT0q%2Bv9", "XyW4cL3mN8pQ") + " failed: 403"); strings.Contains(s, "Rk7zT0q") || !strings.Contains(s, "failed: 403") {
		t.Errorf("RedactText: %s", s)
	}
}

// TestOrdinaryValues: values that merely look random are not secrets.
func TestOrdinaryValues(t *testing.T) {
	for k, v := range map[string]string{
		"etag":                       `W/"0x8DB2C5F1A2B3C4D"`,
		"resourceGuid":               "5f0b9a1e-7c3d-4e2a-9b8c-1d2e3f4a5b6c",
		"id":                         "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st1",
		"contentHash":                "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=",
		"sha256":                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"thumbprint":                 "1F2E3D4C5B6A79881F2E3D4C5B6A79881F2E3D4C",
		"keyThumbprint":              "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678",
		"dataBase64":                 "eyJuYW1lIjoiZXhhbXBsZSIsImVuYWJsZWQiOnRydWV9",
		"vmId":                       "a1b2c3d4-e5f6-4711-8a9b-0c1d2e3f4a5b",
		"principalId":                "c2a1b3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
		"keyVaultUri":                "https://kv-prod-01.vault.azure.net/",
		"secretUrl":                  "https://kv-prod-01.vault.azure.net/secrets/db/0123456789abcdef0123456789abcdef",
		"hostName":                   "app-7f3k2m9q.azurewebsites.net",
		"customDomainVerificationId": "B2B5C4D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B3",
		"publicKey":                  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 user@host",
		"instrumentationKey":         "bc095013-3cf2-45ac-ab47-123456789abc",
		"description":                "Stores the password for the legacy app (rotated monthly)",
		"sasPolicy":                  "sasExpirationAction=Log",
		"passwordLastSet":            "2024-01-01T00:00:00Z",
	} {
		if r := Check(k, v); r != "" {
			t.Errorf("%s=%q flagged as %s", k, v, r)
		}
	}
}
