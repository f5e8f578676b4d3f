package funcpkg

import (
	"archive/zip"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atg-go/atg/internal/testenv"
)

const hostJSON = `{
  "version": "2.0",
  "customHandler": {
    "description": {"defaultExecutablePath": "atg", "arguments": ["handler"]},
    "enableForwardingHttpRequest": true
  },
  "extensions": {"queues": {"maxDequeueCount": 5}}
}`

const apiFunction = `{"bindings": [
  {"type": "httpTrigger", "direction": "in", "name": "req", "authLevel": "anonymous", "route": "v1/{*path}"},
  {"type": "http", "direction": "out", "name": "res"}]}`

const queueFunction = `{"bindings": [
  {"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "atg-jobs", "connection": "AzureWebJobsStorage"}]}`

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

var tiny struct {
	once sync.Once
	path string
	err  error
}

// tinyBinary builds, once per test run, a small static linux/amd64 program with BuildBinary
// (the same code path as the real package, on a module that compiles in seconds).
func tinyBinary(t *testing.T) string {
	t.Helper()
	tiny.once.Do(func() {
		dir, err := os.MkdirTemp("", "funcpkg-tiny-")
		if err != nil {
			tiny.err = err
			return
		}
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/tiny\n\ngo 1.22\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { println(\"tiny\") }\n"), 0o644)
		tiny.path = filepath.Join(dir, "tiny")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		tiny.err = BuildBinary(ctx, dir, tiny.path, "v0.0.0-test")
	})
	if tiny.err != nil {
		t.Fatal(tiny.err)
	}
	return tiny.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if tiny.path != "" {
		os.RemoveAll(filepath.Dir(tiny.path))
	}
	os.Exit(code)
}

func fixture(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	write(t, filepath.Join(root, "host.json"), hostJSON)
	write(t, filepath.Join(root, "functions", "api", "function.json"), apiFunction)
	write(t, filepath.Join(root, "functions", "jobs", "function.json"), queueFunction)
	write(t, filepath.Join(root, "functions", "README.md"), "not a function")
	write(t, filepath.Join(root, "local.settings.json"), `{"Values": {"secret": "x"}}`)
	return root
}

func TestAssembleLayoutAndModes(t *testing.T) {
	root := fixture(t)
	out := filepath.Join(t.TempDir(), "dist", "atg-functions.zip")
	if err := Assemble(Options{Root: root, Binary: tinyBinary(t), Out: out}); err != nil {
		t.Fatal(err)
	}
	l, err := Verify(out)
	if err != nil {
		t.Fatal(err)
	}
	if l.Executable != "atg" || !slices.Equal(l.Functions, []string{"api", "jobs"}) {
		t.Errorf("layout = %+v, want atg with functions [api jobs]", l)
	}
	// Read the zip independently of Verify: names, modes, unix creator.
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]os.FileMode{}
	for _, f := range zr.File {
		got[f.Name] = f.Mode()
		if f.CreatorVersion>>8 != 3 { // 3 = unix: the host's unzip honours the mode only then
			t.Errorf("%s: creator %d, want unix (3)", f.Name, f.CreatorVersion>>8)
		}
	}
	want := map[string]os.FileMode{"host.json": 0o644, "atg": 0o755, "api/function.json": 0o644, "jobs/function.json": 0o644}
	if len(got) != len(want) {
		t.Errorf("zip entries = %v, want %v (local.settings.json and stray files must stay out)", got, want)
	}
	for name, mode := range want {
		if got[name] != mode {
			t.Errorf("%s: mode %v, want %v", name, got[name], mode)
		}
	}
	// Same inputs, same bytes.
	out2 := filepath.Join(t.TempDir(), "again.zip")
	bin := filepath.Join(t.TempDir(), "atg")
	if err := copyFile(zr.File, "atg", bin); err != nil {
		t.Fatal(err)
	}
	if err := Assemble(Options{Root: root, Binary: bin, Out: out2}); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(out2)
	if string(a) != string(b) {
		t.Error("two packages of the same inputs differ: the zip is not reproducible")
	}
}

func copyFile(files []*zip.File, name, to string) error {
	for _, f := range files {
		if f.Name == name {
			rc, err := f.Open()
			if err != nil {
				return err
			}
			defer rc.Close()
			w, err := os.Create(to)
			if err != nil {
				return err
			}
			defer w.Close()
			_, err = w.ReadFrom(rc)
			return err
		}
	}
	return os.ErrNotExist
}

