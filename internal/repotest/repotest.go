// Package repotest locates the repository's own test data from any test, whatever its working
// directory. Tests read only what the repository carries: a clean clone passes with nothing
// beside it (internal/archtest guards against paths that leave the repository).
package repotest

import (
	"path/filepath"
	"runtime"
)

// Root is the repository root (the directory of go.mod).
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	// file = <root>/internal/repotest/repotest.go
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Testdata returns <root>/testdata joined with elem.
func Testdata(elem ...string) string {
	return filepath.Join(append([]string{Root(), "testdata"}, elem...)...)
}

// ARMExamplesDir holds Microsoft's example ARM GET responses (one envelope per file) and
// their manifest.json.
func ARMExamplesDir() string { return Testdata("arm-examples") }

// MSGraphExamplesDir holds Microsoft's example MS Graph list responses.
func MSGraphExamplesDir() string { return Testdata("msgraph-examples") }
