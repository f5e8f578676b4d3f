package iac_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// Plan-clean: the simulated tenant is scanned, generated as Terraform with imports.tf, and
// planned by the real OpenTofu with azurerm 5.2.0 and azapi 1.15.0 pointed at the simulator
// (HTTPS, managed identity, the simulator as data-plane proxy). Every resource is imported and
// read back through the providers' own calls; the plan must change nothing but the attributes set
// from secret inputs (the source's secrets are never copied) and properties the generator drops by
// design (skipped.json). ATG_PLAN_RESOURCES sizes the
// tenant (default 2,000 resources in one subscription: generate-iac targets one subscription; IAC_PLAN_REPORT=FILE keeps the report).
func TestTofuPlanCleanSimulatedTenant(t *testing.T) {
	tools := toolsDir(t)
	testenv.Integration(t)
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("ATG_PLAN_RESOURCES")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, srv := simtest.Start(t, sim.Options{Resources: n, Subscriptions: 1, Seed: 7, Throttle: "off", Logger: quiet, TLS: true})
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "graph.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CertPEM)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	tenant := srv.TenantIDs[0]
	clients, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint},
		TenantID: tenant, Logger: quiet, Transport: hc, Throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond, Throttled: 50 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	eng := &scan.Engine{Store: st, Azure: clients, Logger: quiet, Concurrency: 16}
	res, err := eng.Run(ctx, scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 || res.Resources < n {
		t.Fatalf("scan: %d resources, failures %+v", res.Resources, res.Failures[:min(3, len(res.Failures))])
	}
	dir := t.TempDir()
	if d := os.Getenv("IAC_SIM_OUT"); d != "" {
		dir = d
	}
	out, err := iac.GenerateToDir(ctx, st, tenant, iac.FormatTerraform, dir, model.Filter{}, translate.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Build(ctx, st, tenant, model.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	imports, err := os.ReadFile(filepath.Join(dir, "imports.tf"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := len(regexp.MustCompile(`(?m)^import \{`).FindAll(imports, -1))
	rep, err := iactest.RunPlan(ctx, iactest.PlanOptions{Tools: tools, Dir: dir, Parallelism: 8,
		Target: iactest.PlanTarget{Endpoint: srv.ARMEndpoint, CertPEM: srv.CertPEM, TenantID: tenant},
		Vars:   iactest.PlanVars(ctx, st, tenant, m)})
	if err != nil {
		t.Fatal(err)
	}
	if f := os.Getenv("IAC_PLAN_REPORT"); f != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		_ = os.WriteFile(f, b, 0o644)
	}
	t.Logf("scanned %d resources; emitted %d (typed %d, azapi %d), %d import blocks; plan in %.0fs: %d resources, %d imported, %d no-op, %d changed %v; diffs by reason %v",
		res.Resources, out.Summary.Emitted, out.Summary.Typed, out.Summary.Generic, blocks, rep.Seconds, rep.Resources, rep.Imports, rep.NoOp, rep.Changed, rep.Actions, rep.ByReason())
	for _, e := range rep.Errors {
		t.Errorf("tofu plan: %s", e)
	}
	if rep.Imports != blocks {
		t.Errorf("the plan imports %d resources, imports.tf has %d blocks", rep.Imports, blocks)
	}
	if rep.Resources < out.Summary.Emitted {
		t.Errorf("the plan has %d resources, fewer than the %d emitted", rep.Resources, out.Summary.Emitted)
	}
	for _, d := range rep.Diffs {
		if d.Reason != iactest.ReasonSecretInput && !strings.HasPrefix(d.Reason, iactest.ReasonDroppedPrefix) {
			t.Errorf("plan would %s %s: %v (%s)", d.Action, d.Address, d.Attributes, d.Reason)
		}
	}
}
