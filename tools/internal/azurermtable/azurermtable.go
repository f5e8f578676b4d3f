// Package azurermtable writes the generated per-type tables of engine/iac/terraform that the
// azurerm tools regenerate (tools/azurermschema: azurerm_schema.txt, tools/azurermconstraints:
// azurerm_constraints.txt): "# " comment lines, then the rows of every azurerm type the
// Terraform mapping table emits, in type order.
package azurermtable

import (
	"bytes"
	"fmt"
	"os"
	"sort"

	"github.com/atg-go/atg/engine/iac/terraform"
)

// Counts is what Write wrote.
type Counts struct {
	Emitted int // azurerm types the mapping table emits
	Types   int // of those, the types with rows
	Rows    int
}

// Write writes the table to out: each header line as a "# " comment, then for every type the
// mapping table emits, sorted, the rows (lines) rows returns for it.
func Write(out string, header []string, rows func(typ string) []string) (Counts, error) {
	want := terraform.EmittedTypes()
	types := make([]string, 0, len(want))
	for t := range want {
		types = append(types, t)
	}
	sort.Strings(types)
	var buf bytes.Buffer
	for _, h := range header {
		fmt.Fprintf(&buf, "# %s\n", h)
	}
	c := Counts{Emitted: len(types)}
	for _, t := range types {
		r := rows(t)
		if len(r) == 0 {
			continue
		}
		c.Types++
		c.Rows += len(r)
		for _, line := range r {
			fmt.Fprintln(&buf, line)
		}
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return c, err
	}
	return c, nil
}
