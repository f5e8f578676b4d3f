package iac

import (
	"context"
	"fmt"
	"strings"

	"github.com/atg-go/atg/engine/iac/arm"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/errs"
)

// Options tune a generation.
type Options struct {
	// TerraformImports adds imports.tf with import blocks adopting the source resources.
	TerraformImports bool
	// Translation, when set, is written as translation.json.
	Translation []byte
}

// Generate renders the model in the given format.
func Generate(ctx context.Context, m *model.Model, f Format, opts Options) (Files, Summary, error) {
	if err := ctx.Err(); err != nil {
		return nil, Summary{}, err
	}
	files := Files{}
	var typed, generic int
	switch f {
	case FormatARM:
		res, err := arm.Emit(m)
		if err != nil {
			return nil, Summary{}, err
		}
		if probs := arm.Validate(res.Template); len(probs) > 0 {
			var msgs []string
			for i, p := range probs {
				if i == 10 {
					msgs = append(msgs, fmt.Sprintf("… and %d more", len(probs)-10))
					break
				}
				msgs = append(msgs, p.String())
			}
			return nil, Summary{}, fmt.Errorf("generated ARM template fails structural validation: %s", strings.Join(msgs, "; "))
		}
		files[arm.FileName] = res.Template
		files["README.md"] = []byte(armReadme(m))
	case FormatBicep:
		out, err := emitBicep(m)
		if err != nil {
			return nil, Summary{}, err
		}
		for k, v := range out {
			files[k] = v
		}
	case FormatTerraform:
		out, t, g, err := emitTerraform(m, opts)
		if err != nil {
			return nil, Summary{}, err
		}
		typed, generic = t, g
		for k, v := range out {
			files[k] = v
		}
	default:
		return nil, Summary{}, errs.Errorf(errs.Invalid, "unknown format %q", f)
	}
	sk, err := skippedFile(m, f)
	if err != nil {
		return nil, Summary{}, fmt.Errorf("encode skipped.json: %w", err)
	}
	files["skipped.json"] = sk
	sf, err := secretsFile(m)
	if err != nil {
		return nil, Summary{}, fmt.Errorf("encode secrets.json: %w", err)
	}
	files["secrets.json"] = sf
	if opts.Translation != nil {
		files["translation.json"] = opts.Translation
	}
	s := summarize(m, f, files)
	s.Typed, s.Generic = typed, generic
	return files, s, nil
}

func armReadme(m *model.Model) string {
	var b strings.Builder
	b.WriteString("# Generated ARM template\n\n")
	b.WriteString("`azuredeploy.json` is a subscription-scope template: it creates the resource groups and deploys one nested\n" +
		"template per resource group (`Microsoft.Resources/deployments`, inner expression scope). References between\n" +
		"resources are `resourceId()` expressions; ids of resources outside the generated set are parameters.\n\n")
	b.WriteString("```sh\naz deployment sub create --location <region> --template-file azuredeploy.json \\\n  --parameters <name>=<value> …\n```\n\n")
	b.WriteString(variablesDoc(m, "Template parameters (`securestring` for secrets):"))
	b.WriteString(skippedDoc(m))
	b.WriteString("\nChecked by `atg`'s structural validator (types, api-versions, names, every `dependsOn` and `resourceId()` target, parameters declared).\n")
	return b.String()
}
