// Package stores opens the configured graph store: the embedded file store for a path,
// Neo4j for a bolt:// or neo4j:// URI.
package stores

import (
	"context"
	"errors"
	"log/slog"

	"github.com/atg-go/atg/engine/graph"
)

// Options selects and configures a store.
type Options struct {
	Graph    string // file path or bolt://, neo4j:// URI
	User     string
	Password string
	Logger   *slog.Logger
}

// Open opens and initialises the store named by opts.Graph.
func Open(ctx context.Context, opts Options) (graph.Store, error) {
	return nil, errors.New("graph stores: not implemented yet")
}
