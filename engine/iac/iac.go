// Package iac generates Infrastructure as Code from the graph: the intermediate model
// (engine/iac/model) rendered by one of the emitters (terraform, bicep, arm), plus the
// skipped.json and translation.json reports. Output is a set of files, the same bytes for the
// same graph.
package iac

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/errs"
)

// Format is an output format.
type Format string

const (
	FormatTerraform Format = "terraform"
	FormatBicep     Format = "bicep"
	FormatARM       Format = "arm"
)

// Formats lists the formats in order.
var Formats = []Format{FormatTerraform, FormatBicep, FormatARM}

// ParseFormat validates a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", errs.Errorf(errs.Invalid, "unknown format %q (want terraform, bicep or arm)", s)
}

// Files maps relative paths to contents.
type Files map[string][]byte

// Names returns the file names in order.
func (f Files) Names() []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Write writes the files under dir (created if needed).
func (f Files) Write(dir string) error {
	for _, n := range f.Names() {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", filepath.Dir(p), err)
		}
		if err := os.WriteFile(p, f[n], 0o644); err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
	}
	return nil
}

// Summary counts what a generation produced.
type Summary struct {
	Format    Format `json:"format"`
	Emitted   int    `json:"emitted"`
	Typed     int    `json:"typed,omitempty"`   // Terraform: azurerm_* resources
	Generic   int    `json:"generic,omitempty"` // Terraform: azapi_resource fallbacks
	Skipped   int    `json:"skipped"`
	Dropped   int    `json:"dropped_properties"`
	Variables int    `json:"variables"`
	Secrets   int    `json:"secret_variables"`
	// SecretsFound counts the places a source secret was replaced or removed (secrets.json).
	SecretsFound int            `json:"secrets_found"`
	Rewrites     int            `json:"translation_rewrites,omitempty"`
	Files        []string       `json:"files"`
	ByType       map[string]int `json:"emitted_by_type,omitempty"`
}

// SkippedReport is the content of skipped.json.
type SkippedReport struct {
	Skipped []model.Skipped `json:"skipped"`
	// DroppedProperties lists properties removed as secrets (paths only, never values).
	DroppedProperties []model.Dropped `json:"dropped_properties"`
}

// SecretsReport is the content of secrets.json: every place in the source where a secret was
// found and replaced by an input variable (or removed), by resource id, JSON path and detector
// rule. Never a value.
type SecretsReport struct {
	Secrets []model.SecretFinding `json:"secrets"`
}

func secretsFile(m *model.Model) ([]byte, error) {
	r := SecretsReport{Secrets: m.Secrets}
	if r.Secrets == nil {
		r.Secrets = []model.SecretFinding{}
	}
	return MarshalJSONFile(r)
}

// MarshalJSONFile encodes v as indented JSON with a trailing newline, without HTML escaping.
func MarshalJSONFile(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// skippedFile renders skipped.json.
func skippedFile(m *model.Model, f Format) ([]byte, error) {
	r := SkippedReport{Skipped: m.Skipped, DroppedProperties: m.Dropped}
	if f != FormatTerraform && len(m.ManagementGroups) > 0 {
		r.Skipped = append(append([]model.Skipped(nil), m.Skipped...),
			m.ManagementGroupsSkipped("management group: "+string(f)+" deployments write under subscriptions (Terraform generates the hierarchy)")...)
	}
	if r.Skipped == nil {
		r.Skipped = []model.Skipped{}
	}
	if r.DroppedProperties == nil {
		r.DroppedProperties = []model.Dropped{}
	}
	return MarshalJSONFile(r)
}

func summarize(m *model.Model, f Format, files Files) Summary {
	s := Summary{Format: f, Emitted: len(m.Resources), Skipped: len(m.Skipped), Dropped: len(m.Dropped), SecretsFound: len(m.Secrets),
		Variables: len(m.Variables), Files: files.Names(), ByType: map[string]int{}}
	for _, v := range m.Variables {
		if v.Kind == model.VarSecret {
			s.Secrets++
		}
	}
	for _, r := range m.Resources {
		s.ByType[r.Type]++
	}
	return s
}

// variablesDoc renders the README section about inputs.
func variablesDoc(m *model.Model, how string) string {
	var b strings.Builder
	b.WriteString("## Inputs\n\n")
	b.WriteString(how + "\n\n")
	b.WriteString("| name | kind | sensitive | description |\n|---|---|---|---|\n")
	for _, v := range m.Variables {
		sens := ""
		if v.Sensitive {
			sens = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", v.Name, v.Kind, sens, v.Description)
	}
	b.WriteString("\nSecrets are never copied from the source: set every `secret` input yourself " +
		"(environment, a secret store or a pipeline variable), never in a committed file.\n")
	return b.String()
}

func skippedDoc(m *model.Model) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n## Not generated\n\n%d resources were left out and %d secret properties removed; ", len(m.Skipped), len(m.Dropped))
	b.WriteString("`skipped.json` lists each with its reason.\n")
	fmt.Fprintf(&b, "\n## Secrets\n\n%d places in the source held a secret (found by value — connection strings, SAS, tokens, keys — "+
		"or by name); each was replaced by a sensitive input or removed, and `secrets.json` lists them by resource id, "+
		"JSON path and detector rule. No source secret is in these files.\n", len(m.Secrets))
	return b.String()
}
