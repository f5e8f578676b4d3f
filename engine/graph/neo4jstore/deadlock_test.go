package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// TestExecuteWriteRetriesDeadlockAtOnce makes two transactions deadlock for real (each locks
// its node, then waits for the other's) and checks that both commit, that exactly one ran
// again, and that it ran again after milliseconds — not after the driver's fixed one-second
// back-off.
func TestExecuteWriteRetriesDeadlockAtOnce(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	tag := fmt.Sprintf("deadlock-%d", time.Now().UnixNano())
	if _, err := s.writeCount(ctx, "CREATE (:DeadlockTest {tag: $tag, k: 'a'}), (:DeadlockTest {tag: $tag, k: 'b'})", map[string]any{"tag": tag}, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = s.writeCount(context.Background(), "MATCH (n:DeadlockTest {tag: $tag}) DELETE n", map[string]any{"tag": tag}, "")
	})
	set := func(tx neo4j.ManagedTransaction, k, by string) error {
		res, err := tx.Run(ctx, "MATCH (n:DeadlockTest {tag: $tag, k: $k}) SET n.by = $by", map[string]any{"tag": tag, "k": k, "by": by})
		if err == nil {
			_, err = res.Consume(ctx)
		}
		return err
	}
	var (
		locked    sync.WaitGroup // both hold their first node
		attempts  atomic.Int64
		mu        sync.Mutex
		failedAt  time.Time // when a first attempt returned its deadlock
		retriedAt time.Time // when a second attempt started
	)
	locked.Add(2)
	r0 := deadlockRetries.Load()
	run := func(first, second string) error {
		sess := s.session(ctx, neo4j.AccessModeWrite)
		defer sess.Close(ctx)
		try := 0
		_, err := executeWrite(ctx, sess, func(tx neo4j.ManagedTransaction) (any, error) {
			attempts.Add(1)
			try++
			if try > 1 {
				mu.Lock()
				retriedAt = time.Now()
				mu.Unlock()
				return nil, cmp.Or(set(tx, first, first), set(tx, second, first))
			}
			if err := set(tx, first, first); err != nil {
				locked.Done()
				return nil, err
			}
			locked.Done()
			locked.Wait()
			err := set(tx, second, first) // one of the two waits forever: Neo4j picks a loser
			if err != nil {
				mu.Lock()
				failedAt = time.Now()
				mu.Unlock()
			}
			return nil, err
		})
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, p := range [][2]string{{"a", "b"}, {"b", "a"}} {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = run(p[0], p[1]) }()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("a transaction failed: %v", err)
		}
	}
	if n := attempts.Load(); n != 3 {
		t.Fatalf("%d attempts, want 3 (one deadlock retried once)", n)
	}
	if d := deadlockRetries.Load() - r0; d != 1 {
		t.Errorf("deadlockRetries grew by %d, want 1", d)
	}
	if failedAt.IsZero() || retriedAt.IsZero() {
		t.Fatalf("no deadlock seen (failed %v, retried %v)", failedAt, retriedAt)
	}
	// The driver would wait 1 s before its first retry; executeWrite waits 2.5–7.5 ms.
	if gap := retriedAt.Sub(failedAt); gap >= 500*time.Millisecond {
		t.Errorf("retried %v after the deadlock, want well under the driver's 1 s back-off", gap)
	}
}
