package neo4jstore

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/internal/testenv"
)

// openTest connects to the test Neo4j (skipping, or failing under CI, when it is unreachable).
func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	uri, user, password := testenv.RequireNeo4j(t)
	opts.URI, opts.User, opts.Password = uri, user, password
	s, err := Open(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	if err := s.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	shared := openTest(t, Options{PageSize: 300, DeleteChunk: 3}) // small pages and chunks exercise the loops
	graphtest.Run(t, func(t *testing.T) graph.Store { return shared })
}

func TestBatchedHalvesOnMemoryErrors(t *testing.T) {
	rows := make([]int, 100)
	var sizes []int
	failAbove := 20
	n, err := batched(context.Background(), slog.New(slog.DiscardHandler), rows, 64, func(b []int) (int64, error) {
		sizes = append(sizes, len(b))
		if len(b) > failAbove {
			return 0, shield(&neo4j.Neo4jError{Code: "Neo.TransientError.General.MemoryPoolOutOfMemoryError", Msg: "pool"})
		}
		return int64(len(b)), nil
	})
	if err != nil || n != 100 {
		t.Fatalf("batched: %d, %v", n, err)
	}
	if sizes[0] != 64 || sizes[1] != 32 || sizes[2] != 16 {
		t.Errorf("batch sizes %v, want 64, 32, then 16s", sizes)
	}
	// Other errors stop at once.
	boom := errors.New("boom")
	_, err = batched(context.Background(), slog.New(slog.DiscardHandler), rows, 10, func([]int) (int64, error) { return 0, boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	// A memory error at batch size 1 is returned.
	_, err = batched(context.Background(), slog.New(slog.DiscardHandler), rows, 1, func([]int) (int64, error) {
		return 0, shield(&neo4j.Neo4jError{Code: "Neo.TransientError.General.TransactionOutOfMemoryError"})
	})
	var me *memoryError
	if !errors.As(err, &me) {
		t.Errorf("err = %v, want a memory error", err)
	}
}

func TestIsMemoryError(t *testing.T) {
	for code, want := range map[string]bool{
		"Neo.TransientError.General.MemoryPoolOutOfMemoryError":  true,
		"Neo.TransientError.General.TransactionOutOfMemoryError": true,
		"Neo.TransientError.Transaction.DeadlockDetected":        false,
		"Neo.ClientError.Statement.SyntaxError":                  false,
	} {
		if got := isMemoryError(&neo4j.Neo4jError{Code: code}); got != want {
			t.Errorf("%s: %v, want %v", code, got, want)
		}
	}
	if isMemoryError(errors.New("x")) {
		t.Errorf("plain error is a memory error")
	}
}
