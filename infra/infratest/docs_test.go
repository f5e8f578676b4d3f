package infratest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// envTable parses the table between the env-table markers of docs/deploy.md into
// row label -> environment -> value (backticks and notes after the value removed).
func envTable(t *testing.T) map[string]map[string]string {
	t.Helper()
	doc := readDoc(t, "deploy.md")
	m := regexp.MustCompile(`(?s)<!-- env-table:start -->\n(.*?)<!-- env-table:end -->`).FindStringSubmatch(doc)
	if m == nil {
		t.Fatal("docs/deploy.md: no env-table markers")
	}
	rows := strings.Split(strings.TrimSpace(m[1]), "\n")
	header := splitRow(rows[0])
	if len(header) != 4 || header[1] != "dev" || header[2] != "int" || header[3] != "prod" {
		t.Fatalf("docs/deploy.md env table header = %v, want | setting | dev | int | prod |", header)
	}
	out := map[string]map[string]string{}
	for _, r := range rows[2:] {
		cells := splitRow(r)
		if len(cells) != 4 {
			t.Fatalf("docs/deploy.md env table row %q has %d cells", r, len(cells))
		}
		vals := map[string]string{}
		for i, env := range environments {
			v := cells[i+1]
			if mv := regexp.MustCompile("^`([^`]*)`").FindStringSubmatch(v); mv != nil {
				v = mv[1]
			}
			vals[env] = v
		}
		out[strings.Trim(cells[0], "`")] = vals
	}
	return out
}

func splitRow(r string) []string {
	r = strings.TrimSpace(r)
	r = strings.TrimPrefix(strings.TrimSuffix(r, "|"), "|")
	cells := strings.Split(r, "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// The documented per-environment names and SKUs are the ones the parameter files and the
// deploy workflow use, and every literal value of a parameter file is documented.
func TestEnvironmentTableMatchesParamFiles(t *testing.T) {
	table := envTable(t)
	for _, env := range environments {
		pf, err := ReadParamFile(filepath.Join(bicepDir(t), "env", env+".bicepparam"))
		if err != nil {
			t.Fatal(err)
		}
		for name, expr := range pf.Values {
			v, literal := Literal(expr)
			if !literal || name == "environmentName" {
				continue
			}
			row, ok := table[name]
			if !ok {
				t.Errorf("%s.bicepparam sets %s = %s, which docs/deploy.md's environment table does not list", env, name, expr)
				continue
			}
			if row[env] != v {
				t.Errorf("%s: %s is %s in %s.bicepparam but %q in docs/deploy.md", env, name, v, env, row[env])
			}
		}
		for name := range table {
			if regexp.MustCompile(`^[a-z]\w+$`).MatchString(name) && name != "branch" {
				if _, ok := pf.Values[name]; !ok {
					t.Errorf("docs/deploy.md lists %s, which %s.bicepparam does not set", name, env)
				}
			}
		}
	}
	deploy, _ := readWorkflow(t, "deploy.yml")
	for _, env := range environments {
		rg, loc := table["resource group"][env], table["location"][env]
		line := env + ") resource_group=" + rg + "; location=" + loc + " ;;"
		if !strings.Contains(deploy, line) {
			t.Errorf("deploy.yml does not contain %q (docs/deploy.md: resource group %s, location %s)", line, rg, loc)
		}
	}
	branches := map[string]string{"dev": "main", "int": "integration", "prod": "prod"}
	for env, b := range branches {
		if !strings.HasPrefix(table["branch"][env], b) {
			t.Errorf("docs/deploy.md: %s deploys from %q, the workflow from %s", env, table["branch"][env], b)
		}
	}
}

// The runbook sections the alerts link to exist.
func TestAlertRunbookAnchors(t *testing.T) {
	alerts := mustRead(t, filepath.Join(bicepDir(t), "modules", "alerts.bicep"))
	ops := readDoc(t, "operations.md")
	anchors := map[string]bool{}
	for _, h := range regexp.MustCompile(`(?m)^#{1,6}\s+(.+)$`).FindAllStringSubmatch(ops, -1) {
		anchors[slug(h[1])] = true
	}
	links := regexp.MustCompile(`docs/operations\.md#([a-z0-9-]+)`).FindAllStringSubmatch(alerts.Text, -1)
	if len(links) < 6 {
		t.Fatalf("alerts.bicep links %d runbook sections, want one per alert (6)", len(links))
	}
	for _, l := range links {
		if !anchors[l[1]] {
			t.Errorf("alerts.bicep links docs/operations.md#%s, which has no such heading", l[1])
		}
	}
	for _, want := range []string{"key-rotation", "backups-and-restore", "scaling-knobs", "reading-alerts", "draining-the-queues", "gradual-rollout-to-remote-mode",
		"neo4j-durability", "resizing-neo4j", "a-shell-in-the-vnet"} {
		if !anchors[want] {
			t.Errorf("docs/operations.md has no section #%s", want)
		}
	}
}

// slug is GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens.
func slug(h string) string {
	h = strings.ToLower(strings.TrimSpace(h))
	var b strings.Builder
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}

// docs/deploy.md names every app setting, every deliberately unset setting, the storage objects
// and the pinned Neo4j image.
func TestDeployDocListsSettingsAndNames(t *testing.T) {
	doc := readDoc(t, "deploy.md")
	for name := range appSettings(t) {
		short := strings.SplitN(name, "__", 2)[0]
		if !strings.Contains(doc, "`"+name+"`") && !(strings.Contains(name, "__") && strings.Contains(doc, "`"+short+"__")) {
			t.Errorf("docs/deploy.md does not list app setting %s", name)
		}
	}
	for name := range notSetByBicep {
		if !strings.Contains(doc, "`"+name+"`") {
			t.Errorf("docs/deploy.md does not explain why %s is not set", name)
		}
	}
	n := bicepStorageNames(t)
	for _, list := range [][]string{n.queues, n.tables, n.containers} {
		for _, name := range list {
			base := strings.TrimSuffix(name, "-poison")
			if !strings.Contains(doc, "`"+base+"`") {
				t.Errorf("docs/deploy.md does not name storage object %s", base)
			}
		}
	}
	image := strings.Trim(mustParams(t, mustRead(t, filepath.Join(bicepDir(t), "main.bicep")))["neo4jImage"].Default, "'")
	if !strings.Contains(doc, image) {
		t.Errorf("docs/deploy.md does not name the Neo4j image %s", image)
	}
}

// The draining runbook names every function by its folder name (the name the host's
// AzureWebJobs.<name>.Disabled setting uses).
func TestDrainingRunbookNamesFunctions(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(root(t), "functions", "*", "function.json"))
	if len(dirs) == 0 {
		t.Skip("no functions/*/function.json yet")
	}
	ops := readDoc(t, "operations.md")
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		if !strings.Contains(ops, "`"+name+"`") {
			t.Errorf("docs/operations.md does not name function %s", name)
		}
		if !strings.Contains(name, "poison") && !strings.Contains(ops, "AzureWebJobs."+name+".Disabled") {
			t.Errorf("docs/operations.md does not say how to disable %s (AzureWebJobs.%s.Disabled)", name, name)
		}
	}
}

