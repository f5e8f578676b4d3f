// Package simplan runs the plan-clean check end to end on a simulated tenant: the simulator
// (HTTPS) generates a tenant, the scan engine reads it into a temporary graph, generate-iac writes
// Terraform with imports.tf, and the real OpenTofu with azurerm and azapi plans it against the
// simulator (iactest.RunPlan). The IaC test and make iac-coverage share it.
package simplan

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/sim"
)

// Options size the run.
type Options struct {
	Tools       string // scripts/iac-tools.sh --print
	Resources   int    // simulated resources (one subscription: generate-iac targets one)
	Seed        int64
	Dir         string // where the Terraform is generated (kept)
	Parallelism int
	// FromDir serves ARM payloads from a directory (testdata/arm-corpus) instead of a generated
	// tenant, re-homed into the one subscription (sim.Options FromDir, FromRehome); the plan then
	// leaves out what a provider cannot read of those payloads (PlanOptions.ExcludeFailing).
	FromDir string
}

// Result is what the run measured.
type Result struct {
	Scanned         int                 `json:"scanned_resources"`
	Emitted         int                 `json:"emitted"`
	Typed           int                 `json:"typed"`
	Azapi           int                 `json:"azapi"`
	Skipped         int                 `json:"skipped"`
	ImportBlocks    int                 `json:"import_blocks"`
	ScanSeconds     float64             `json:"scan_seconds"`
	GenerateSeconds float64             `json:"generate_seconds"`
	Plan            *iactest.PlanReport `json:"plan"`
}

var importRE = regexp.MustCompile(`(?m)^import \{`)

// Run generates, scans, emits and plans.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Seed == 0 {
		o.Seed = 7
	}
	_, srv, stop, err := StartSim(sim.Options{Resources: o.Resources, Subscriptions: 1, Seed: o.Seed,
		FromDir: o.FromDir, FromRehome: o.FromDir != ""}, "ATG_SIMPLAN_LOG")
	if err != nil {
		return nil, err
	}
	defer stop()
	sc, err := NewScanner(ctx, srv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	defer sc.Close()
	st := sc.Store
	tenant := srv.TenantIDs[0]
	start := time.Now()
	res, err := sc.Scan(ctx, tenant)
	if err != nil {
		return nil, err
	}
	out := &Result{Scanned: res.Resources, ScanSeconds: time.Since(start).Seconds()}
	start = time.Now()
	gen, err := iac.GenerateToDir(ctx, st, tenant, iac.FormatTerraform, o.Dir, model.Filter{}, translate.Options{}, true)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	out.GenerateSeconds = time.Since(start).Seconds()
	out.Emitted, out.Typed, out.Azapi, out.Skipped = gen.Summary.Emitted, gen.Summary.Typed, gen.Summary.Generic, gen.Summary.Skipped
	m, err := model.Build(ctx, st, tenant, model.Filter{})
	if err != nil {
		return nil, err
	}
	imports, err := os.ReadFile(filepath.Join(o.Dir, "imports.tf"))
	if err != nil {
		return nil, err
	}
	out.ImportBlocks = len(importRE.FindAll(imports, -1))
	out.Plan, err = iactest.RunPlan(ctx, iactest.PlanOptions{Tools: o.Tools, Dir: o.Dir, Parallelism: o.Parallelism,
		Target: iactest.PlanTarget{Endpoint: srv.ARMEndpoint, CertPEM: srv.CertPEM, TenantID: tenant}, ExcludeFailing: o.FromDir != "",
		Vars: iactest.PlanVars(ctx, st, tenant, m)})
	return out, err
}
