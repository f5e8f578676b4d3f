package archtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/internal/repotest"
)

// maxLines is the most lines a hand-written Go file may have: split at the seams it marks.
const maxLines = 900

// TestFilesStaySmall: no hand-written Go file over maxLines (generated files, marked the Go way
// with "Code generated … DO NOT EDIT.", are exempt).
func TestFilesStaySmall(t *testing.T) {
	root := repotest.Root()
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard", "*.go").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	n := 0
	for _, f := range strings.Fields(string(out)) {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			continue
		}
		n++
		if bytes.Contains(b[:min(len(b), 4096)], []byte("Code generated")) && bytes.Contains(b[:min(len(b), 4096)], []byte("DO NOT EDIT")) {
			continue
		}
		if lines := bytes.Count(b, []byte("\n")); lines > maxLines {
			t.Errorf("%s has %d lines (limit %d): split it at its seams", f, lines, maxLines)
		}
	}
	if n < 100 {
		t.Fatalf("checked only %d files", n)
	}
}
