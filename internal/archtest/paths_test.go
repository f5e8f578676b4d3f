package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/atg-go/atg/internal/repotest"
)

// outsideRepo matches the ways code or a script could reach outside the checkout: the
// sibling shared/ folder a developer's machine has beside it, or a hard-coded machine path.
var outsideRepo = []*regexp.Regexp{
	regexp.MustCompile(`\.\./shared\b`),
	regexp.MustCompile(`"\.\.",\s*"shared"`),
	regexp.MustCompile(`"\.\.",\s*"\.\.",\s*"\.\.",\s*"\.\."`),
	regexp.MustCompile(`"shared",\s*"testdata"`),
	regexp.MustCompile(`\bshared/testdata\b`),
	regexp.MustCompile(`/work/(main|shared)\b`),
}

// TestNoPathsOutsideRepo: a clean clone with nothing beside it must pass make test, so no Go
// file, script, Makefile or CI file names a path outside the repository.
func TestNoPathsOutsideRepo(t *testing.T) {
	root := repotest.Root()
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	checked := 0
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !codeOrScript(f) || f == "internal/archtest/paths_test.go" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue // deleted in the work tree
		}
		checked++
		for i, line := range strings.Split(string(b), "\n") {
			for _, re := range outsideRepo {
				if re.MatchString(line) {
					t.Errorf("%s:%d refers outside the repository (%s): %s", f, i+1, re, strings.TrimSpace(line))
				}
			}
		}
	}
	if checked < 100 {
		t.Fatalf("checked only %d files", checked)
	}
}

func codeOrScript(f string) bool {
	switch {
	case strings.HasSuffix(f, ".go"), strings.HasSuffix(f, ".sh"), strings.HasSuffix(f, ".py"),
		strings.HasSuffix(f, ".yml"), strings.HasSuffix(f, ".yaml"), strings.HasSuffix(f, ".js"),
		filepath.Base(f) == "Makefile", strings.HasPrefix(f, ".ci/"):
		return true
	}
	return false
}

// TestRepoCarriesItsExamples: the example payloads the tests read are in the repository.
func TestRepoCarriesItsExamples(t *testing.T) {
	for _, dir := range []string{repotest.ARMExamplesDir(), repotest.MSGraphExamplesDir()} {
		m, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		if len(m) < 4 {
			t.Errorf("%s: %d payloads", dir, len(m))
		}
		if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
			t.Errorf("%s: no manifest: %v", dir, err)
		}
	}
}
