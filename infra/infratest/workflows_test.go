package infratest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func workflowPath(t *testing.T, name string) string {
	return filepath.Join(root(t), ".github", "workflows", name)
}

func readWorkflow(t *testing.T, name string) (string, map[string]any) {
	t.Helper()
	b, err := os.ReadFile(workflowPath(t, name))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(b), doc
}

// dig walks nested YAML maps.
func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func strs(v any) []string {
	var out []string
	if l, ok := v.([]any); ok {
		for _, x := range l {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

// actionlint (a Go module, run with `go run module@version` so it stays out of go.mod) passes on
// every workflow. The version is the one ci.yml runs.
func TestActionlint(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches and builds actionlint")
	}
	text, _ := readWorkflow(t, "ci.yml")
	m := regexp.MustCompile(`ACTIONLINT_VERSION: "(v[0-9.]+)"`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("ci.yml does not pin ACTIONLINT_VERSION")
	}
	files, _ := filepath.Glob(filepath.Join(root(t), ".github", "workflows", "*.yml"))
	if len(files) < 2 {
		t.Fatalf("want ci.yml and deploy.yml, found %v", files)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"run", "github.com/rhysd/actionlint/cmd/actionlint@" + m[1], "-no-color"}, files...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("actionlint %s: %v\n%s", m[1], err, out)
	}
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck not installed: actionlint checked the workflows without linting their scripts")
	}
}

func TestCIWorkflow(t *testing.T) {
	text, doc := readWorkflow(t, "ci.yml")
	on := dig(doc, "on")
	if _, ok := on.(map[string]any)["pull_request"]; !ok {
		t.Error("ci.yml does not run on pull requests")
	}
	if dig(on, "push") == nil {
		t.Error("ci.yml does not run on pushes")
	}
	for _, want := range []string{"bash .ci/run", "actions/setup-go@", "actions/setup-java@", "actions/setup-node@", "make package", "rhysd/actionlint/cmd/actionlint@"} {
		if !strings.Contains(text, want) {
			t.Errorf("ci.yml: missing %q", want)
		}
	}
}

func TestDeployWorkflow(t *testing.T) {
	text, doc := readWorkflow(t, "deploy.yml")
	branches := strs(dig(doc, "on", "push", "branches"))
	for _, b := range []string{"main", "integration", "prod"} {
		if !slices.Contains(branches, b) {
			t.Errorf("deploy.yml: push branches %v lack %s", branches, b)
		}
	}
	for branch, env := range map[string]string{"main": "dev", "integration": "int", "prod": "prod"} {
		if !regexp.MustCompile(`(?m)^\s+` + branch + `\) environment=` + env + ` ;;`).MatchString(text) {
			t.Errorf("deploy.yml: branch %s does not map to environment %s", branch, env)
		}
	}
	deploy := dig(doc, "jobs", "deploy")
	if deploy == nil {
		t.Fatal("deploy.yml: no deploy job")
	}
	if dig(deploy, "permissions", "id-token") != "write" {
		t.Error("deploy job needs permissions id-token: write for OIDC")
	}
	if env, _ := dig(deploy, "environment", "name").(string); !strings.Contains(env, "needs.plan.outputs.environment") {
		t.Errorf("deploy job environment = %q: it must be the GitHub environment (prod requires approval there)", env)
	}
	// No stored secrets: OIDC only.
	for _, m := range regexp.MustCompile(`secrets\.(\w+)`).FindAllStringSubmatch(text, -1) {
		if m[1] != "GITHUB_TOKEN" {
			t.Errorf("deploy.yml uses the stored secret %s: use OIDC and vars", m[1])
		}
	}
	// Order of the deployment steps.
	var order []int
	for _, step := range []string{"azure/login@", "az bicep build", "az deployment group what-if", "az deployment group create", "config-zip", "HEALTH_URL", "if: failure()"} {
		i := strings.Index(text, step)
		if i < 0 {
			t.Errorf("deploy.yml: missing %q", step)
		}
		order = append(order, i)
	}
	if !slices.IsSorted(order) {
		t.Errorf("deploy.yml: steps out of order: want login, bicep build, what-if, create, zip deploy, smoke test, rollback note")
	}
	// The workflow reads deployment outputs that main.bicep declares.
	outs := mustRead(t, filepath.Join(bicepDir(t), "main.bicep")).Outputs()
	for _, m := range regexp.MustCompile(`jq -r \.(\w+)\.value`).FindAllStringSubmatch(text, -1) {
		if _, ok := outs[m[1]]; !ok {
			t.Errorf("deploy.yml reads output %s, which main.bicep does not declare", m[1])
		}
	}
	// Environment variables the param files read are provided by the workflow.
	for _, env := range environments {
		pf, err := ReadParamFile(filepath.Join(bicepDir(t), "env", env+".bicepparam"))
		if err != nil {
			t.Fatal(err)
		}
		for name, expr := range pf.Values {
			for _, m := range regexp.MustCompile(`readEnvironmentVariable\('(\w+)'`).FindAllStringSubmatch(expr, -1) {
				if !regexp.MustCompile(`\b` + m[1] + `[:=]`).MatchString(text) {
					t.Errorf("%s.bicepparam: %s reads $%s, which deploy.yml never sets", env, name, m[1])
				}
			}
		}
	}
}
