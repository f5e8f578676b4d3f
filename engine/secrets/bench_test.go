package secrets_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/atg-go/atg/engine/secrets"
	"github.com/atg-go/atg/internal/repotest"
)

// BenchmarkScanExamples: the detector over the 72 Microsoft example payloads (≈1,800 strings).
func BenchmarkScanExamples(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(repotest.ARMExamplesDir(), "*.json"))
	var docs []any
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			b.Fatal(err)
		}
		docs = append(docs, v)
	}
	secrets.CheckValue("warm up the rule set")
	b.ResetTimer()
	for range b.N {
		for _, d := range docs {
			secrets.Scan(d, "")
		}
	}
}
