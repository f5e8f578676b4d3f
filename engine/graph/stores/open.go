// Package stores opens the configured graph store: the embedded file store for a path,
// Neo4j for a bolt:// or neo4j:// URI.
package stores

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/neo4jstore"
)

// Options selects and configures a store.
type Options struct {
	Graph    string // file path or bolt://, neo4j:// URI
	User     string
	Password string
	Logger   *slog.Logger
}

// IsNeo4j reports whether graph names a Neo4j server rather than a file.
func IsNeo4j(g string) bool {
	g = strings.ToLower(strings.TrimSpace(g))
	for _, p := range []string{"bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://"} {
		if strings.HasPrefix(g, p) {
			return true
		}
	}
	return false
}

// Open opens and initialises the store named by opts.Graph.
func Open(ctx context.Context, opts Options) (graph.Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	g := strings.TrimSpace(opts.Graph)
	if g == "" {
		return nil, errors.New("graph store: no graph configured (--graph, ATG_GRAPH)")
	}
	var s graph.Store
	if IsNeo4j(g) {
		n, err := neo4jstore.Open(ctx, neo4jstore.Options{URI: g, User: opts.User, Password: opts.Password, Logger: opts.Logger})
		if err != nil {
			return nil, err
		}
		s = n
	} else {
		if strings.Contains(g, "://") {
			return nil, fmt.Errorf("graph store %q: unsupported scheme (use a file path, bolt:// or neo4j://)", g)
		}
		b, err := boltstore.Open(g, boltstore.Options{Logger: opts.Logger})
		if err != nil {
			return nil, err
		}
		s = b
	}
	if err := s.Init(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}
