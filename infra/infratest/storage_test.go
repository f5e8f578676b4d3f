package infratest

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

type storageNames struct{ queues, tables, containers []string }

func bicepStorageNames(t *testing.T) storageNames {
	t.Helper()
	f := mustRead(t, filepath.Join(bicepDir(t), "main.bicep"))
	var n storageNames
	var err error
	if n.queues, err = f.VarArray("queueNames"); err != nil {
		t.Fatal(err)
	}
	if n.tables, err = f.VarArray("tableNames"); err != nil {
		t.Fatal(err)
	}
	if n.containers, err = f.VarArray("containerNames"); err != nil {
		t.Fatal(err)
	}
	return n
}

// Names follow Azure's rules, every queue has its poison twin, and the containers that
// lifecycle rules and Flex deployment name are created.
func TestStorageNamesValid(t *testing.T) {
	n := bicepStorageNames(t)
	queue := regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$`)
	table := regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]{2,62}$`)
	container := regexp.MustCompile(`^[a-z0-9](?:[a-z0-9]|-[a-z0-9]){2,62}$`)
	for _, q := range n.queues {
		if !queue.MatchString(q) {
			t.Errorf("queue name %q is not valid", q)
		}
		if !strings.HasSuffix(q, "-poison") && !slices.Contains(n.queues, q+"-poison") {
			t.Errorf("queue %s has no %s-poison", q, q)
		}
	}
	for _, tb := range n.tables {
		if !table.MatchString(tb) {
			t.Errorf("table name %q is not valid (letters and digits only)", tb)
		}
	}
	for _, c := range n.containers {
		if !container.MatchString(c) {
			t.Errorf("container name %q is not valid", c)
		}
	}
	f := mustRead(t, filepath.Join(bicepDir(t), "main.bicep"))
	for _, v := range []string{"artifactsContainer", "backupsContainer", "deploymentContainer"} {
		m := regexp.MustCompile(`(?m)^var ` + v + ` = '([^']+)'$`).FindStringSubmatch(f.Text)
		if m == nil {
			t.Errorf("main.bicep: no var %s", v)
			continue
		}
		if !slices.Contains(n.containers, m[1]) {
			t.Errorf("main.bicep: %s = %q is not in containerNames", v, m[1])
		}
	}
}

// Every queue a function triggers on exists in the Bicep, with its poison queue.
func TestQueuesCoverFunctions(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(root(t), "functions", "*", "function.json"))
	if len(files) == 0 {
		t.Skip("no functions/*/function.json yet")
	}
	n := bicepStorageNames(t)
	for _, fj := range files {
		b, err := os.ReadFile(fj)
		if err != nil {
			t.Fatal(err)
		}
		var def struct {
			Bindings []map[string]any `json:"bindings"`
		}
		if err := json.Unmarshal(b, &def); err != nil {
			t.Fatalf("%s: %v", rel(t, fj), err)
		}
		for _, bind := range def.Bindings {
			typ, _ := bind["type"].(string)
			if !strings.HasPrefix(typ, "queue") {
				continue
			}
			q, _ := bind["queueName"].(string)
			if strings.HasPrefix(q, "%") {
				t.Errorf("%s: queueName %s comes from an app setting; resolve it here when that is introduced", rel(t, fj), q)
				continue
			}
			if !slices.Contains(n.queues, q) {
				t.Errorf("%s: queue %q is not created by main.bicep (queueNames)", rel(t, fj), q)
			}
			if typ == "queueTrigger" && !strings.HasSuffix(q, "-poison") && !slices.Contains(n.queues, q+"-poison") {
				t.Errorf("%s: poison queue %q-poison is not created by main.bicep", rel(t, fj), q)
			}
		}
	}
}

