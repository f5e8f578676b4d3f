// Package atgbin builds the repository's atg binary for the tests that run it as a process (the
// service host tests in handler/, the remote-mode harness in internal/e2e): once per test
// process, into a temporary directory that Remove deletes.
package atgbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	once  sync.Once
	built string
	err   error
)

// Build builds the atg binary once per test process and returns its path; a failed build
// fails the test. Call Remove at the end of TestMain.
func Build(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		gomod, gerr := exec.Command("go", "env", "GOMOD").Output()
		if gerr != nil {
			err = fmt.Errorf("go env GOMOD: %w", gerr)
			return
		}
		dir, derr := os.MkdirTemp("", "atg-e2e-bin-")
		if derr != nil {
			err = derr
			return
		}
		out := filepath.Join(dir, "atg")
		cmd := exec.Command("go", "build", "-o", out, ".")
		cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
		if b, berr := cmd.CombinedOutput(); berr != nil {
			err = fmt.Errorf("go build: %v\n%s", berr, b)
			return
		}
		built = out
	})
	if err != nil {
		t.Fatal(err)
	}
	return built
}

// Remove deletes the binary Build built, if any.
func Remove() {
	if built != "" {
		_ = os.RemoveAll(filepath.Dir(built))
	}
}
