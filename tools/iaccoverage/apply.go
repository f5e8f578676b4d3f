package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"

	"github.com/atg-go/atg/engine/iac/iactest/simapply"
)

// ApplyRoundTrip summarises simapply.Run for the report.
type ApplyRoundTrip struct {
	*simapply.Result
	ApplyErrors  int            `json:"apply_errors"`
	MissesByType map[string]int `json:"misses_by_type"`
	CountGoal    float64        `json:"count_fidelity_goal"`
	PropertyGoal float64        `json:"property_fidelity_goal"`
}

// applyRoundTrip runs simapply (generate, translate, tofu apply into an empty tenant, re-scan,
// fidelity) and records its figures.
func applyRoundTrip(ctx context.Context, tools, keep string, n int, rep *Report) error {
	if _, err := os.Stat(filepath.Join(tools, "bin", "terraform-provider-azurerm")); err != nil {
		slog.Warn("azurerm provider not built: applied round trip skipped", "dir", tools)
		return nil
	}
	dir, done, err := workDir(keep, "apply")
	if err != nil {
		return err
	}
	defer done()
	res, err := simapply.Run(ctx, simapply.Options{Tools: tools, Resources: n, Dir: dir, Parallelism: 32})
	if res == nil {
		return fmt.Errorf("applied round trip: %w", err)
	}
	if err != nil {
		slog.Warn("applied round trip incomplete", "err", err)
	}
	a := &ApplyRoundTrip{Result: res, MissesByType: map[string]int{}, CountGoal: 0.98, PropertyGoal: 0.95}
	if res.Apply != nil {
		a.ApplyErrors = len(res.Apply.Errors)
	}
	for _, m := range res.Fidelity.Misses {
		a.MissesByType[m.Type]++
	}
	rep.Apply = a
	return nil
}

func printApply(a *ApplyRoundTrip) {
	if a == nil {
		return
	}
	f := a.Fidelity
	fmt.Printf("\napplied round trip on a simulated tenant: %d source resources, %d emitted (%d typed, %d azapi), applied in %.0fs (%d errors), %d in the target\n",
		a.SourceResources, a.Emitted, a.Typed, a.Azapi, a.ApplySeconds, a.ApplyErrors, a.TargetResources)
	fmt.Printf("  count fidelity %.3f (goal %.2f), property fidelity %.3f (goal %.2f): %d of %d properties equal\n",
		f.CountFidelity, a.CountGoal, f.PropertyFidelity, a.PropertyGoal, f.PropertiesEqual, f.PropertiesTotal)
	types := make([]string, 0, len(a.MissesByType))
	for t := range a.MissesByType {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Printf("  misses %-60s %d\n", t, a.MissesByType[t])
	}
}