// The runbooks use the scripts and commands that exist: the resize and drill scripts, the
// operators' atg admin commands, the ops subnet the NSG admits; and no longer the curl calls,
// the restart after a key change or the Neo4j share.
func TestRunbooksMatchScriptsAndTemplates(t *testing.T) {
	ops := readDoc(t, "operations.md")
	deploy := readDoc(t, "deploy.md")
	for _, script := range []string{"infra/scripts/neo4j-resize.sh", "infra/scripts/neo4j-restore-drill.sh", "infra/scripts/prepare-deploy.sh", "infra/scripts/bicep-check.sh"} {
		if _, err := os.Stat(filepath.Join(root(t), script)); err != nil {
			t.Errorf("%s: %v", script, err)
		}
		if !strings.Contains(ops+deploy, script) {
			t.Errorf("docs do not mention %s", script)
		}
	}
	for _, cmd := range []string{"atg admin keys", "atg admin backups create", "atg admin backups list", "atg admin backups download", "atg admin backups restore --all", "--subnet snet-ops"} {
		if !strings.Contains(ops, cmd) {
			t.Errorf("docs/operations.md does not use %q", cmd)
		}
	}
	keys := ops[strings.Index(ops, "### API keys"):strings.Index(ops, "### Neo4j password")]
	if strings.Contains(keys, "az functionapp restart") {
		t.Error("docs/operations.md: API key changes need no restart (the service re-reads the secret)")
	}
	for _, gone := range []string{"curl -sS -X POST", "neo4jDataShareQuotaGiB", "--subnet snet-neo4j", "neo4j-data"} {
		if strings.Contains(ops, gone) {
			t.Errorf("docs/operations.md still says %q", gone)
		}
	}
	net := mustRead(t, filepath.Join(bicepDir(t), "modules", "network.bicep"))
	if !strings.Contains(net.Text, "var opsSubnetName = 'snet-ops'") {
		t.Error("network.bicep: the runbooks' shell subnet snet-ops is gone")
	}
	// The recovery point the docs state is the backup timer's schedule.
	var fn struct {
		Bindings []struct {
			Schedule string `json:"schedule"`
		} `json:"bindings"`
	}
	b, err := os.ReadFile(filepath.Join(root(t), "functions", "backup_timer", "function.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fn); err != nil || len(fn.Bindings) == 0 {
		t.Fatalf("functions/backup_timer/function.json: %v", err)
	}
	if !strings.Contains(ops, "schedule `"+fn.Bindings[0].Schedule+"`") || !strings.Contains(ops, "at most one hour") {
		t.Errorf("docs/operations.md must state the backup schedule %q and the recovery point it gives", fn.Bindings[0].Schedule)
	}
}
