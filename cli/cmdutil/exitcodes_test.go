package cmdutil

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/internal/repotest"
)

// Every error code exits by exactly one row, and no exit code has two rows.
func TestExitCodesTable(t *testing.T) {
	rowOf := map[errs.Code]int{}
	exits := map[int]bool{}
	for _, row := range ExitCodes {
		if exits[row.Exit] {
			t.Errorf("exit %d has two rows", row.Exit)
		}
		exits[row.Exit] = true
		for _, c := range row.Codes {
			if prev, dup := rowOf[c]; dup {
				t.Errorf("code %s in the rows of exit %d and %d", c, prev, row.Exit)
			}
			rowOf[c] = row.Exit
		}
	}
	for _, c := range errs.Codes {
		if _, ok := rowOf[c]; !ok {
			t.Errorf("code %s has no exit code", c)
		}
	}
}

// README.md's "Exit codes" table shows the rows of ExitCodes, in order.
func TestExitCodesMatchREADME(t *testing.T) {
	b, err := os.ReadFile(repotest.Root() + "/README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "### Exit codes\n")
	if !ok {
		t.Fatal(`README.md has no "### Exit codes" section`)
	}
	var rows []ExitCode
	inTable := false
	for line := range strings.Lines(section) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if inTable {
				break
			}
			continue
		}
		inTable = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != 3 {
			t.Fatalf("README exit-code row %q: want 3 cells", line)
		}
		exit, err := strconv.Atoi(cells[0])
		if err != nil {
			continue // header and separator
		}
		row := ExitCode{Exit: exit, Meaning: cells[1]}
		for c := range strings.SplitSeq(cells[2], ",") {
			if c = strings.Trim(strings.TrimSpace(c), "`"); c != "" {
				row.Codes = append(row.Codes, errs.Code(c))
			}
		}
		rows = append(rows, row)
	}
	if got, want := fmt.Sprint(rows), fmt.Sprint(ExitCodes); got != want {
		t.Errorf("README.md exit codes differ from cmdutil.ExitCodes:\nREADME: %s\ncode:   %s", got, want)
	}
}

func TestExitCodeFor(t *testing.T) {
	wrap := func(code errs.Code) error {
		return fmt.Errorf("command: %w", fmt.Errorf("engine: %w", errs.Errorf(code, "x")))
	}
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"uncoded", errors.New("boom"), ExitFailure},
		{"usage", Usagef("bad flag"), ExitUsage},
		{"explicit", &ExitError{Code: 143}, 143},
		{"interrupt", fmt.Errorf("scan: %w", context.Canceled), ExitInterrupted},
		{"timeout", context.DeadlineExceeded, ExitUnavailable},
	}
	for _, row := range ExitCodes {
		for _, c := range row.Codes {
			cases = append(cases, struct {
				name string
				err  error
				want int
			}{string(c), wrap(c), row.Exit})
		}
	}
	for _, c := range cases {
		if got := ExitCodeFor(c.err); got != c.want {
			t.Errorf("%s: ExitCodeFor(%v) = %d, want %d", c.name, c.err, got, c.want)
		}
	}
}
