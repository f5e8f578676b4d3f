package neo4jstore

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSourceShares: every row lands in one share, no start node is in two shares, the shares
// are about equal, and each is sorted by (statement, from, to).
func TestSourceShares(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var rows []stmtRow
	for i := range 3000 {
		from := fmt.Sprintf("n%04d", rng.IntN(800))
		if i%10 == 0 {
			from = "hub" // a start node with many edges
		}
		rows = append(rows, stmtRow{rng.IntN(3), map[string]any{"from": from, "to": fmt.Sprintf("n%04d", rng.IntN(800))}})
	}
	order := func(a, b stmtRow) int {
		return cmp.Or(cmp.Compare(a.stmt, b.stmt), strings.Compare(a.row["from"].(string), b.row["from"].(string)), strings.Compare(a.row["to"].(string), b.row["to"].(string)))
	}
	slices.SortStableFunc(rows, order)
	key := func(r stmtRow) string { return fmt.Sprint(r.stmt, r.row["from"], "\x00", r.row["to"]) }
	var want []string
	for _, r := range rows {
		want = append(want, key(r))
	}
	slices.Sort(want)
	for _, n := range []int{1, 2, 3, 4} {
		shares := sourceShares(rows, n)
		if len(shares) > n {
			t.Fatalf("n=%d: %d shares", n, len(shares))
		}
		owner := map[string]int{}
		var got []string
		for i, sh := range shares {
			if !slices.IsSortedFunc(sh, order) {
				t.Errorf("n=%d share %d not sorted by (statement, from, to)", n, i)
			}
			if n > 1 && len(sh) > len(rows)/n+len(rows)/10+1 { // the hub's 300 rows may tip one share
				t.Errorf("n=%d share %d holds %d of %d rows", n, i, len(sh), len(rows))
			}
			for _, r := range sh {
				f := r.row["from"].(string)
				if o, ok := owner[f]; ok && o != i {
					t.Fatalf("n=%d: start node %s in shares %d and %d", n, f, o, i)
				}
				owner[f] = i
				got = append(got, key(r))
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("n=%d: the shares do not hold exactly the rows", n)
		}
	}
}
