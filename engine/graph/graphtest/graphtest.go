// Package graphtest is the conformance suite every graph.Store passes.
//
// Stores may be shared between subtests (Neo4j): every subtest uses its own random tenant ids
// and deletes them at cleanup, and asserts only on those tenants.
package graphtest

import (
	"context"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// Run runs the suite; open returns an initialised store (closed by the caller's cleanup).
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s graph.Store)
	}{
		{"IdempotentUpserts", testIdempotent},
		{"PropsRoundTrip", testPropsRoundTrip},
		{"EdgeEndpointsMissing", testEdgesMissing},
		{"Queries", testQueries},
		{"StreamingPagesAndStop", testStreaming},
		{"StatsShape", testStats},
		{"DeleteStaleScoped", testDeleteStale},
		{"DeleteStaleSharedAndTenantOwned", testDeleteStaleOwners},
		{"NodeHeads", testNodeHeads},
		{"DeleteNodesByID", testDeleteNodes},
		{"DeleteEdgesByKey", testDeleteEdges},
		{"DeleteTenant", testDeleteTenant},
		{"Tenants", testTenants},
		{"MultiTenantIsolation", testIsolation},
		{"CaseInsensitiveIDs", testCaseInsensitive},
		{"ConcurrentUpserts", testConcurrent},
		{"InvalidInput", testInvalid},
		{"ExportImportRoundTrip", testExportImport},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			if err := s.Init(context.Background()); err != nil { // Init is repeatable
				t.Fatalf("second Init: %v", err)
			}
			tc.fn(t, s)
		})
	}
}
