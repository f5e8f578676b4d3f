package infratest

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/atg-go/atg/config"
)

// notSetByBicep lists service settings the Function App deliberately does not set, each with
// the reason its default (or the host) is right in Azure. docs/deploy.md repeats it.
var notSetByBicep = map[string]string{
	"FUNCTIONS_CUSTOMHANDLER_PORT": "set by the Functions host when it starts `atg handler`",
	"AzureWebJobsStorage":          "the service connects with the managed identity (AzureWebJobsStorage__accountName); shared keys are off",
	"ATG_ARM_ENDPOINT":             "empty means Azure public cloud; set it by hand only for a sovereign cloud",
	"ATG_MSGRAPH_ENDPOINT":         "empty means https://graph.microsoft.com; set it by hand only for a sovereign cloud",
	"ATG_API_MAX_ACTIVE_JOBS":      "the default (20 queued + running jobs per key) fits; set it by hand to change the quota",
	"ATG_INVOCATION_TIMEOUT":       "the default (25m) is below host.json functionTimeout (00:30:00); change both together",
	"ATG_WORKER_CONCURRENCY":       "the default (16 concurrent Azure calls per shard invocation) fits; host.json batchSize bounds the invocations per instance",
}

// Settings Flex Consumption rejects or that would bypass identity-based storage.
var forbiddenOnFlex = []string{
	"FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
	"WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE", "WEBSITE_NODE_DEFAULT_VERSION",
	"AzureWebJobsStorage", "SCM_DO_BUILD_DURING_DEPLOYMENT",
}

func appSettings(t *testing.T) map[string]string {
	t.Helper()
	f := mustRead(t, filepath.Join(bicepDir(t), "modules", "functionapp.bicep"))
	s, err := f.VarObject("appSettings")
	if err != nil {
		t.Fatal(err)
	}
	if len(s) < 5 {
		t.Fatalf("read only %d app settings from functionapp.bicep: the parser no longer fits the file", len(s))
	}
	return s
}

// Every setting the service reads (config.Settings with Service: true) is set by the Function
// App's app settings, by one of its environment variable names, or is allow-listed above.
func TestServiceSettingsSetByBicep(t *testing.T) {
	set := appSettings(t)
	service := map[string]bool{}
	for _, s := range config.Settings {
		if !s.Service {
			continue
		}
		found := ""
		for _, env := range s.Env {
			service[env] = true
			if _, ok := set[env]; ok && found == "" {
				found = env
			}
		}
		allowed := ""
		for _, env := range s.Env {
			if r, ok := notSetByBicep[env]; ok {
				allowed = r
			}
		}
		switch {
		case found == "" && allowed == "":
			t.Errorf("service setting %s (%s) is not set in functionapp.bicep appSettings and has no documented default in notSetByBicep",
				s.Key, strings.Join(s.Env, ", "))
		case found != "" && allowed != "":
			t.Errorf("service setting %s is set as %s but also allow-listed as unset (%s): drop one", s.Key, found, allowed)
		case found != "" && s.Secret && !strings.HasPrefix(set[found], "'@Microsoft.KeyVault("):
			t.Errorf("secret setting %s is set to %s: secrets must be Key Vault references", found, set[found])
		}
	}
	for env := range notSetByBicep {
		if !service[env] {
			t.Errorf("notSetByBicep lists %s, which is no longer a service setting: remove it", env)
		}
	}
}

func TestAppSettingsFitFlexConsumption(t *testing.T) {
	set := appSettings(t)
	for _, name := range forbiddenOnFlex {
		if _, ok := set[name]; ok {
			t.Errorf("app setting %s must not be set on Flex Consumption with identity-based storage", name)
		}
	}
	for _, name := range []string{"AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "APPLICATIONINSIGHTS_CONNECTION_STRING", "AZURE_CLIENT_ID"} {
		if _, ok := set[name]; !ok {
			t.Errorf("app setting %s is missing", name)
		}
	}
	if v := set["AzureWebJobsStorage__credential"]; v != "'managedidentity'" {
		t.Errorf("AzureWebJobsStorage__credential = %s, want 'managedidentity'", v)
	}
	names := make([]string, 0, len(set))
	for k := range set {
		names = append(names, k)
	}
	slices.Sort(names)
	t.Logf("app settings: %s", strings.Join(names, ", "))
}
