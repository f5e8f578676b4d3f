// Package simapply runs the applied round trip end to end on the simulator: a generated source
// tenant and an empty target tenant (sim Tenants: 2), a scan of the source, generate-iac
// Terraform translated to the target's subscription (--target-*), `tofu apply` with the real
// OpenTofu, azurerm and azapi against the simulator (tokens for the target tenant), a scan of
// the target and engine/fidelity source vs target. The IaC test and make iac-coverage share it.
package simapply

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/atg-go/atg/engine/fidelity"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/iactest/simplan"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/sim"
)

// Options size the run.
type Options struct {
	Tools       string // scripts/iac-tools.sh --print
	Resources   int    // simulated source resources (one subscription)
	Seed        int64
	Dir         string // where the Terraform is generated and applied (kept)
	Parallelism int    // tofu -parallelism (default 8)
}

// Result is what the run measured.
type Result struct {
	SourceResources int                 `json:"source_resources"`
	TargetResources int                 `json:"target_resources"`
	Emitted         int                 `json:"emitted"`
	Typed           int                 `json:"typed"`
	Azapi           int                 `json:"azapi"`
	Skipped         int                 `json:"skipped"`
	ApplySeconds    float64             `json:"apply_seconds"`
	Apply           *iactest.PlanReport `json:"apply"`
	Fidelity        fidelity.Report     `json:"fidelity"`
}

// Run generates, scans, emits translated code, applies it into the target tenant, re-scans and
// compares.
func Run(ctx context.Context, o Options) (*Result, error) {
	if o.Seed == 0 {
		o.Seed = 7
	}
	if o.Parallelism == 0 {
		o.Parallelism = 8
	}
	s, srv, stop, err := simplan.StartSim(sim.Options{Resources: o.Resources, Subscriptions: 1, Tenants: 2, Seed: o.Seed}, "ATG_SIMAPPLY_LOG")
	if err != nil {
		return nil, err
	}
	defer stop()
	src, dst := srv.TenantIDs[0], srv.TenantIDs[1]
	subs := s.SubscriptionIDs(dst)
	if len(subs) == 0 {
		return nil, fmt.Errorf("the target tenant %s has no subscription", dst)
	}
	sc, err := simplan.NewScanner(ctx, srv, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	defer sc.Close()
	st := sc.Store
	scanTenant := func(tenant string) (int, error) {
		res, err := sc.Scan(ctx, tenant)
		return res.Resources, err
	}
	out := &Result{}
	if out.SourceResources, err = scanTenant(src); err != nil {
		return nil, err
	}
	tr := translate.Options{TargetTenantID: dst, TargetSubscription: subs[0], UniqueNames: true}
	gen, err := iac.GenerateToDir(ctx, st, src, iac.FormatTerraform, o.Dir, model.Filter{}, tr, false)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	out.Emitted, out.Typed, out.Azapi, out.Skipped = gen.Summary.Emitted, gen.Summary.Typed, gen.Summary.Generic, gen.Summary.Skipped
	m, err := model.Build(ctx, st, src, model.Filter{})
	if err != nil {
		return nil, err
	}
	vars := iactest.PlanVars(ctx, st, src, m)
	vars["subscription_id"] = subs[0]
	out.Apply, err = iactest.RunPlan(ctx, iactest.PlanOptions{Tools: o.Tools, Dir: o.Dir, Parallelism: o.Parallelism, Apply: true,
		Target: iactest.PlanTarget{Endpoint: srv.ARMEndpoint, CertPEM: srv.CertPEM, TenantID: dst}, Vars: vars})
	if err != nil {
		return out, fmt.Errorf("apply: %w", err)
	}
	out.ApplySeconds = out.Apply.Seconds
	if out.TargetResources, err = scanTenant(dst); err != nil {
		return out, err
	}
	// Globally unique names were suffixed by the translation; fidelity matches them without a map.
	out.Fidelity, err = fidelity.Compare(ctx, st, fidelity.Options{SourceTenantID: src, TargetTenantID: dst})
	return out, err
}
