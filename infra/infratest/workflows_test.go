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

	"go.yaml.in/yaml/v3"

	"github.com/atg-go/atg/internal/testenv"
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
	for _, want := range []string{"bash .ci/run", "actions/setup-go@", "actions/setup-java@", "actions/setup-node@", "make package", "rhysd/actionlint/cmd/actionlint@", "az bicep install", "bash infra/scripts/bicep-check.sh", "shellcheck -x infra/scripts/*.sh"} {
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
	// No stored Azure secrets: OIDC only. The one stored secret is Docker Hub's token (image import).
	for _, m := range regexp.MustCompile(`secrets\.(\w+)`).FindAllStringSubmatch(text, -1) {
		if m[1] != "GITHUB_TOKEN" && m[1] != "DOCKERHUB_TOKEN" {
			t.Errorf("deploy.yml uses the stored secret %s: use OIDC and vars", m[1])
		}
	}
	checkDeployOrder(t, text, doc)
	// The workflow reads deployment outputs that main.bicep declares.
	outs := mustRead(t, filepath.Join(bicepDir(t), "main.bicep")).Outputs()
	for _, m := range regexp.MustCompile(`jq -r \.(\w+)\.value`).FindAllStringSubmatch(text, -1) {
		if _, ok := outs[m[1]]; !ok {
			t.Errorf("deploy.yml reads output %s, which main.bicep does not declare", m[1])
		}
	}
	// Environment variables the param files read are provided by the workflow (or by the script
	// both its jobs run).
	pb, err := os.ReadFile(filepath.Join(root(t), "infra", "scripts", "prepare-deploy.sh"))
	if err != nil {
		t.Fatal(err)
	}
	prepare := string(pb)
	for _, env := range environments {
		pf, err := ReadParamFile(filepath.Join(bicepDir(t), "env", env+".bicepparam"))
		if err != nil {
			t.Fatal(err)
		}
		for name, expr := range pf.Values {
			for _, m := range regexp.MustCompile(`readEnvironmentVariable\('(\w+)'`).FindAllStringSubmatch(expr, -1) {
				if !regexp.MustCompile(`\b`+m[1]+`[:=]`).MatchString(text) && !strings.Contains(prepare, "emit "+m[1]+" ") {
					t.Errorf("%s.bicepparam: %s reads $%s, which neither deploy.yml nor infra/scripts/prepare-deploy.sh sets", env, name, m[1])
				}
			}
		}
	}
}

// jobText returns the YAML text of one job (from its key to the next job's key).
func jobText(t *testing.T, text, job string) string {
	t.Helper()
	loc := regexp.MustCompile(`(?m)^  ` + job + `:\n`).FindStringIndex(text)
	if loc == nil {
		t.Fatalf("deploy.yml: no job %s", job)
	}
	rest := text[loc[1]:]
	if next := regexp.MustCompile(`(?m)^  [a-z_-]+:\n`).FindStringIndex(rest); next != nil {
		rest = rest[:next[0]]
	}
	return rest
}

// The order the issue asks for: build once -> what-if -> approval -> deploy (the same zip) ->
// smoke. Approval is the GitHub environment of the deploy job (prod requires a reviewer there);
// the what-if runs before it, in a job whose environment has no reviewers, so reviewers see it.
func checkDeployOrder(t *testing.T, text string, doc map[string]any) {
	t.Helper()
	needs := func(job string) []string {
		v := dig(doc, "jobs", job, "needs")
		if s, ok := v.(string); ok {
			return []string{s}
		}
		return strs(v)
	}
	for job, want := range map[string][]string{"whatif": {"build"}, "deploy": {"build", "whatif"}, "smoke": {"deploy"}} {
		for _, w := range want {
			if !slices.Contains(needs(job), w) {
				t.Errorf("deploy.yml: job %s must need %s (order build -> what-if -> approval -> deploy -> smoke); needs %v", job, w, needs(job))
			}
		}
	}
	deployEnv, _ := dig(doc, "jobs", "deploy", "environment", "name").(string)
	whatifEnv, _ := dig(doc, "jobs", "whatif", "environment", "name").(string)
	if whatifEnv == "" || whatifEnv == deployEnv {
		t.Errorf("deploy.yml: the what-if job's environment (%q) must differ from the approval environment (%q), or the approval would come before the what-if", whatifEnv, deployEnv)
	}
	build, whatif, deploy, smoke := jobText(t, text, "build"), jobText(t, text, "whatif"), jobText(t, text, "deploy"), jobText(t, text, "smoke")
	if !strings.Contains(build, "make package") || !strings.Contains(build, "actions/upload-artifact@") {
		t.Error("deploy.yml: the build job must build the package once and upload it")
	}
	for name, job := range map[string]string{"whatif": whatif, "deploy": deploy, "smoke": smoke} {
		if strings.Contains(job, "make package") || strings.Contains(job, "go build") {
			t.Errorf("deploy.yml: job %s rebuilds the package: promote the build job's artifact", name)
		}
	}
	if !strings.Contains(whatif, "az deployment group what-if") || strings.Contains(whatif, "az deployment group create") {
		t.Error("deploy.yml: the whatif job must run what-if and deploy nothing")
	}
	if strings.Contains(deploy, "az deployment group what-if") {
		t.Error("deploy.yml: the what-if belongs before the approval, not in the deploy job")
	}
	var order []int
	for _, step := range []string{"actions/download-artifact@", "azure/login@", "az bicep build", "prepare-deploy.sh", "az acr import", "az deployment group create --resource-group \"$RG\" --name \"atg-$ATG_ENV\"", "--name atg-api-keys --value", "config-zip", "if: failure()"} {
		i := strings.Index(deploy, step)
		if i < 0 {
			t.Errorf("deploy.yml deploy job: missing %q", step)
		}
		order = append(order, i)
	}
	if !slices.IsSorted(order) {
		t.Error("deploy.yml deploy job: steps out of order: want download package, login, bicep build, prepare, image import, create, api-keys secret, zip deploy, rollback note")
	}
	if !strings.Contains(smoke, "HEALTH_URL") || !strings.Contains(smoke, "needs.deploy.outputs.health_url") {
		t.Error("deploy.yml: the smoke job must poll the deployed health URL")
	}
	if !strings.Contains(deploy, "neo4jDeploy=$NEO4J_DEPLOY") || !strings.Contains(whatif, "neo4jDeploy=$NEO4J_DEPLOY") {
		t.Error("deploy.yml: what-if and deploy must pass neo4jDeploy from prepare-deploy.sh")
	}
}

// The deployment scripts pass shellcheck (ci.yml runs it too).
func TestScriptsShellcheck(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		if testenv.InCI() {
			t.Fatal("shellcheck not installed")
		}
		t.Skip("shellcheck not installed")
	}
	files, _ := filepath.Glob(filepath.Join(root(t), "infra", "scripts", "*.sh"))
	if len(files) < 4 {
		t.Fatalf("found %v under infra/scripts", files)
	}
	cmd := exec.Command("shellcheck", append([]string{"-x"}, files...)...)
	cmd.Dir = root(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("shellcheck: %v\n%s", err, out)
	}
}
