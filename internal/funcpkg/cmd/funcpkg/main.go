// Command funcpkg builds the Functions deployment zip (see package funcpkg):
//
//	go run ./internal/funcpkg/cmd/funcpkg -version v1.2.3 -out dist/atg-functions.zip
//
// It compiles atg for linux/amd64 (CGO off, -trimpath, stripped, version stamped), assembles
// host.json, the binary and functions/*/function.json, then verifies the zip it wrote.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/atg-go/atg/internal/funcpkg"
)

func main() { os.Exit(run()) }

func run() int {
	root := flag.String("root", ".", "repository root (go.mod, host.json, functions/)")
	out := flag.String("out", "dist/atg-functions.zip", "zip to write")
	version := flag.String("version", "dev", "version stamped into the binary")
	binary := flag.String("binary", "", "use this prebuilt linux/amd64 binary instead of building one")
	flag.Parse()

	bin := *binary
	if bin == "" {
		dir, err := os.MkdirTemp("", "atg-package-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "package:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "atg")
		fmt.Fprintf(os.Stderr, "building atg %s for linux/amd64\n", *version)
		if err := funcpkg.BuildBinary(context.Background(), *root, bin, *version); err != nil {
			fmt.Fprintln(os.Stderr, "package:", err)
			return 1
		}
	}
	if err := funcpkg.Assemble(funcpkg.Options{Root: *root, Binary: bin, Out: *out}); err != nil {
		fmt.Fprintln(os.Stderr, "package:", err)
		return 1
	}
	l, err := funcpkg.Verify(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "package: the zip written fails verification:", err)
		return 1
	}
	fmt.Printf("%s: %s (%d bytes, 0755) + host.json + %d functions %v\n", *out, l.Executable, l.Size, len(l.Functions), l.Functions)
	return 0
}
