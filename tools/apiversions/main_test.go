package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/tools/internal/swagger"
)

const want = `Microsoft.Network/virtualNetworks 2024-05-01 2025-01-01-preview
Microsoft.Network/virtualNetworks/subnets 2024-05-01
Microsoft.Resources/deployments 2025-04-01
Microsoft.Resources/resourceGroups 2025-04-01
Microsoft.Resources/resources 2025-04-01
`

// openTree opens a spec tree (directory or git directory) for the test; closed with the test.
func openTree(t *testing.T, dir string) swagger.Source {
	t.Helper()
	src, err := swagger.Open(context.Background(), dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	return src
}

func generate(t *testing.T, src swagger.Source) string {
	t.Helper()
	types, err := collect(src, []string{"Microsoft.Network", "Microsoft.Resources"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	write(&buf, types, "test")
	_, body, _ := strings.Cut(buf.String(), "do not edit.\n")
	return body
}

// TestGenerateFromTree: versions come from stable and preview folders, per type (children too);
// examples, other namespaces and paths without /providers/ outside Microsoft.Resources' specs
// are ignored.
func TestGenerateFromTree(t *testing.T) {
	if got := generate(t, openTree(t, "testdata")); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestGenerateFromGitDir reads the same tree from a git directory (as `fetch` provides it).
func TestGenerateFromGitDir(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@e", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@e")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	if err := os.CopyFS(dir, os.DirFS("testdata")); err != nil {
		t.Fatal(err)
	}
	run("add", ".")
	run("commit", "-qm", "specs")
	if got := generate(t, openTree(t, filepath.Join(dir, ".git"))); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

func TestTypeOfPath(t *testing.T) {
	for p, want := range map[string]string{
		"/{resourceUri}/providers/Microsoft.Insights/diagnosticSettings/{name}":                                       "Microsoft.Insights/diagnosticSettings",
		"/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/{vm}/start":               "Microsoft.Compute/virtualMachines",
		"/subscriptions/{s}/providers/{resourceProviderNamespace}/register":                                           "",
		"/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Storage/storageAccounts/{a}/blobServices/default": "Microsoft.Storage/storageAccounts/blobServices",
	} {
		if got := typeOfPath(p, false); got != want {
			t.Errorf("typeOfPath(%s) = %q, want %q", p, got, want)
		}
	}
}

// TestIndexAndExtra: an index supplies versions per type; a previous list adds only the
// versions published after the index's newest (and types the index lacks).
func TestIndexAndExtra(t *testing.T) {
	types := map[string]map[string]bool{}
	mergeIndex(types, "Microsoft.Network/virtualNetworks@2024-01-01\nmicrosoft.network/virtualNetworks@2023-11-01\nMicrosoft.Web/sites@2020-01-01\n", []string{"Microsoft.Network"})
	mergeNewer(types, "# c\nMicrosoft.Network/virtualNetworks 2015-06-15 2024-01-01 2026-03-01\nMicrosoft.Network/bastionHosts 2019-04-01\n")
	var buf bytes.Buffer
	write(&buf, types, "test")
	_, got, _ := strings.Cut(buf.String(), "do not edit.\n")
	want := "Microsoft.Network/bastionHosts 2019-04-01\nMicrosoft.Network/virtualNetworks 2023-11-01 2024-01-01 2026-03-01\n"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}
