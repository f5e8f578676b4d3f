package cmdutil

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Table prints rows the way stdout wants them: on a terminal, aligned columns under a header;
// into a pipe, one tab-separated line per row and no header (`atg jobs list | cut -f1`).
// Whether stdout is a terminal is IOStreams.StdoutTTY, never stderr's.
type Table struct {
	w      io.Writer
	tty    bool
	header []string
	rows   [][]string
}

// NewTable starts a table for ios.Out with the given column headers.
func NewTable(ios *IOStreams, header ...string) *Table {
	return &Table{w: ios.Out, tty: ios.StdoutTTY, header: header}
}

// Row adds one row; values are formatted with %v.
func (t *Table) Row(values ...any) {
	r := make([]string, len(values))
	for i, v := range values {
		r[i] = strings.NewReplacer("\t", " ", "\n", " ").Replace(fmt.Sprint(v))
	}
	t.rows = append(t.rows, r)
}

// Render writes the table.
func (t *Table) Render() error {
	if !t.tty {
		for _, r := range t.rows {
			if _, err := fmt.Fprintln(t.w, strings.Join(r, "\t")); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(t.w, 0, 4, 2, ' ', 0)
	if len(t.header) > 0 {
		fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	}
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}
