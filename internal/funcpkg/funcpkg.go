// Package funcpkg builds the Azure Functions deployment package of the service: a zip whose
// root holds host.json, the `atg` binary (linux/amd64, static, mode 0755) and one folder per
// function with its function.json — the layout a Flex Consumption app runs a custom handler
// from. `make package` (scripts/package.sh) runs it through cmd/funcpkg; the tests use the same
// functions, so what is tested is what ships.
package funcpkg

import (
	"archive/zip"
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// VersionVar is the linker variable that carries the version.
const VersionVar = "github.com/atg-go/atg/internal/buildinfo.Version"

// fixed modification time of every entry, so the same inputs give the same zip
var epoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// BuildBinary compiles the atg command in root (the module root) for linux/amd64 without cgo
// into out, stamping version.
func BuildBinary(ctx context.Context, root, out, version string) error {
	if version == "" {
		version = "dev"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath",
		"-ldflags", "-s -w -X "+VersionVar+"="+version, "-o", out, ".")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for linux/amd64: %w\n%s", err, stderr.String())
	}
	return nil
}

// HostConfig is the part of host.json the package depends on.
type HostConfig struct {
	Version       string `json:"version"`
	CustomHandler struct {
		Description struct {
			DefaultExecutablePath string   `json:"defaultExecutablePath"`
			Arguments             []string `json:"arguments"`
		} `json:"description"`
		EnableForwardingHttpRequest bool `json:"enableForwardingHttpRequest"`
	} `json:"customHandler"`
}

