// Package archtest checks the layering rules of ARCHITECTURE.md: the engine (and the simulator)
// never import the hosting layers cli/ or handler/, and the service never imports the CLI.
package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

func TestEngineNeverImportsHosting(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "github.com/atg-go/atg/engine/...", "github.com/atg-go/atg/sim/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 5 {
		t.Fatalf("go list found only %d packages", len(lines))
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		for _, dep := range fields[1:] {
			if strings.HasPrefix(dep, "github.com/atg-go/atg/cli") || strings.HasPrefix(dep, "github.com/atg-go/atg/handler") {
				t.Errorf("%s imports %s: the engine must not know how it is hosted", fields[0], dep)
			}
		}
	}
}

func TestServiceNeverImportsCLI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/atg-go/atg/handler/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/atg-go/atg/cli") {
			t.Errorf("handler/ depends on %s: shared logic belongs in engine/", dep)
		}
	}
}

// TestCommandPackagesImportNoSibling: a command package (cli/<cmd>) never imports another
// command package (cli/cli's convention); what several commands share lives in cli/shared,
// cli/cmdutil or cli/remote, and only cli/root assembles the commands. Test files count too.
func TestCommandPackagesImportNoSibling(t *testing.T) {
	const cli = "github.com/atg-go/atg/cli/"
	exempt := map[string]bool{"cmdutil": true, "remote": true, "shared": true, "root": true}
	out, err := exec.Command("go", "list", "-f",
		`{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}`,
		"github.com/atg-go/atg/cli/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	top := func(pkg string) string {
		rest, ok := strings.CutPrefix(pkg, cli)
		if !ok {
			return ""
		}
		cmd, _, _ := strings.Cut(rest, "/")
		return cmd
	}
	commands := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		own := top(fields[0])
		if own == "" || exempt[own] {
			continue
		}
		commands++
		for _, dep := range fields[1:] {
			if d := top(dep); d != "" && d != own && !exempt[d] {
				t.Errorf("%s imports %s: command packages share code through cli/shared, cli/cmdutil or cli/remote", fields[0], dep)
			}
		}
	}
	if commands < 10 {
		t.Fatalf("found only %d command packages under cli/", commands)
	}
}

// leafPackages import only the standard library: every layer may import them, so they may
// import nothing of the project (errs is the error vocabulary, api the wire contract, armspec
// the REST specs' readOnly properties and create status codes).
var leafPackages = []string{"github.com/atg-go/atg/errs", "github.com/atg-go/atg/api", "github.com/atg-go/atg/engine/armspec"}

func TestLeafPackagesImportOnlyStdlib(t *testing.T) {
	args := append([]string{"list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`}, leafPackages...)
	out, err := exec.Command("go", args...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) != len(leafPackages) {
		t.Fatalf("go list found %d of %d leaf packages", len(lines), len(leafPackages))
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		for _, imp := range fields[1:] {
			if first, _, _ := strings.Cut(imp, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s: a leaf package imports only the standard library", fields[0], imp)
			}
		}
	}
}

// engineImportAllowed are the engine packages a handler/ package other than handler/executors
// may import, with the reason. engine/secrets is the one detector every stored output passes
// through: the worker redacts every job result and error whatever the executor returned.
var engineImportAllowed = map[string]string{
	"github.com/atg-go/atg/engine/secrets": "the worker redacts every job result and error",
	"github.com/atg-go/atg/engine/safego":  "the worker's own goroutines (reading shard results) recover panics as the engine's do",
}

// Within handler/, only handler/executors imports the engine: the API, the worker, the backups
// and the wiring see it through worker.Runner/Sharded and the functions httpapi.Deps is given.
func TestOnlyExecutorsImportTheEngine(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "github.com/atg-go/atg/handler/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	sawExecutors := false
	for _, line := range lines {
		fields := strings.Fields(line)
		pkg := fields[0]
		if pkg == "github.com/atg-go/atg/handler/executors" {
			sawExecutors = true
			continue
		}
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, "github.com/atg-go/atg/engine") {
				continue
			}
			if _, ok := engineImportAllowed[imp]; ok {
				continue
			}
			t.Errorf("%s imports %s: only handler/executors runs the engine", pkg, imp)
		}
	}
	if !sawExecutors || len(lines) < 6 {
		t.Fatalf("go list found %d handler packages (executors: %v)", len(lines), sawExecutors)
	}
}