func TestAssembleRejects(t *testing.T) {
	bin := tinyBinary(t)
	cases := map[string]func(root string){
		"executable in a folder": func(root string) {
			write(t, filepath.Join(root, "host.json"), strings.Replace(hostJSON, `"atg"`, `"bin/atg"`, 1))
		},
		"wrong arguments": func(root string) {
			write(t, filepath.Join(root, "host.json"), strings.Replace(hostJSON, `["handler"]`, `["serve"]`, 1))
		},
		"no functions": func(root string) { os.RemoveAll(filepath.Join(root, "functions")) },
		"two triggers": func(root string) {
			write(t, filepath.Join(root, "functions", "bad", "function.json"), `{"bindings": [
			  {"type": "queueTrigger", "direction": "in", "name": "a", "queueName": "x"},
			  {"type": "timerTrigger", "direction": "in", "name": "b", "schedule": "0 0 * * * *"}]}`)
		},
		"broken json": func(root string) {
			write(t, filepath.Join(root, "functions", "bad", "function.json"), `{"bindings": [`)
		},
	}
	for name, breakIt := range cases {
		t.Run(name, func(t *testing.T) {
			root := fixture(t)
			breakIt(root)
			out := filepath.Join(t.TempDir(), "p.zip")
			if err := Assemble(Options{Root: root, Binary: bin, Out: out}); err == nil {
				t.Fatal("Assemble accepted it")
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a failed Assemble left a zip behind")
			}
		})
	}
}

// Verify rejects zips another tool could have produced wrongly.
func TestVerifyRejects(t *testing.T) {
	bin, err := os.ReadFile(tinyBinary(t))
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		name string
		mode os.FileMode
		data []byte
	}
	good := []entry{{"host.json", 0o644, []byte(hostJSON)}, {"atg", 0o755, bin}, {"api/function.json", 0o644, []byte(apiFunction)}}
	type bad struct {
		entries []entry
		reason  string
	}
	cases := map[string]bad{
		"executable bit lost":   {[]entry{good[0], {"atg", 0o644, bin}, good[2]}, "want -rwxr-xr-x"},
		"not an ELF":            {[]entry{good[0], {"atg", 0o755, []byte("#!/bin/sh\necho hi\n")}, good[2]}, "not an ELF"},
		"host.json in a folder": {[]entry{{"pkg/host.json", 0o644, []byte(hostJSON)}, good[1], good[2]}, "host.json is not at the root"},
		"binary missing":        {[]entry{good[0], good[2]}, "not at the root"},
		"stray file":            {[]entry{good[0], good[1], good[2], {"local.settings.json", 0o644, []byte("{}")}}, "unexpected entry"},
		"functions nested":      {[]entry{good[0], good[1], {"functions/api/function.json", 0o644, []byte(apiFunction)}}, "unexpected entry"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "p.zip")
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			zw := zip.NewWriter(f)
			for _, e := range c.entries {
				h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
				h.SetMode(e.mode)
				w, err := zw.CreateHeader(h)
				if err != nil {
					t.Fatal(err)
				}
				w.Write(e.data)
			}
			zw.Close()
			f.Close()
			l, err := Verify(p)
			if err == nil {
				t.Fatalf("Verify accepted it: %+v", l)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("Verify: %v; want a reason containing %q", err, c.reason)
			}
		})
	}
}

// The real thing: build atg from this repository exactly as `make package` does, assemble the
// repository's host.json and functions/, verify the zip and run the packaged binary.
func TestPackageRepository(t *testing.T) {
	testenv.Integration(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "host.json")); err != nil {
		t.Skip("no host.json in the repository yet")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "atg")
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	if err := BuildBinary(ctx, root, bin, "v9.9.9-pkgtest"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "atg-functions.zip")
	if err := Assemble(Options{Root: root, Binary: bin, Out: out}); err != nil {
		t.Fatal(err)
	}
	l, err := Verify(out)
	if err != nil {
		t.Fatal(err)
	}
	defs, _ := filepath.Glob(filepath.Join(root, "functions", "*", "function.json"))
	if len(l.Functions) != len(defs) {
		t.Errorf("zip has functions %v, repository has %d function.json files", l.Functions, len(defs))
	}
	// The packaged binary runs here (linux/amd64) and carries the stamped version.
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	unpacked := filepath.Join(dir, "unpacked-atg")
	if err := copyFile(zr.File, l.Executable, unpacked); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(unpacked, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, unpacked, "version")
	cmd.Env = append(os.Environ(), "ATG_CONFIG="+filepath.Join(dir, "none.yaml"))
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("packaged atg version: %v\n%s", err, got)
	}
	if !strings.Contains(string(got), "v9.9.9-pkgtest") {
		t.Errorf("packaged atg version printed %q, want the stamped v9.9.9-pkgtest", got)
	}
}
