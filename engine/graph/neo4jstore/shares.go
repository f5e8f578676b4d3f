package neo4jstore

import (
	"cmp"
	"slices"
	"strings"
)

// sourceShares splits edge rows (sorted by statement, then from, then to, as UpsertEdges builds
// them) into at most n shares of about equal size whose start nodes do not overlap, each
// sorted again by (statement, from, to) so one UNWIND per statement still covers it.
//
// Why: merging a relationship locks both endpoint nodes until the transaction commits. Cut
// from the rows sorted by statement first, contiguous shares held the same start nodes under
// different edge types (a node's REFERENCES edges in one share, its USES edges in the other):
// the second transaction waited on the first one's first node, and the two ran one after the
// other. Shares cut at start-node boundaries meet only where an end node of one is a node of
// the other; a deadlock there is retried after milliseconds (executeWrite).
func sourceShares(rows []stmtRow, n int) [][]stmtRow {
	if n <= 1 || len(rows) < 2 {
		return [][]stmtRow{rows}
	}
	from := func(r stmtRow) string { return r.row["from"].(string) }
	byFrom := slices.Clone(rows)
	slices.SortStableFunc(byFrom, func(a, b stmtRow) int { return strings.Compare(from(a), from(b)) })
	size := (len(byFrom) + n - 1) / n
	var out [][]stmtRow
	for i := 0; i < len(byFrom); {
		end := min(i+size, len(byFrom))
		for end < len(byFrom) && from(byFrom[end]) == from(byFrom[end-1]) {
			end++ // a start node's rows stay in one share
		}
		part := byFrom[i:end]
		slices.SortStableFunc(part, func(a, b stmtRow) int { return cmp.Compare(a.stmt, b.stmt) })
		out = append(out, part)
		i = end
	}
	return out
}
