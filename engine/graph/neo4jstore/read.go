package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// ReadResult is the outcome of ReadQuery.
type ReadResult struct {
	Columns   []string `json:"columns"`
	Rows      [][]any  `json:"rows"`
	Truncated bool     `json:"truncated"`
}

// ReadQuery runs ad-hoc Cypher in a read-access session and a read transaction, with a
// server-side timeout, returning at most maxRows rows. Neo4j itself refuses writes in such a
// transaction. Nodes and relationships come back as maps of their properties (plus _labels /
// _type); check reports an error for a value the caller must not see (tenant scoping).
func (s *Store) ReadQuery(ctx context.Context, query string, params map[string]any, timeout time.Duration, maxRows int,
	check func(props map[string]any) error) (ReadResult, error) {
	sess := s.driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: s.db})
	defer sess.Close(context.WithoutCancel(ctx))
	res, err := executeRead(ctx, sess, func(tx neo4j.ManagedTransaction) (any, error) {
		r, err := tx.Run(ctx, query, params)
		if err != nil {
			return nil, err
		}
		keys, err := r.Keys()
		if err != nil {
			return nil, err
		}
		out := ReadResult{Columns: keys, Rows: [][]any{}}
		for r.Next(ctx) {
			if len(out.Rows) >= maxRows {
				out.Truncated = true
				break
			}
			rec := r.Record()
			row := make([]any, len(rec.Values))
			for i, v := range rec.Values {
				cv, err := convertValue(v, check)
				if err != nil {
					return nil, err
				}
				row[i] = cv
			}
			out.Rows = append(out.Rows, row)
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
		_, _ = r.Consume(ctx)
		return out, nil
	}, neo4j.WithTxTimeout(timeout))
	if err != nil {
		var ne *neo4j.Neo4jError
		if errors.As(err, &ne) {
			return ReadResult{}, fmt.Errorf("cypher: %s: %s", ne.Code, ne.Msg)
		}
		return ReadResult{}, fmt.Errorf("cypher: %w", err)
	}
	return res.(ReadResult), nil
}

func convertValue(v any, check func(map[string]any) error) (any, error) {
	props := func(p map[string]any) (map[string]any, error) {
		if check != nil {
			if err := check(p); err != nil {
				return nil, err
			}
		}
		out := make(map[string]any, len(p))
		for k, x := range p {
			out[k] = x
		}
		return out, nil
	}
	switch x := v.(type) {
	case dbtype.Node:
		m, err := props(x.Props)
		if err != nil {
			return nil, err
		}
		m["_labels"] = x.Labels
		return m, nil
	case dbtype.Relationship:
		m, err := props(x.Props)
		if err != nil {
			return nil, err
		}
		m["_type"] = x.Type
		return m, nil
	case dbtype.Path:
		var nodes []any
		for _, n := range x.Nodes {
			c, err := convertValue(n, check)
			if err != nil {
				return nil, err
			}
			nodes = append(nodes, c)
		}
		var rels []any
		for _, r := range x.Relationships {
			c, err := convertValue(r, check)
			if err != nil {
				return nil, err
			}
			rels = append(rels, c)
		}
		return map[string]any{"nodes": nodes, "relationships": rels}, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			c, err := convertValue(e, check)
			if err != nil {
				return nil, err
			}
			out[i] = c
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			c, err := convertValue(e, check)
			if err != nil {
				return nil, err
			}
			out[k] = c
		}
		return out, nil
	case time.Time:
		return x.Format(time.RFC3339Nano), nil
	}
	return v, nil
}
