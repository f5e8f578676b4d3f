package childtree

import (
	_ "embed"
	"fmt"
	"strings"
)

// generatedTSV is the child tree tools/armchildren generates from the Azure REST API
// specifications: one collection a line (parent, path, type, api-version, flags, required query
// parameters), a "# source:" line naming the specification commit.
//
//go:embed generated.tsv
var generatedTSV string

// Generated is every nested collection with a list operation in the Azure REST API
// specifications (resource-group scope), newest stable api-version first; Source is the
// specification commit it was generated from. generatedErr is non-nil when the embedded data
// does not parse (TestGeneratedParses; the walk then has only the hand-kept rows).
var Generated, Source, generatedErr = parseGenerated(generatedTSV)

func parseGenerated(data string) ([]Collection, string, error) {
	var out []Collection
	source := ""
	for i, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		if s, ok := strings.CutPrefix(line, "# source: "); ok {
			source = s
			continue
		}
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 || f[0] == "" || f[1] == "" || f[2] == "" || f[3] == "" {
			return nil, source, fmt.Errorf("generated.tsv line %d: want parent, path, type, api-version, flags, required", i+1)
		}
		c := Collection{Parent: f[0], Path: f[1], Type: f[2], APIVersion: f[3], Required: f[5]}
		for _, flag := range strings.Split(f[4], ",") {
			switch flag {
			case "":
			case "inline":
				c.Inline = true
			case "singleton":
				c.Singleton = true
			default:
				return nil, source, fmt.Errorf("generated.tsv line %d: unknown flag %q", i+1, flag)
			}
		}
		out = append(out, c)
	}
	return out, source, nil
}
