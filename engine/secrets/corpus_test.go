package secrets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/engine/secrets"
	"github.com/atg-go/atg/engine/spec"
	"github.com/atg-go/atg/engine/visualize"
	"github.com/atg-go/atg/internal/repotest"
	"github.com/atg-go/atg/internal/testenv"
)

const corpusTenant = "15151515-1515-4515-8515-151515151515"

type planted = iactest.Planted

// corpusStore loads the corpus envelopes into a graph as the scan does (discover.NodeFromARM).
func corpusStore(t *testing.T) (*iactest.MemStore, []planted) {
	t.Helper()
	nodes, p, err := iactest.LoadSecretsCorpus(corpusTenant)
	if err != nil {
		t.Fatal(err)
	}
	st := iactest.NewMemStore()
	if err := st.UpsertNodes(context.Background(), corpusTenant, "scan-1", nodes); err != nil {
		t.Fatal(err)
	}
	forms := map[string]bool{}
	for _, x := range p {
		forms[x.Form] = true
		if len(x.Secret) < 8 {
			t.Fatalf("planted secret at %s %s is too short to search for", x.ID, x.Path)
		}
	}
	if len(forms) < 15 {
		t.Fatalf("corpus plants %d distinct forms, want at least 15", len(forms))
	}
	// the graph keeps what ARM returned: every planted value is there
	var all bytes.Buffer
	if _, err := graph.Export(context.Background(), st, corpusTenant, graph.FormatJSON, &all); err != nil {
		t.Fatal(err)
	}
	for _, x := range p {
		if !strings.Contains(all.String(), jsonText(x.Secret)) {
			t.Fatalf("planted secret of %s %s is not in the complete export: the corpus is broken", x.ID, x.Path)
		}
	}
	return st, p
}

