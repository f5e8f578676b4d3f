package rules

import (
	"testing"
)

func TestRegionCodeAndVaultNames(t *testing.T) {
	for in, want := range map[string]string{"West US": "westus", "westus": "westus", "East US 2": "eastus2", " Global ": "global", "": ""} {
		if got := RegionCode(in); got != want {
			t.Errorf("RegionCode(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"https://My-Vault.vault.azure.net/secrets/x":                          "my-vault",
		"@Microsoft.KeyVault(SecretUri=https://kv1.vault.azure.cn/secrets/a)": "kv1",
		"@Microsoft.KeyVault(VaultName=kv2;SecretName=b)":                     "kv2",
		"https://sample.vault-int.azure-int.net":                              "sample",
		"https://kv/secret":                                                   "",
		"vault":                                                               "",
		"https://x.vaultcore.example.com":                                     "",
		"kv3.vault.azure.net":                                                 "",
	} {
		got := vaultNamesIn(in)
		if (want == "" && len(got) != 0) || (want != "" && (len(got) != 1 || got[0] != want)) {
			t.Errorf("vaultNamesIn(%q) = %v, want %q", in, got, want)
		}
	}
}
