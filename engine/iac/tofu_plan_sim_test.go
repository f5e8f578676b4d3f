package iac_test

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/iactest/simplan"
	"github.com/atg-go/atg/internal/testenv"
)

// Plan-clean: the simulated tenant is scanned, generated as Terraform with imports.tf, and
// planned by the real OpenTofu with azurerm 5.2.0 and azapi 1.15.0 pointed at the simulator
// (HTTPS, managed identity, the simulator as data-plane proxy). Every resource is imported and
// read back through the providers' own calls; the plan may change nothing but attributes set
// from secret inputs (the source's secrets are never copied) and properties the generator drops by
// design (skipped.json). ATG_PLAN_RESOURCES sizes the tenant (default 2,000 resources in one
// subscription: generate-iac targets one); IAC_PLAN_REPORT=FILE keeps the report.
func TestTofuPlanCleanSimulatedTenant(t *testing.T) {
	tools := toolsDir(t)
	testenv.Integration(t)
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("ATG_PLAN_RESOURCES")); err == nil && v > 0 {
		n = v
	}
	dir := t.TempDir()
	if d := os.Getenv("IAC_SIM_OUT"); d != "" {
		dir = d
	}
	res, err := simplan.Run(context.Background(), simplan.Options{Tools: tools, Resources: n, Dir: dir, Parallelism: 8})
	if err != nil {
		t.Fatal(err)
	}
	rep := res.Plan
	if f := os.Getenv("IAC_PLAN_REPORT"); f != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		_ = os.WriteFile(f, b, 0o644)
	}
	t.Logf("scanned %d resources; emitted %d (typed %d, azapi %d), %d import blocks; plan in %.0fs: %d resources, %d imported, %d no-op, %d changed %v; diffs by reason %v",
		res.Scanned, res.Emitted, res.Typed, res.Azapi, res.ImportBlocks, rep.Seconds, rep.Resources, rep.Imports, rep.NoOp, rep.Changed, rep.Actions, rep.ByReason())
	if res.Scanned < n {
		t.Errorf("scanned %d resources, want >= %d", res.Scanned, n)
	}
	for _, e := range rep.Errors {
		t.Errorf("tofu plan: %s", e)
	}
	if rep.Imports != res.ImportBlocks {
		t.Errorf("the plan imports %d resources, imports.tf has %d blocks", rep.Imports, res.ImportBlocks)
	}
	if rep.Resources < res.Emitted {
		t.Errorf("the plan has %d resources, fewer than the %d emitted", rep.Resources, res.Emitted)
	}
	for _, d := range rep.Diffs {
		if d.Reason != iactest.ReasonSecretInput && d.Reason != iactest.ReasonSingletonUpdate && !strings.HasPrefix(d.Reason, iactest.ReasonDroppedPrefix) {
			t.Errorf("plan would %s %s: %v (%s)", d.Action, d.Address, d.Attributes, d.Reason)
		}
	}
}