// jsonText is s as it appears inside a JSON string.
func jsonText(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

// outputs maps an output's name to its bytes.
type outputs map[string][]byte

func (o outputs) noSecrets(t *testing.T, p []planted) {
	t.Helper()
	for name, b := range o {
		text := string(b)
		for _, x := range p {
			for _, form := range []string{x.Secret, jsonText(x.Secret)} {
				if strings.Contains(text, form) {
					t.Errorf("%s carries the secret planted at %s %s (%s)", name, x.ID, x.Path, x.Form)
					break
				}
			}
		}
	}
}

// TestCorpusSecretsNeverLeave: the planted secrets reach no output — spec (Markdown + JSON),
// Terraform, Bicep, ARM, the explorer, redacted graph exports, debug logs — and every planted
// location is listed in secrets.json. The Terraform with its new inputs passes tofu validate
// when the real tools are built.
func TestCorpusSecretsNeverLeave(t *testing.T) {
	ctx := context.Background()
	st, p := corpusStore(t)
	out := outputs{}

	var logs bytes.Buffer
	log := slog.New(secrets.NewHandler(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))

	sp, err := spec.Build(ctx, st, corpusTenant, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out["spec.md"], err = sp.Markdown(); err != nil {
		t.Fatal(err)
	}
	if out["spec.json"], err = sp.JSON(); err != nil {
		t.Fatal(err)
	}
	if _, err := spec.Parse(out["spec.md"]); err != nil {
		t.Fatalf("the redacted spec does not parse back: %v", err)
	}

	var tfDir string
	for _, f := range iac.Formats {
		dir := t.TempDir()
		res, err := iac.GenerateToDir(ctx, st, corpusTenant, f, dir, model.Filter{}, translate.Options{}, false)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		log.Debug("generated", "format", f, "summary", res.Summary)
		for _, name := range res.Summary.Files {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			out[string(f)+"/"+name] = b
		}
		checkSecretsJSON(t, string(f), out[string(f)+"/secrets.json"], p)
		if f == iac.FormatTerraform {
			tfDir = dir
			checkTerraformInputs(t, out, p)
		}
	}

	data, err := visualize.Build(ctx, st, corpusTenant, visualize.Filter{}, visualize.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := visualize.Render(&html, data, visualize.Options{Title: "corpus"}); err != nil {
		t.Fatal(err)
	}
	out["explorer.html"] = html.Bytes()

	redact := graph.ExportOptions{Redact: func(m map[string]any) map[string]any { r, _ := secrets.RedactMap(m); return r }}
	for _, f := range graph.ExportFormats {
		var b bytes.Buffer
		if _, err := graph.ExportWith(ctx, st, corpusTenant, f, &b, redact); err != nil {
			t.Fatalf("export %s: %v", f, err)
		}
		if !strings.Contains(b.String(), "redacted") {
			t.Errorf("redacted %s export does not say so", f)
		}
		out["export."+f] = b.Bytes()
	}

	// debug logging of whole nodes and of error text goes through the detector
	_ = st.Nodes(ctx, corpusTenant, graph.NodeQuery{}, func(n graph.Node) error {
		log.Debug("node", "id", n.ID, "props", n.Props, "tags", n.Props[graph.PropTags])
		if b, err := json.Marshal(n.Props); err == nil {
			log.Debug("raw " + string(b))
		}
		return nil
	})
	out["debug.log"] = logs.Bytes()

	out.noSecrets(t, p)

	// markers are where the secrets were
	for _, name := range []string{"spec.md", "export.json", "export.graphml"} {
		if !strings.Contains(string(out[name]), "redacted") {
			t.Errorf("%s shows no redaction marker", name)
		}
	}

	if tfDir != "" {
		tofuValidate(t, tfDir)
	}
}

// checkSecretsJSON: every planted location is listed (resource id + path), with a rule, and no
// value.
func checkSecretsJSON(t *testing.T, format string, b []byte, p []planted) {
	t.Helper()
	var rep iac.SecretsReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("%s/secrets.json: %v", format, err)
	}
	listed := map[string]string{}
	for _, s := range rep.Secrets {
		if s.Rule == "" {
			t.Errorf("%s/secrets.json: %s %s has no rule", format, s.ID, s.Path)
		}
		listed[strings.ToLower(s.ID)+" "+s.Path] = s.Rule
	}
	for _, x := range p {
		if _, ok := listed[strings.ToLower(x.ID)+" "+x.Path]; !ok {
			t.Errorf("%s/secrets.json does not list %s %s (%s)", format, x.ID, x.Path, x.Form)
		}
	}
	if format == string(iac.FormatTerraform) {
		t.Logf("secrets.json lists %d locations for %d planted secrets", len(rep.Secrets), len(p))
	}
}

// checkTerraformInputs: each replaced secret is a sensitive variable without a default.
func checkTerraformInputs(t *testing.T, out outputs, p []planted) {
	t.Helper()
	vars := string(out["terraform/variables.tf"])
	var rep iac.SecretsReport
	_ = json.Unmarshal(out["terraform/secrets.json"], &rep)
	n := 0
	for _, s := range rep.Secrets {
		if s.Variable == "" {
			continue
		}
		n++
		i := strings.Index(vars, `variable "`+s.Variable+`"`)
		if i < 0 {
			t.Errorf("variables.tf lacks %s (for %s %s)", s.Variable, s.ID, s.Path)
			continue
		}
		block := vars[i:]
		if j := strings.Index(block, "\n}"); j > 0 {
			block = block[:j]
		}
		if !strings.Contains(block, "sensitive") || strings.Contains(block, "default") {
			t.Errorf("variable %s is not a sensitive input without default:\n%s", s.Variable, block)
		}
	}
	if n == 0 {
		t.Error("no planted secret became a Terraform input variable")
	}
}

// tofuValidate runs scripts/iac-validate.sh when the real tools are built (skips otherwise,
// fails under CI).
func tofuValidate(t *testing.T, dir string) {
	t.Helper()
	root := repotest.Root()
	tools, err := exec.Command(filepath.Join(root, "scripts", "iac-tools.sh"), "--print").Output()
	for _, f := range []string{"bin/tofu", "tofurc", "bin/terraform-provider-azurerm", "bin/terraform-provider-azapi"} {
		if err == nil {
			_, err = os.Stat(filepath.Join(strings.TrimSpace(string(tools)), f))
		}
	}
	if err != nil {
		if testenv.InCI() {
			t.Fatalf("real Terraform tools not built: %v", err)
		}
		t.Log("tofu validate skipped: real Terraform tools not built (make iac-tools)")
		return
	}
	cmd := exec.Command(filepath.Join(root, "scripts", "iac-validate.sh"), dir)
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("tofu validate of the corpus Terraform failed: %v\n%s", err, b)
		return
	}
	t.Logf("tofu validate: %s", strings.SplitN(string(b), "\n", 2)[0])
}

// TestCorpusSpecRoundTrip: the spec of the corpus parses back with every secret still an input
// variable (tags included), so create-tenant --spec generates them too.
func TestCorpusSpecRoundTrip(t *testing.T) {
	st, _ := corpusStore(t)
	sp, err := spec.Build(context.Background(), st, corpusTenant, spec.Options{})
	if err != nil {
		t.Fatal(err)
	}
	md, err := sp.Markdown()
	if err != nil {
		t.Fatal(err)
	}
	back, err := spec.Parse(md)
	if err != nil {
		t.Fatal(err)
	}
	vars := 0
	for _, r := range back.Model.Resources {
		for k, v := range r.Tags {
			if _, isString := v.(string); isString {
				continue
			}
			if _, ok := v.(model.Var); !ok {
				t.Errorf("%s tag %s decodes as %T, want a string or model.Var", r.Key, k, v)
			}
			vars++
		}
	}
	if vars == 0 {
		t.Error("no secret tag came back as a variable")
	}
	if len(back.Model.Secrets) != len(sp.Model.Secrets) {
		t.Errorf("spec round trip: %d secret locations, want %d", len(back.Model.Secrets), len(sp.Model.Secrets))
	}
}
