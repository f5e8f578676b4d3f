package replicate

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
)

// TestCorpusSecretsNotCopied deploys the secrets corpus (testdata/secrets-corpus) into the
// simulator: every value that held a secret in the source is generated (or left out), never
// copied — no planted secret reaches the target, its write-only values or the report.
func TestCorpusSecretsNotCopied(t *testing.T) {
	if testing.Short() {
		t.Skip("integration")
	}
	const src = "15151515-1515-4515-8515-151515151515"
	nodes, planted, err := iactest.LoadSecretsCorpus(src)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.BuildFromNodes(src, nodes, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Secrets) < len(planted) {
		t.Fatalf("model found %d secrets, %d planted", len(m.Secrets), len(planted))
	}
	e := newEnv(t, 10, 1)
	p := e.plan(t, func(in *Input) { in.Store, in.SourceTenantID, in.Model = nil, "", m })
	rep, err := e.deploy(t, context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	logFailures(t, rep, 10)
	var seen strings.Builder
	rb, _ := json.Marshal(rep)
	seen.Write(rb)
	seen.WriteString(rep.Markdown())
	c := e.clients(t, e.dst)
	deployed := 0
	for _, it := range p.Items {
		var body map[string]any
		if err := c.GetARM(context.Background(), it.TargetID, it.APIVersion, &body); err != nil {
			continue
		}
		deployed++
		b, _ := json.Marshal(body)
		seen.Write(b)
		w, _ := json.Marshal(e.sim.WriteOnly(it.TargetID))
		seen.Write(w)
	}
	if deployed < len(p.Items)/2 {
		t.Fatalf("only %d of %d corpus resources reached the target", deployed, len(p.Items))
	}
	text := seen.String()
	for _, x := range planted {
		if strings.Contains(text, x.Secret) || strings.Contains(text, strings.Trim(jsonString(x.Secret), `"`)) {
			t.Errorf("the secret planted at %s %s (%s) was copied to the target", x.ID, x.Path, x.Form)
		}
	}
	t.Logf("corpus: %d of %d resources deployed, %d secret locations generated or left out", deployed, len(p.Items), len(m.Secrets))
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
