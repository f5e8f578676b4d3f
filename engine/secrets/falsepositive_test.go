package secrets_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/secrets"
	"github.com/atg-go/atg/internal/repotest"
)

// TestFalsePositivesARMExamples runs the detector over Microsoft's example payloads (real ARM
// envelopes: GUIDs, ETags, resource ids, hashes, base64 of non-secret content, Microsoft's own
// placeholder credentials). It reports the false-positive rate — flagged strings / all string
// values — and fails above 1%.
func TestFalsePositivesARMExamples(t *testing.T) {
	dir := repotest.ARMExamplesDir()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var total, flagged, truePos, envelopes int
	for _, f := range files {
		if filepath.Base(f) == "manifest.json" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		envelopes++
		total += countStrings(v)
		for _, fd := range secrets.Scan(v, "") {
			at := filepath.Base(f) + " " + fd.Path
			if why, ok := realSecrets[at]; ok {
				truePos++
				t.Logf("true positive: %s (%s): %s", at, fd.Rule, why)
				continue
			}
			flagged++
			t.Logf("false positive: %s (%s)", at, fd.Rule)
		}
	}
	if envelopes < 72 {
		t.Fatalf("%d example payloads, want the 72 of testdata/arm-examples", envelopes)
	}
	rate := float64(flagged) / float64(total)
	t.Logf("false-positive rate on %d Microsoft example payloads: %d of %d string values = %.3f%% (plus %d real secret-shaped values flagged)",
		envelopes, flagged, total, 100*rate, truePos)
	if rate > 0.01 {
		t.Errorf("false-positive rate %.2f%% is above 1%%", 100*rate)
	}
}

// realSecrets are values in Microsoft's examples that have the exact shape of a secret: flagging
// them is right (file + JSON path -> why).
var realSecrets = map[string]string{
	"Microsoft.Network__firewallPolicies.json properties.explicitProxy.pacFile": "a storage account SAS URL (sv=…&sig=…)",
}

func countStrings(v any) int {
	switch t := v.(type) {
	case string:
		if strings.TrimSpace(t) == "" {
			return 0
		}
		return 1
	case map[string]any:
		n := 0
		for _, x := range t {
			n += countStrings(x)
		}
		return n
	case []any:
		n := 0
		for _, x := range t {
			n += countStrings(x)
		}
		return n
	}
	return 0
}
