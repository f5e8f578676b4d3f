package iac

import (
	"context"
	"fmt"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/errs"
)

// DirResult is what GenerateToDir produced (the `atg generate-iac -o json` output).
type DirResult struct {
	Directory string  `json:"directory"`
	Summary   Summary `json:"summary"`
}

// GenerateToDir builds the model from the graph, translates it when tr is active, and writes the
// files into dir: the one engine call that `atg generate-iac`, `atg demo` and the service share.
func GenerateToDir(ctx context.Context, st graph.Store, tenantID string, f Format, dir string, filter model.Filter,
	tr translate.Options, imports bool) (DirResult, error) {
	m, err := model.Build(ctx, st, tenantID, filter)
	if err != nil {
		return DirResult{}, err
	}
	if len(m.Resources) == 0 {
		return DirResult{}, errs.Errorf(errs.NotFound, "tenant %s: nothing to generate (no resources in the graph for this selection)", tenantID)
	}
	opts := Options{TerraformImports: imports && !tr.Active()}
	rewrites := 0
	if tr.Active() {
		rep, err := translate.Apply(m, tr)
		if err != nil {
			return DirResult{}, err
		}
		b, err := MarshalJSONFile(rep)
		if err != nil {
			return DirResult{}, fmt.Errorf("encode translation.json: %w", err)
		}
		opts.Translation = b
		rewrites = len(rep.Rewrites)
	}
	files, sum, err := Generate(ctx, m, f, opts)
	if err != nil {
		return DirResult{}, err
	}
	sum.Rewrites = rewrites
	if err := files.Write(dir); err != nil {
		return DirResult{}, err
	}
	return DirResult{Directory: dir, Summary: sum}, nil
}
