package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/tools/internal/swagger"
)

func generate(t *testing.T, dir string) []byte {
	t.Helper()
	src, err := swagger.Open(context.Background(), dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	types, err := collect(src)
	if err != nil {
		t.Fatal(err)
	}
	return render(types, []string{"test/specs@worktree"})
}

// TestGenerateFixture: on a tiny spec tree the generator picks the newest stable version (not
// an older stable, not a newer preview — whose readOnly properties the stable version does not
// declare at all are added), resolves $refs across files, stops at cycles, walks
// discriminated subtypes, map values and array items, drops what the PUT body declares writable
// though the GET model marks it readOnly, ignores list, action and example files, covers child,
// singleton, extension and Microsoft.Resources types, records the PUT's 2xx codes — and
// regenerates byte for byte.
func TestGenerateFixture(t *testing.T) {
	got := generate(t, "testdata")
	want, err := os.ReadFile("testdata/want.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("generated\n%s\nwant (testdata/want.tsv; regenerate with go run ./tools/armspec -specs tools/armspec/testdata -repo test/specs -out tools/armspec/testdata/want.tsv)\n%s", got, want)
	}
	if again := generate(t, "testdata"); !bytes.Equal(again, got) {
		t.Fatal("a second run differs")
	}
	for _, s := range []string{"oldOnly", "location", "properties.accessTier", "kind", "Ignored"} {
		if bytes.Contains(got, []byte(s)) {
			t.Errorf("output holds %q", s)
		}
	}
	if !bytes.Contains(got, []byte("2021-02-01+2022-01-01-preview\t200,201\tetag,id,name,previewOnly,")) {
		t.Error("the newer preview's own readOnly property is missing")
	}
}

// TestGenerateFixtureWithBicep: the Bicep index replaces a type's readOnly paths when its
// api-version is newer than the specs' (a newer stable, not a newer preview; not an older one),
// adds the types only it has, walks discriminated objects, unions, maps and arrays, stops at
// cycles, and leaves the create codes to the specs.
func TestGenerateFixtureWithBicep(t *testing.T) {
	run := func() []byte {
		src, err := swagger.Open(context.Background(), "testdata", "HEAD")
		if err != nil {
			t.Fatal(err)
		}
		defer src.Close()
		types, err := collect(src)
		if err != nil {
			t.Fatal(err)
		}
		bsrc, err := swagger.OpenTree(context.Background(), "testdata/bicep", "HEAD", "generated")
		if err != nil {
			t.Fatal(err)
		}
		defer bsrc.Close()
		bt, err := collectBicep(bsrc)
		if err != nil {
			t.Fatal(err)
		}
		return render(mergeBicep(types, bt), []string{"test/specs@worktree", "test/bicep@worktree"})
	}
	got := run()
	want, err := os.ReadFile("testdata/want-bicep.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("generated\n%s\nwant (testdata/want-bicep.tsv; regenerate with go run ./tools/armspec -specs tools/armspec/testdata -repo test/specs -bicep tools/armspec/testdata/bicep -bicep-repo test/bicep -out tools/armspec/testdata/want-bicep.tsv)\n%s", got, want)
	}
	if again := run(); !bytes.Equal(again, got) {
		t.Fatal("a second run differs")
	}
	for _, s := range []string{"previewOnlyBicep", "olderBicepOnly", "apiVersion", "parentNetwork"} {
		if bytes.Contains(got, []byte(s)) {
			t.Errorf("output holds %q", s)
		}
	}
}

// TestGenerateFromGitDir reads the same tree from a git directory (as the spec mirror is).
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
	if err := os.CopyFS(filepath.Join(dir, "specification"), os.DirFS("testdata/specification")); err != nil {
		t.Fatal(err)
	}
	run("add", ".")
	run("commit", "-qm", "specs")
	if got, want := generate(t, filepath.Join(dir, ".git")), generate(t, "testdata"); !bytes.Equal(got, want) {
		t.Fatalf("git directory\n%s\nplain directory\n%s", got, want)
	}
}
