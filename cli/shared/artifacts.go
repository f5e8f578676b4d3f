// Package shared holds what several command packages use (cli/cli's shared/ convention): the
// scan runner, its progress bar and summary, and the demo's artifacts. Command packages import
// cli/shared, cli/cmdutil and cli/remote, never each other (internal/archtest).
package shared

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/engine/spec"
)

// WriteSpec writes the tenant spec (Markdown + JSON block) to path: the generate-spec engine call,
// for atg demo and the service.
func WriteSpec(ctx context.Context, st graph.Store, tenantID, path string, opts spec.Options) error {
	s, err := spec.Build(ctx, st, tenantID, opts)
	if err != nil {
		return err
	}
	md, err := s.Markdown()
	if err != nil {
		return err
	}
	return WriteFile(path, md)
}

// DemoArtifacts writes the spec (<dir>/spec.md) and the Terraform (<dir>/terraform) of a tenant
// and returns "label: path" pairs for the demo's file list, e.g. in cli/demo DefaultSteps:
//
//	{Name: "spec and terraform", Run: func(ctx context.Context, env StepEnv) error {
//		files, err := shared.DemoArtifacts(ctx, env.Store, env.TenantID, env.Dir)
//		for _, f := range files { env.AddFile(f[0], f[1]) }
//		return err
//	}},
func DemoArtifacts(ctx context.Context, st graph.Store, tenantID, dir string) ([][2]string, error) {
	specPath := filepath.Join(dir, "spec.md")
	if err := WriteSpec(ctx, st, tenantID, specPath, spec.Options{}); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	tfDir := filepath.Join(dir, "terraform")
	res, err := iac.GenerateToDir(ctx, st, tenantID, iac.FormatTerraform, tfDir, model.Filter{}, translate.Options{}, false)
	if err != nil {
		return [][2]string{{"spec", specPath}}, fmt.Errorf("terraform: %w", err)
	}
	return [][2]string{
		{"spec", specPath},
		{"terraform", fmt.Sprintf("%s (%d resources: %d azurerm, %d azapi; %d skipped, see skipped.json)",
			tfDir, res.Summary.Emitted, res.Summary.Typed, res.Summary.Generic, res.Summary.Skipped)},
	}, nil
}

// WriteFile writes b to path, creating its directory.
func WriteFile(path string, b []byte) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
