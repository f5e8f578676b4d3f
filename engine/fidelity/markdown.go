package fidelity

import (
	"fmt"
	"sort"
	"strings"
)

// Markdown renders the report for people.
func (r Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Fidelity: %s → %s\n\n", r.SourceTenantID, r.TargetTenantID)
	fmt.Fprintf(&b, "| measure | value |\n|---|---|\n")
	fmt.Fprintf(&b, "| source resources | %d |\n| target resources | %d |\n| matched | %d |\n", r.SourceResources, r.TargetResources, r.Matched)
	fmt.Fprintf(&b, "| count fidelity | %.2f%% |\n| property fidelity | %.2f%% (%d of %d properties equal) |\n\n",
		100*r.CountFidelity, 100*r.PropertyFidelity, r.PropertiesEqual, r.PropertiesTotal)
	types := make([]string, 0, len(r.ByType))
	for t := range r.ByType {
		types = append(types, t)
	}
	sort.Strings(types)
	b.WriteString("## By type\n\n| type | source | target | matched | count | properties |\n|---|---:|---:|---:|---:|---:|\n")
	for _, t := range types {
		s := r.ByType[t]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.1f%% | %.1f%% |\n", t, s.Source, s.Target, s.Matched, 100*s.CountFidelity, 100*s.PropertyFidelity)
	}
	fmt.Fprintf(&b, "\n## Misses (%d)\n\n", len(r.Misses))
	if len(r.Misses) == 0 {
		b.WriteString("None.\n")
	}
	for _, m := range r.Misses {
		fmt.Fprintf(&b, "- `%s` (%s): %s\n", m.ID, m.Type, m.Reason)
	}
	return b.String()
}
