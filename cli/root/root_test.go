package root

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
)

func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	for _, k := range []string{"ATG_OUTPUT", "ATG_LOG_LEVEL", "ATG_GRAPH", "ATG_CONFIG", "ATG_REMOTE"} {
		t.Setenv(k, "")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errOut bytes.Buffer
	code := Run(context.Background(), &cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}, args)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"version"}, 0},
		{[]string{"nosuch"}, 2},
		{[]string{"version", "--nosuch"}, 2},
		{[]string{"-o", "xml", "version"}, 2},
		{[]string{"--log-level", "loud", "version"}, 2},
		{[]string{"jobs", "show"}, 2}, // missing argument
	} {
		code, _, errOut := run(t, nil, tc.args...)
		if code != tc.code {
			t.Errorf("atg %v: exit %d, want %d (stderr %q)", tc.args, code, tc.code, errOut)
		}
		if code != 0 && !strings.HasPrefix(errOut, "error: ") {
			t.Errorf("atg %v: want one clear error line, got %q", tc.args, errOut)
		}
	}
}

// flag > environment > config file > default, for the global output setting.
func TestPrecedence(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(cfgFile, []byte("output: json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	isJSON := func(s string) bool { var v map[string]any; return json.Unmarshal([]byte(s), &v) == nil }
	if _, out, _ := run(t, nil, "version"); isJSON(out) {
		t.Fatalf("default should be text: %q", out)
	}
	if _, out, _ := run(t, nil, "--config", cfgFile, "version"); !isJSON(out) {
		t.Fatalf("config file output: json ignored: %q", out)
	}
	if _, out, _ := run(t, map[string]string{"ATG_OUTPUT": "text"}, "--config", cfgFile, "version"); isJSON(out) {
		t.Fatalf("environment must beat the config file: %q", out)
	}
	if _, out, _ := run(t, map[string]string{"ATG_OUTPUT": "text"}, "--config", cfgFile, "-o", "json", "version"); !isJSON(out) {
		t.Fatalf("flag must beat the environment: %q", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("outptu: json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, nil, "--config", bad, "version"); code != 2 || !strings.Contains(errOut, "outptu") {
		t.Fatalf("a typo in the config file must be named: exit %d %q", code, errOut)
	}
}

// Commands whose --output is a path still take -o text|json as the output format.
func TestOutputPathAndFormat(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out.html")
	code, out, errOut := run(t, nil, "visualize", "--tenant-id", "t1", "--output", dir, "-o", "json")
	// The tenant is empty, so the command fails — but on its own terms, not on "-o json".
	if code != 1 || !strings.Contains(errOut, "nothing to draw") || out != "" {
		t.Fatalf("exit %d stdout %q stderr %q", code, out, errOut)
	}
}

func TestCompletion(t *testing.T) {
	code, out, _ := run(t, nil, "completion", "bash")
	if code != 0 || !strings.Contains(out, "__start_atg") {
		t.Fatalf("bash completion: exit %d, %d bytes", code, len(out))
	}
}