// The storage names handler/jobs derives from its default prefix exist in the Bicep. Read with a
// regular expression so that this package does not depend on handler code compiling.
func TestStorageCoversHandlerNames(t *testing.T) {
	src, err := os.ReadFile(filepath.Join(root(t), "handler", "jobs", "azure.go"))
	if err != nil {
		t.Skipf("handler/jobs/azure.go not there: %v", err)
	}
	prefix := regexp.MustCompile(`const DefaultPrefix = "([^"]+)"`).FindSubmatch(src)
	if prefix == nil {
		t.Fatal("handler/jobs/azure.go: no DefaultPrefix constant; update this test")
	}
	n := bicepStorageNames(t)
	found := 0
	for _, m := range regexp.MustCompile(`func \(n Names\) (\w+)\(\) string\s*\{\s*return n\.p\(\) \+ "([^"]+)"`).FindAllSubmatch(src, -1) {
		method, name := string(m[1]), string(prefix[1])+string(m[2])
		found++
		var list []string
		switch {
		case strings.HasSuffix(method, "Table"):
			list = n.tables
		case strings.HasSuffix(method, "Queue"):
			list = n.queues
			if !slices.Contains(list, name+"-poison") {
				t.Errorf("handler queue %s (%s) has no poison queue in main.bicep", name, method)
			}
		case strings.HasSuffix(method, "Container"):
			list = n.containers
		default:
			t.Errorf("handler/jobs Names.%s: cannot tell table, queue or container", method)
			continue
		}
		if !slices.Contains(list, name) {
			t.Errorf("handler/jobs Names.%s = %q is not created by main.bicep", method, name)
		}
	}
	if found < 3 {
		t.Errorf("read only %d names from handler/jobs/azure.go: the regular expression no longer fits the code", found)
	}
}

// The service derives its storage names from ATG_STORAGE_PREFIX: the Function App sets it to the
// prefix every name in main.bicep starts with.
func TestStoragePrefixMatchesNames(t *testing.T) {
	f := mustRead(t, filepath.Join(bicepDir(t), "main.bicep"))
	m := regexp.MustCompile(`(?m)^var storagePrefix = '([a-z][a-z0-9]+)'$`).FindStringSubmatch(f.Text)
	if m == nil {
		t.Fatal("main.bicep: no var storagePrefix")
	}
	if v := appSettings(t)["ATG_STORAGE_PREFIX"]; v != "storagePrefix" {
		t.Errorf("functionapp.bicep: ATG_STORAGE_PREFIX = %s, want the storagePrefix parameter", v)
	}
	if !regexp.MustCompile(`(?m)^\s+storagePrefix: storagePrefix$`).MatchString(f.Text) {
		t.Error("main.bicep does not pass storagePrefix to the Function App")
	}
	n := bicepStorageNames(t)
	for _, list := range [][]string{n.queues, n.tables, n.containers} {
		for _, name := range list {
			if !strings.HasPrefix(name, m[1]) {
				t.Errorf("storage object %s does not start with the prefix %s", name, m[1])
			}
		}
	}
}

// The failed-jobs alert searches the handler's logs for "job failed": the handler must still
// write that message. Read with a regular expression so this package does not import handler.
func TestFailedJobsAlertMatchesHandlerLogs(t *testing.T) {
	var files []string // every Go file under handler/ (the worker logs it, in handler/worker)
	_ = filepath.WalkDir(filepath.Join(root(t), "handler"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no Go files under handler/")
	}
	alerts := mustRead(t, filepath.Join(bicepDir(t), "modules", "alerts.bicep"))
	m := regexp.MustCompile(`AppTraces \| where Message contains "([^"]+)"`).FindStringSubmatch(alerts.Text)
	if m == nil {
		t.Fatal("alerts.bicep: no failed-jobs query over AppTraces")
	}
	logCall := regexp.MustCompile(`\.(Warn|Error|Info)\("` + regexp.QuoteMeta(m[1]))
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if logCall.Match(b) {
			return
		}
	}
	t.Errorf("no Go file under handler/ logs a message starting %q: the failed-jobs alert would never fire; update alerts.bicep and docs/operations.md", m[1])
}
