package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const want = `Microsoft.Network/virtualNetworks 2024-05-01 2025-01-01-preview
Microsoft.Network/virtualNetworks/subnets 2024-05-01
Microsoft.Resources/deployments 2025-04-01
Microsoft.Resources/resourceGroups 2025-04-01
Microsoft.Resources/resources 2025-04-01
`

func generate(t *testing.T, src source) string {
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
	if got := generate(t, dirSource{root: "testdata"}); got != want {
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
	src, err := openSource(context.Background(), filepath.Join(dir, ".git"), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if got := generate(t, src); got != want {
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
