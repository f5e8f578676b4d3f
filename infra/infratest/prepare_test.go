package infratest

import (
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/internal/testenv"
)

// fakeAz answers the az calls prepare-deploy.sh makes from the FAKE_* environment variables
// (no Azure here): enough to exercise its decisions.
const fakeAz = `#!/usr/bin/env bash
set -euo pipefail
case "$1 $2" in
"group exists") echo "$FAKE_GROUP_EXISTS" ;;
"keyvault list") echo "${FAKE_VAULT:-}" ;;
"keyvault secret") echo "$FAKE_PASSWORD" ;;
"account get-access-token") echo "$FAKE_TOKEN" ;;
"bicep build") echo "{\"parameters\":{\"neo4jImage\":{\"defaultValue\":\"$FAKE_IMAGE\"}}}" ;;
"bicep build-params")
	while [ $# -gt 0 ]; do [ "$1" = --outfile ] && out=$2; shift; done
	echo "{\"parameters\":{\"neo4jCpu\":{\"value\":$FAKE_CPU},\"neo4jMemoryGB\":{\"value\":$FAKE_MEM}}}" >"$out" ;;
"container list") echo "${FAKE_SPEC:-}" ;;
"acr list") echo "$FAKE_SERVER" ;;
*) echo "fake az: unexpected: $*" >&2; exit 2 ;;
esac
`

// prepare-deploy.sh decides whether a deployment writes the Neo4j container group: only when
// it is missing; a running group with the wanted spec is left alone; a different spec stops
// with the resize script's name. It never generates a password over an existing vault.
func TestPrepareDeployDecidesNeo4jGroup(t *testing.T) {
	for _, tool := range []string{"bash", "jq", "python3", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			if testenv.InCI() {
				t.Fatalf("%s not installed", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "az"), []byte(fakeAz), 0o755); err != nil {
		t.Fatal(err)
	}
	payload := base64.RawURLEncoding.EncodeToString([]byte(`{"oid":"00000000-0000-0000-0000-00000000abcd"}`))
	image := strings.Trim(mustParams(t, mustRead(t, filepath.Join(bicepDir(t), "main.bicep")))["neo4jImage"].Default, "'")
	pf, err := ReadParamFile(filepath.Join(bicepDir(t), "env", "prod.bicepparam"))
	if err != nil {
		t.Fatal(err)
	}
	cpu, _ := Literal(pf.Values["neo4jCpu"])
	mem, _ := Literal(pf.Values["neo4jMemoryGB"])
	server := "cratgprodabc123.azurecr.io"
	run := func(env map[string]string) (string, string, error) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "github_env")
		cmd := exec.Command("bash", filepath.Join(root(t), "infra", "scripts", "prepare-deploy.sh"), "prod", "rg-atg-prod")
		cmd.Env = append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), "GITHUB_ENV="+out,
			"FAKE_TOKEN=x."+payload+".y", "FAKE_IMAGE="+image, "FAKE_CPU="+cpu, "FAKE_MEM="+mem, "FAKE_SERVER="+server, "FAKE_PASSWORD=from-key-vault-123")
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		stderr, err := cmd.CombinedOutput()
		b, _ := os.ReadFile(out)
		return string(b), string(stderr), err
	}
	want := server + "/" + image + "|" + cpu + "|" + mem

	// First deployment: no resource group, no vault, no group.
	got, log, err := run(map[string]string{"FAKE_GROUP_EXISTS": "false"})
	if err != nil || !strings.Contains(got, "NEO4J_DEPLOY=true") || !strings.Contains(got, "ATG_DEPLOYER_OBJECT_ID=00000000-0000-0000-0000-00000000abcd") ||
		!strings.Contains(got, "NEO4J_IMAGE="+image) || strings.Contains(got, "from-key-vault") {
		t.Errorf("first deployment: %v\n%s\n%s", err, got, log)
	}
	// The group runs with the wanted spec: leave it alone; the password comes from the vault.
	got, log, err = run(map[string]string{"FAKE_GROUP_EXISTS": "true", "FAKE_VAULT": "kv-atg-prod-abc123", "FAKE_SPEC": want})
	if err != nil || !strings.Contains(got, "NEO4J_DEPLOY=false") || !strings.Contains(got, "NEO4J_PASSWORD=from-key-vault-123") {
		t.Errorf("unchanged group: %v\n%s\n%s", err, got, log)
	}
	// The group was deleted (resize script): recreate it.
	got, log, err = run(map[string]string{"FAKE_GROUP_EXISTS": "true", "FAKE_VAULT": "kv-atg-prod-abc123"})
	if err != nil || !strings.Contains(got, "NEO4J_DEPLOY=true") {
		t.Errorf("missing group: %v\n%s\n%s", err, got, log)
	}
	// Another size: stop before any deployment and name the resize script.
	_, log, err = run(map[string]string{"FAKE_GROUP_EXISTS": "true", "FAKE_VAULT": "kv-atg-prod-abc123", "FAKE_SPEC": server + "/" + image + "|2|32"})
	if err == nil || !strings.Contains(log, "infra/scripts/neo4j-resize.sh") {
		t.Errorf("changed spec: want a failure naming the resize script, got %v\n%s", err, log)
	}
}