// ParseHost reads host.json and returns the executable it starts.
func ParseHost(b []byte) (HostConfig, string, error) {
	var h HostConfig
	if err := json.Unmarshal(b, &h); err != nil {
		return h, "", fmt.Errorf("host.json: %w", err)
	}
	if h.Version != "2.0" {
		return h, "", fmt.Errorf("host.json: version %q, want \"2.0\"", h.Version)
	}
	exe := h.CustomHandler.Description.DefaultExecutablePath
	if exe == "" {
		return h, "", errors.New("host.json: customHandler.description.defaultExecutablePath is empty")
	}
	if strings.ContainsAny(exe, `/\`) || exe == "." || exe == ".." {
		return h, "", fmt.Errorf("host.json: defaultExecutablePath %q must name a file at the package root", exe)
	}
	if !slices.Equal(h.CustomHandler.Description.Arguments, []string{"handler"}) {
		return h, "", fmt.Errorf("host.json: customHandler.description.arguments = %q, want [\"handler\"]", h.CustomHandler.Description.Arguments)
	}
	return h, exe, nil
}

// checkFunction validates one function.json.
func checkFunction(name string, b []byte) error {
	var def struct {
		Bindings []struct {
			Type      string `json:"type"`
			Direction string `json:"direction"`
			Name      string `json:"name"`
		} `json:"bindings"`
	}
	if err := json.Unmarshal(b, &def); err != nil {
		return fmt.Errorf("%s/function.json: %w", name, err)
	}
	triggers := 0
	for _, bd := range def.Bindings {
		if bd.Type == "" || bd.Name == "" {
			return fmt.Errorf("%s/function.json: a binding lacks type or name", name)
		}
		if strings.HasSuffix(bd.Type, "Trigger") {
			triggers++
		}
	}
	if triggers != 1 {
		return fmt.Errorf("%s/function.json: %d trigger bindings, want exactly 1", name, triggers)
	}
	return nil
}

// Options says what to package.
type Options struct {
	Root   string // directory holding host.json and functions/
	Binary string // the built executable
	Out    string // zip to write
}

// Assemble writes the deployment zip: host.json, the executable named by host.json (mode 0755)
// and functions/<name>/function.json as <name>/function.json, in a fixed order and time.
func Assemble(opts Options) (err error) {
	hostJSON, err := os.ReadFile(filepath.Join(opts.Root, "host.json"))
	if err != nil {
		return fmt.Errorf("reading host.json: %w", err)
	}
	_, exe, err := ParseHost(hostJSON)
	if err != nil {
		return err
	}
	bin, err := os.ReadFile(opts.Binary)
	if err != nil {
		return fmt.Errorf("reading the binary: %w", err)
	}
	defs, err := filepath.Glob(filepath.Join(opts.Root, "functions", "*", "function.json"))
	if err != nil {
		return err
	}
	if len(defs) == 0 {
		return errors.New("no functions/*/function.json: nothing would be triggered")
	}
	slices.Sort(defs)
	type entry struct {
		name string
		mode os.FileMode
		data []byte
	}
	entries := []entry{{"host.json", 0o644, hostJSON}, {exe, 0o755, bin}}
	for _, d := range defs {
		name := filepath.Base(filepath.Dir(d))
		if name == exe {
			return fmt.Errorf("function folder %q collides with the executable", name)
		}
		b, err := os.ReadFile(d)
		if err != nil {
			return err
		}
		if err := checkFunction(name, b); err != nil {
			return err
		}
		entries = append(entries, entry{name + "/function.json", 0o644, b})
	}

	if err := os.MkdirAll(filepath.Dir(opts.Out), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(opts.Out), ".atg-functions-*.zip")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	zw := zip.NewWriter(tmp)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: epoch}
		h.SetMode(e.mode) // unix mode in the external attributes: keeps the executable bit
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(e.data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), opts.Out)
}

// Layout is what Verify found in a package.
type Layout struct {
	Executable string
	Functions  []string // function folder names, sorted
	Size       int64    // bytes of the executable
}

// Verify opens a package and checks what the Functions host needs: host.json at the root naming
// an executable that is at the root, a regular file with mode 0755 and a static linux/amd64 ELF;
// every other entry is <function>/function.json with one trigger; nothing else.
func Verify(zipPath string) (Layout, error) {
	var l Layout
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return l, err
	}
	defer zr.Close()
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return l, fmt.Errorf("%s appears twice", f.Name)
		}
		files[f.Name] = f
	}
	read := func(f *zip.File) ([]byte, error) {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	hf, ok := files["host.json"]
	if !ok {
		return l, errors.New("host.json is not at the root of the zip")
	}
	hb, err := read(hf)
	if err != nil {
		return l, err
	}
	if _, l.Executable, err = ParseHost(hb); err != nil {
		return l, err
	}
	ef, ok := files[l.Executable]
	if !ok {
		return l, fmt.Errorf("host.json starts %q, which is not at the root of the zip", l.Executable)
	}
	if m := ef.Mode(); !m.IsRegular() || m.Perm() != 0o755 {
		return l, fmt.Errorf("%s has mode %v, want -rwxr-xr-x", l.Executable, m)
	}
	eb, err := read(ef)
	if err != nil {
		return l, err
	}
	l.Size = int64(len(eb))
	if err := checkELF(eb); err != nil {
		return l, fmt.Errorf("%s: %w", l.Executable, err)
	}
	for name, f := range files {
		if name == "host.json" || name == l.Executable {
			continue
		}
		dir, base := path.Split(name)
		dir = strings.TrimSuffix(dir, "/")
		if base != "function.json" || dir == "" || strings.Contains(dir, "/") {
			return l, fmt.Errorf("unexpected entry %q: the root holds host.json, %s and <function>/function.json only", name, l.Executable)
		}
		b, err := read(f)
		if err != nil {
			return l, err
		}
		if err := checkFunction(dir, b); err != nil {
			return l, err
		}
		l.Functions = append(l.Functions, dir)
	}
	if len(l.Functions) == 0 {
		return l, errors.New("no <function>/function.json in the zip")
	}
	slices.Sort(l.Functions)
	return l, nil
}

// checkELF accepts a statically linked linux/amd64 executable.
func checkELF(b []byte) error {
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("not an ELF executable: %w", err)
	}
	defer f.Close()
	if f.Machine != elf.EM_X86_64 || f.Class != elf.ELFCLASS64 {
		return fmt.Errorf("built for %v/%v, want x86-64", f.Class, f.Machine)
	}
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return fmt.Errorf("ELF type %v is not an executable", f.Type)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return errors.New("dynamically linked (has an ELF interpreter): build with CGO_ENABLED=0")
		}
	}
	return nil
}
