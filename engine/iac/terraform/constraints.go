package terraform

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2/hclwrite"
)

// azurermConstraintsData holds the azurerm resources' top-level argument constraints
// (RequiredWith, ConflictsWith, ExactlyOneOf, AtLeastOneOf), which the provider's JSON schema
// does not carry (generated from the provider source by go run ./tools/azurermconstraints).
//
//go:embed azurerm_constraints.txt
var azurermConstraintsData string

type constraint struct {
	attr, kind string
	others     []string
}

var azurermConstraints = sync.OnceValue(func() map[string][]constraint {
	out := map[string][]constraint{}
	for _, line := range strings.Split(azurermConstraintsData, "\n") {
		f := strings.Fields(line)
		if len(f) != 4 || strings.HasPrefix(line, "#") {
			continue
		}
		out[f[0]] = append(out[f[0]], constraint{attr: f[1], kind: f[2], others: strings.Split(f[3], ",")})
	}
	return out
})

// constraintViolation checks the arguments and blocks of an emitted typed block against its
// type's constraints and returns the first one broken, or "".
func constraintViolation(tfType string, blk *hclwrite.Block) string {
	cs := azurermConstraints()[tfType]
	if len(cs) == 0 || blk == nil {
		return ""
	}
	present := map[string]bool{}
	for n := range blk.Body().Attributes() {
		present[n] = true
	}
	for _, b := range blk.Body().Blocks() {
		present[b.Type()] = true
	}
	for _, c := range cs {
		switch c.kind {
		case "requiredwith":
			if !present[c.attr] {
				continue
			}
			for _, o := range c.others {
				if !present[o] {
					return tfType + ": " + c.attr + " requires " + o
				}
			}
		case "conflictswith":
			if !present[c.attr] {
				continue
			}
			for _, o := range c.others {
				if present[o] {
					return tfType + ": " + c.attr + " conflicts with " + o
				}
			}
		case "exactlyoneof", "atleastoneof":
			group := dedupe(append([]string{c.attr}, c.others...))
			n := 0
			for _, o := range group {
				if present[o] {
					n++
				}
			}
			if n == 0 || c.kind == "exactlyoneof" && n > 1 {
				return tfType + ": exactly one of " + strings.Join(group, ", ") + " must be set"
			}
		}
	}
	return ""
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// blockOf returns the resource block labelled tfType, key in body, or nil.
func blockOf(body *hclwrite.Body, tfType, key string) *hclwrite.Block {
	for _, b := range body.Blocks() {
		if l := b.Labels(); b.Type() == "resource" && len(l) == 2 && l[0] == tfType && l[1] == key {
			return b
		}
	}
	return nil
}
