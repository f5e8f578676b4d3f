package handler

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/secrets"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/sim"
)

// TestServeSecretsCorpus: the service generates IaC from a graph holding the secrets corpus
// (testdata/secrets-corpus) with a debug-level logger (wrapped as the CLI wraps it): no planted
// secret is in any job result, artifact or log line, and each artifact's secrets.json lists every
// planted location.
func TestServeSecretsCorpus(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 5, Subscriptions: 1, Seed: 3, Throttle: "fast"})
	const tenant = "15151515-1515-4515-8515-151515151515"
	key, entry, err := auth.NewKey("dev", "alice", auth.RoleUser, tenant) // scoped to the corpus tenant
	if err != nil {
		t.Fatal(err)
	}
	e.key, e.entry = key, entry.String()
	nodes, planted, err := iactest.LoadSecretsCorpus(tenant)
	if err != nil {
		t.Fatal(err)
	}
	st := openStore(t, filepath.Join(t.TempDir(), "graph.db"))
	defer st.Close(context.Background())
	if err := st.UpsertNodes(context.Background(), tenant, "scan-1", nodes); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{} // the workers log concurrently
	log := slog.New(secrets.NewHandler(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	app, err := NewApp(ctx, AppOptions{Config: e.config(), Graph: st, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	c := e.runService(t, ctx, app, app.API, 2, 10*time.Second, 0)

	var seen bytes.Buffer
	for _, format := range []string{"terraform", "bicep", "arm"} {
		id, rb := c.runJob(t, "generate-iac "+format, "/api/v1/generate-iac", `{"tenant_id":"`+tenant+`","format":"`+format+`"}`, 90*time.Second)
		seen.Write(rb)
		var ir executors.IaCResult
		if err := json.Unmarshal(rb, &ir); err != nil {
			t.Fatalf("result: %s", rb)
		}
		var secretsJSON []byte
		for _, f := range c.artifactZip(t, id, ir.Artifact).File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			fb, _ := io.ReadAll(rc)
			rc.Close()
			seen.Write(fb)
			if filepath.Base(f.Name) == "secrets.json" {
				secretsJSON = fb
			}
		}
		listed := string(secretsJSON)
		for _, x := range planted {
			if !strings.Contains(listed, `"path": "`+x.Path+`"`) || !strings.Contains(listed, x.ID) {
				t.Errorf("%s artifact: secrets.json does not list %s %s", format, x.ID, x.Path)
			}
		}
	}
	logged := logs.String()
	seen.WriteString(logged)
	t.Logf("checked 3 job results and artifacts and %d bytes of debug log", len(logged))
	for _, x := range planted {
		b, _ := json.Marshal(x.Secret)
		if strings.Contains(seen.String(), x.Secret) || strings.Contains(seen.String(), strings.Trim(string(b), `"`)) {
			t.Errorf("a job result, artifact or log line carries the secret planted at %s %s (%s)", x.ID, x.Path, x.Form)
		}
	}
}
