package posture

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/atg-go/atg/engine/graph"
)

// IaCLocation is where a resource is declared in generated Terraform.
type IaCLocation struct {
	File    string `json:"file"` // relative to the IaC directory, slash-separated
	Line    int    `json:"line"`
	Address string `json:"address"` // e.g. azurerm_key_vault.kv_app
}

// IaCIndex maps ARM ids (node keys) to the Terraform blocks that declare them.
type IaCIndex struct {
	byID   map[string]IaCLocation
	byName map[string][]IaCLocation // lower-cased `name` attribute -> blocks
}

// LoadIaC reads the .tf files of a directory written by `atg generate-iac --format terraform`:
// import blocks give each resource's ARM id and address; a resource without one is matched by
// its `name` attribute when exactly one block has it.
func LoadIaC(dir string) (*IaCIndex, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, fmt.Errorf("posture: iac: %w", err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("posture: iac: no .tf files in %s", dir)
	}
	sort.Strings(files)
	x := &IaCIndex{byID: map[string]IaCLocation{}, byName: map[string][]IaCLocation{}}
	blocks := map[string]IaCLocation{} // address -> location
	imports := map[string]string{}     // lower id -> address
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("posture: iac: %w", err)
		}
		file, diags := hclsyntax.ParseConfig(src, filepath.Base(f), hcl.InitialPos)
		if diags.HasErrors() {
			return nil, fmt.Errorf("posture: iac: %s: %s", f, diags.Error())
		}
		body, ok := file.Body.(*hclsyntax.Body)
		if !ok {
			continue
		}
		rel := filepath.ToSlash(filepath.Base(f))
		for _, b := range body.Blocks {
			switch {
			case b.Type == "resource" && len(b.Labels) == 2:
				loc := IaCLocation{File: rel, Line: b.DefRange().Start.Line, Address: b.Labels[0] + "." + b.Labels[1]}
				blocks[loc.Address] = loc
				if a, ok := b.Body.Attributes["name"]; ok {
					if v, d := a.Expr.Value(nil); !d.HasErrors() && v.Type().FriendlyName() == "string" && v.IsKnown() && !v.IsNull() {
						k := strings.ToLower(v.AsString())
						x.byName[k] = append(x.byName[k], loc)
					}
				}
			case b.Type == "import":
				to, id := b.Body.Attributes["to"], b.Body.Attributes["id"]
				if to == nil || id == nil {
					continue
				}
				v, d := id.Expr.Value(nil)
				if d.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type().FriendlyName() != "string" {
					continue
				}
				addr := strings.TrimSpace(string(to.Expr.Range().SliceBytes(src)))
				raw := v.AsString()
				if i := strings.Index(raw, "?api-version="); i >= 0 {
					raw = raw[:i]
				}
				imports[graph.NormalizeID(raw)] = addr
			}
		}
	}
	for id, addr := range imports {
		if loc, ok := blocks[addr]; ok {
			x.byID[id] = loc
		}
	}
	return x, nil
}

// Locate returns where the resource with this ARM id is declared.
func (x *IaCIndex) Locate(id string) (IaCLocation, bool) {
	if x == nil {
		return IaCLocation{}, false
	}
	key := graph.NormalizeID(id)
	if loc, ok := x.byID[key]; ok {
		return loc, true
	}
	name := key[strings.LastIndex(key, "/")+1:]
	if locs := x.byName[name]; len(locs) == 1 {
		return locs[0], true
	}
	return IaCLocation{}, false
}

// MapIaC sets each finding's Terraform location from the index.
func (r *Report) MapIaC(x *IaCIndex) int {
	n := 0
	for i := range r.Findings {
		if loc, ok := x.Locate(r.Findings[i].ResourceID); ok {
			l := loc
			r.Findings[i].Location = &l
			n++
		}
	}
	return n
}
