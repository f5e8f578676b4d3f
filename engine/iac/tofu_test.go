package iac_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/terraform"
	"github.com/atg-go/atg/internal/testenv"
)

// toolsDir returns the directory scripts/iac-tools.sh builds into. When the real tools are not
// there the test is skipped, or fails when CI is set (CI builds them with make iac-tools).
func toolsDir(t *testing.T) string {
	t.Helper()
	missing := t.Skipf
	if os.Getenv("CI") != "" {
		missing = t.Fatalf
	}
	root := iactest.RepoRoot()
	out, err := exec.Command(filepath.Join(root, "scripts", "iac-tools.sh"), "--print").Output()
	if err != nil {
		missing("iac-tools.sh --print: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	for _, f := range []string{"bin/tofu", "tofurc", "bin/terraform-provider-azurerm", "bin/terraform-provider-azapi"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			missing("real Terraform tools not built (%s missing): run make iac-tools (scripts/iac-tools.sh)", f)
		}
	}
	return dir
}

// The generated Terraform passes `tofu validate` with the real azurerm 5.2.0 and azapi 1.15.0
// providers: for the whole example tenant (planted secrets included) and the golden output.
func TestTofuValidate(t *testing.T) {
	toolsDir(t)
	testenv.Integration(t)
	nodes := exampleNodes(t)
	iactest.PlantSecrets(nodes)
	files, _, _ := generate(t, nodes, iac.FormatTerraform)
	dir := t.TempDir()
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]string{"examples": dir, "golden": filepath.Join(iactest.RepoRoot(), "testdata", "golden", "terraform")} {
		cmd := exec.Command(filepath.Join(iactest.RepoRoot(), "scripts", "iac-validate.sh"), d)
		out, err := cmd.CombinedOutput()
		t.Logf("%s: %s", name, firstLine(out))
		if err != nil {
			t.Errorf("%s: tofu validate failed: %v\n%s", name, err, out)
		}
	}
}

// Bonus check with no credentials: the whole example tenant as azapi only, planned with
// -refresh=false, validates every body against Azure's embedded schemas.
func TestTofuPlanAzapiBodies(t *testing.T) {
	tools := toolsDir(t)
	testenv.Integration(t)
	m, err := model.BuildFromNodes(iactest.TenantID, exampleNodes(t), model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := terraform.Emit(m, terraform.Options{AzapiOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for n, b := range res.Files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var vars bytes.Buffer
	for _, v := range m.Variables {
		if v.Default == nil {
			vars.WriteString(v.Name + " = \"placeholder-Value-1\"\n")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "test.auto.tfvars"), vars.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(tools, "tofurc"), "TF_IN_AUTOMATION=1",
		"ARM_SUBSCRIPTION_ID=00000000-0000-0000-0000-000000000000", "ARM_TENANT_ID=00000000-0000-0000-0000-000000000000")
	run := func(args ...string) ([]byte, error) {
		cmd := exec.CommandContext(context.Background(), filepath.Join(tools, "bin", "tofu"), args...)
		cmd.Dir, cmd.Env = dir, env
		return cmd.CombinedOutput()
	}
	if out, err := run("init", "-backend=false", "-input=false", "-no-color"); err != nil {
		t.Fatalf("tofu init: %v\n%s", err, tail(out, 4000))
	}
	out, _ := run("plan", "-refresh=false", "-input=false", "-no-color", "-lock=false")
	// Nothing is excused: a resource read with an api-version azapi's embedded schemas do not
	// know is emitted with the newest one they know (and its body fitted to it), so every body
	// is checked. Any error — an unknown api-version included — is a mapping bug.
	var bodyErrors, versionErrors int
	for _, e := range strings.Split(string(out), "Error: ")[1:] {
		if strings.Contains(e, "api-version is") {
			versionErrors++
		} else {
			bodyErrors++
		}
		t.Errorf("plan: %s", tail([]byte(e), 1500))
	}
	t.Logf("azapi plan: %d body errors, %d api-version errors", bodyErrors, versionErrors)
	if !strings.Contains(string(out), "Plan:") && bodyErrors == 0 && versionErrors == 0 {
		t.Fatalf("plan did not run:\n%s", tail(out, 4000))
	}
}

func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func tail(b []byte, n int) string {
	if len(b) > n {
		return string(b[len(b)-n:])
	}
	return string(b)
}

// Every type of the ARM corpus (one Microsoft example per type, loaded as one tenant) emits
// Terraform that passes `tofu validate` with the real providers: typed where the table can,
// azapi_resource otherwise.
func TestTofuValidateCorpus(t *testing.T) {
	toolsDir(t)
	testenv.Integration(t)
	nodes, err := iactest.LoadNodes(iactest.CorpusDir())
	if err != nil {
		t.Fatal(err)
	}
	files, sum, _ := generate(t, nodes, iac.FormatTerraform)
	dir := t.TempDir()
	if err := files.Write(dir); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(iactest.RepoRoot(), "scripts", "iac-validate.sh"), dir)
	out, err := cmd.CombinedOutput()
	t.Logf("corpus: %d resources (%d typed, %d azapi): %s", sum.Emitted, sum.Typed, sum.Generic, firstLine(out))
	if err != nil {
		t.Errorf("corpus: tofu validate failed: %v\n%s", err, out)
	}
}
