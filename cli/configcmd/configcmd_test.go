package configcmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/root"
)

type result struct {
	code        int
	out, errOut string
}

func atg(t *testing.T, args ...string) result {
	t.Helper()
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	code := root.Run(context.Background(), &cmdutil.IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}, args)
	return result{code, out.String(), errOut.String()}
}

func isolate(t *testing.T) string {
	t.Helper()
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	for _, k := range []string{"ATG_CONFIG", "ATG_PROFILE", "ATG_OUTPUT", "ATG_API_KEY", "ATG_SERVICE_URL", "ATG_REMOTE", "ATG_TENANT_ID"} {
		t.Setenv(k, "")
	}
	return filepath.Join(xdg, "atg", "config.yaml")
}

// set/get/list/use round trip in ~/.config/atg/config.yaml (XDG_CONFIG_HOME honoured).
func TestConfigRoundTrip(t *testing.T) {
	file := isolate(t)
	for _, args := range [][]string{
		{"config", "set", "service_url", "https://atg-dev.example.net", "--profile", "dev"},
		{"config", "set", "api_key_env", "ATG_DEV_KEY", "--profile", "dev"},
		{"config", "set", "tenant_id", "11111111-1111-1111-1111-111111111111", "--profile", "dev"},
		{"config", "set", "remote", "true", "--profile", "dev"},
		{"config", "set", "service_url", "https://atg-prod.example.net", "--profile", "prod"},
		{"config", "set", "api_key_file", "/secure/prod.key", "--profile", "prod"},
		{"config", "set", "log_level", "warn"},
	} {
		if r := atg(t, args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("config file %s: %v %v", file, st, err)
	}
	if r := atg(t, "config", "get", "service_url", "--profile", "dev"); r.code != 0 || r.out != "https://atg-dev.example.net\n" {
		t.Fatalf("get profile field: %+v", r)
	}
	if r := atg(t, "config", "get", "remote", "--profile", "dev"); r.code != 0 || r.out != "true\n" {
		t.Fatalf("get remote: %+v", r)
	}
	if r := atg(t, "config", "get", "log_level"); r.code != 0 || r.out != "warn\n" {
		t.Fatalf("get setting: %+v", r)
	}
	// the environment beats the file
	t.Setenv("ATG_LOG_LEVEL", "debug")
	if r := atg(t, "config", "get", "log_level"); r.out != "debug\n" {
		t.Fatalf("env over file: %+v", r)
	}
	t.Setenv("ATG_LOG_LEVEL", "")

	if r := atg(t, "config", "use", "prod"); r.code != 0 || !strings.Contains(r.errOut, "active profile: prod") {
		t.Fatalf("use: %+v", r)
	}
	r := atg(t, "config", "list")
	if r.code != 0 || !strings.Contains(r.out, "# "+file) || !strings.Contains(r.out, "profile prod (active)") ||
		!strings.Contains(r.out, "profile dev\n") || !strings.Contains(r.out, "api_key_file  /secure/prod.key") {
		t.Fatalf("list:\n%s", r.out)
	}
	r = atg(t, "config", "list", "-o", "json")
	var doc struct {
		File     string                    `json:"file"`
		Active   string                    `json:"active_profile"`
		Settings map[string]string         `json:"settings"`
		Profiles map[string]map[string]any `json:"profiles"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.File != file || doc.Active != "prod" ||
		doc.Profiles["dev"]["tenant_id"] != "11111111-1111-1111-1111-111111111111" || doc.Profiles["dev"]["remote"] != true ||
		doc.Settings["log_level"] != "warn" {
		t.Fatalf("list json: %v\n%s", err, r.out)
	}
	// ATG_PROFILE overrides the active profile
	t.Setenv("ATG_PROFILE", "dev")
	if r := atg(t, "config", "list", "-o", "json"); !strings.Contains(r.out, `"active_profile": "dev"`) {
		t.Fatalf("ATG_PROFILE: %s", r.out)
	}
}

// Secrets are refused by set and masked by get/list; bad keys and profiles are usage errors.
func TestConfigSecretsRefused(t *testing.T) {
	file := isolate(t)
	const key = "atg_dev_SECRETSECRETSECRETSECRETSECRETSECRET123"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"config", "set", "api_key", key}, "refusing to store an API key"},
		{[]string{"config", "set", "api_key", key, "--profile", "dev"}, "refusing to store an API key"},
		{[]string{"config", "set", "storage", "DefaultEndpointsProtocol=https;AccountKey=" + key}, "storage is secret"},
		{[]string{"config", "set", "neo4j_password", key}, "neo4j_password is secret"},
		{[]string{"config", "set", "api_keys", "alice:user:" + strings.Repeat("a", 64)}, "api_keys is secret"},
		{[]string{"config", "set", "no_such_setting", "x"}, "unknown setting"},
		{[]string{"config", "set", "password", "x", "--profile", "dev"}, "unknown profile field"},
		{[]string{"config", "set", "remote", "maybe", "--profile", "dev"}, "remote must be true or false"},
		{[]string{"config", "use", "nope"}, `profile "nope" is not defined`},
		{[]string{"config", "get", "service_url", "--profile", "nope"}, `profile "nope" is not defined`},
	} {
		r := atg(t, tc.args...)
		if r.code != 2 || !strings.Contains(r.errOut, tc.want) {
			t.Errorf("%v: want exit 2 and %q, got %+v", tc.args, tc.want, r)
		}
		if strings.Contains(r.errOut+r.out, key) {
			t.Errorf("%v: the secret was echoed", tc.args)
		}
	}
	if b, err := os.ReadFile(file); err == nil && bytes.Contains(b, []byte("SECRET")) {
		t.Fatalf("a secret reached the config file:\n%s", b)
	}
	t.Setenv("ATG_API_KEY", key)
	if r := atg(t, "config", "get", "api_key"); r.code != 0 || r.out != "***\n" {
		t.Fatalf("get api_key: %+v", r)
	}
	if r := atg(t, "config", "list", "-o", "json"); r.code != 0 || strings.Contains(r.out, key) || !strings.Contains(r.out, `"api_key": "***"`) {
		t.Fatalf("list leaks the key:\n%s", r.out)
	}
}
