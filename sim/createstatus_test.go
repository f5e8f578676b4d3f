package sim

import (
	"net/http"
	"slices"
	"testing"

	"github.com/atg-go/atg/engine/armspec"
)

// TestCreateStatusFollowsSpecs: a create answers a status the type's PUT lists in the REST
// specs (201 when listed, 202 for a long-running create that lists it, else 200); the hand
// list for types the specs lack agrees with the specs wherever they know the type.
func TestCreateStatusFollowsSpecs(t *testing.T) {
	for _, c := range []struct {
		typ  string
		lro  bool
		want int
	}{
		{"microsoft.storage/storageaccounts", false, http.StatusOK},
		{"microsoft.storage/storageaccounts", true, http.StatusAccepted},
		{"microsoft.resources/resourcegroups", false, http.StatusCreated},
		{"microsoft.network/virtualnetworks", true, http.StatusCreated},
		{"microsoft.compute/availabilitysets", false, http.StatusOK},
		{"microsoft.authorization/roleassignments", false, http.StatusCreated},
		{"microsoft.nothing/widgets", false, http.StatusCreated},        // unknown: ARM's usual
		{"microsoft.insights/diagnosticsettings", false, http.StatusOK}, // known: 200 only
		{"microsoft.documentdb/databaseaccounts", false, http.StatusOK}, // azurerm rejects a 201
		{"microsoft.documentdb/databaseaccounts/sqldatabases", true, http.StatusAccepted},
	} {
		if got := createStatus(c.typ, c.lro); got != c.want {
			t.Errorf("createStatus(%s, lro %v) = %d, want %d", c.typ, c.lro, got, c.want)
		}
	}
	for _, c := range []struct {
		codes []int
		lro   bool
		want  int
	}{{[]int{200, 201}, false, 201}, {[]int{200, 202}, true, 202}, {[]int{200, 202}, false, 200}, {[]int{202}, false, 202}, {[]int{200}, true, 200}} {
		if got := pickCreateStatus(c.codes, c.lro); got != c.want {
			t.Errorf("pickCreateStatus(%v, lro %v) = %d, want %d", c.codes, c.lro, got, c.want)
		}
	}
	for typ := range createAnswers200 {
		if codes, known := armspec.CreateStatus(typ); known && slices.Contains(codes, http.StatusCreated) {
			t.Errorf("%s: hand-listed as answering 200 but its PUT lists %v", typ, codes)
		}
	}
	for k, info := range builtinTypes() {
		codes, known := armspec.CreateStatus(k)
		if got := createStatus(k, info.LRO); known && !slices.Contains(codes, got) {
			t.Errorf("%s: create answers %d, its PUT lists %v", k, got, codes)
		}
	}
}
