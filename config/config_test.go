package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPrecedenceFlagEnvFileDefault(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(file, []byte("graph: /from/file\nlog_level: warn\nworkers: \"7\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(LoadOptions{File: file, Getenv: env(map[string]string{"ATG_LOG_LEVEL": "debug"}), Flags: map[string]string{"graph": "bolt://x:7687"}})
	if err != nil {
		t.Fatal(err)
	}
	if c.Graph != "bolt://x:7687" || c.LogLevel != "debug" || c.Workers != "7" || c.Output != "text" {
		t.Fatalf("got graph %q log %q workers %q output %q", c.Graph, c.LogLevel, c.Workers, c.Output)
	}
	if !c.GraphIsNeo4j() {
		t.Fatal("bolt:// must select Neo4j")
	}
}

func TestStorageShorthandExpanded(t *testing.T) {
	c, err := Load(LoadOptions{File: filepath.Join(t.TempDir(), "none.yaml"), Getenv: env(map[string]string{"AzureWebJobsStorage": "UseDevelopmentStorage=true"})})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(c.Storage, "AccountName=devstoreaccount1") || !strings.Contains(c.Storage, "QueueEndpoint=http://127.0.0.1:10001") {
		t.Fatalf("not expanded: %q", c.Storage)
	}
}

func TestBadValuesAndUnknownKeys(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		file string
		env  map[string]string
		want string
	}{
		"unknown key":     {"grpah: x\n", nil, `unknown setting "grpah"`},
		"bad output":      {"", map[string]string{"ATG_OUTPUT": "xml"}, "invalid output"},
		"bad environment": {"", map[string]string{"ATG_ENVIRONMENT": "staging"}, "invalid environment"},
		"bad workers":     {"", map[string]string{"ATG_WORKERS": "0"}, "invalid workers"},
		"bad role":        {"", map[string]string{"ATG_ROLE": "workers"}, "invalid role"},
		"bad concurrency": {"worker_concurrency: \"0\"\n", nil, "invalid worker_concurrency"},
		"bad yaml":        {"graph: [\n", nil, "config file"},
	} {
		f := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
		if err := os.WriteFile(f, []byte(tc.file), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(LoadOptions{File: f, Getenv: env(tc.env)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", name, err, tc.want)
		}
	}
}

func TestRedactedMasksSecrets(t *testing.T) {
	c, err := Load(LoadOptions{File: filepath.Join(t.TempDir(), "none.yaml"), Getenv: env(map[string]string{"NEO4J_PASSWORD": "hunter2", "ATG_API_KEY": "atg_dev_secret"})})
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redacted()
	for k, v := range r {
		if strings.Contains(v, "hunter2") || strings.Contains(v, "atg_dev_secret") {
			t.Fatalf("%s leaks a secret: %q", k, v)
		}
	}
	if r["neo4j_password"] != "***" || r["api_key"] != "***" {
		t.Fatalf("secrets not masked: %v", r)
	}
}

func TestProfiles(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	yaml := "active_profile: dev\nprofiles:\n  dev: {service_url: https://dev, api_key_env: K, remote: true}\n  prod: {service_url: https://prod}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(LoadOptions{File: file, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if name, p, ok := c.CurrentProfile(); !ok || name != "dev" || !p.Remote || p.APIKeyEnv != "K" {
		t.Fatalf("active profile: %q %+v %v", name, p, ok)
	}
	c, _ = Load(LoadOptions{File: file, Getenv: env(map[string]string{"ATG_PROFILE": "prod"})})
	if name, p, _ := c.CurrentProfile(); name != "prod" || p.ServiceURL != "https://prod" {
		t.Fatalf("ATG_PROFILE must win: %q %+v", name, p)
	}
}

// The README's configuration table names every setting's environment variables, so it stays true.
func TestReadmeListsEverySetting(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings {
		for _, e := range s.Env {
			if !strings.Contains(string(b), "`"+e+"`") {
				t.Errorf("README.md does not document %s (setting %s)", e, s.Key)
			}
		}
	}
}
