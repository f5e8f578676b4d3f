package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/errs"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// A Neo4j that is not there is unavailable (retry later), not an internal error: the service
// redelivers the job and the CLI exits 5, with no ping to guess it afterwards.
func TestOpenClosedPortIsUnavailable(t *testing.T) {
	_, err := Open(context.Background(), Options{URI: "bolt://" + closedPort(t), User: "neo4j", Password: "x",
		ConnectTimeout: 2 * time.Second})
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if got := errs.CodeOf(fmt.Errorf("opening graph: %w", err)); got != errs.Unavailable {
		t.Fatalf("code %s, want unavailable (err %v)", got, err)
	}
}

func TestUnavailableClassifies(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	cases := []struct {
		name string
		err  error
		want errs.Code
	}{
		{"nil", nil, ""},
		{"connectivity", &neo4j.ConnectivityError{Inner: refused}, errs.Unavailable},
		{"refused", fmt.Errorf("neo4j: %w", refused), errs.Unavailable},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), errs.Unavailable},
		{"retries exhausted", &neo4j.TransactionExecutionLimit{Cause: "timeout"}, errs.Unavailable},
		{"syntax error stays internal", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "bad"}, errs.Internal},
		{"usage error stays internal", &neo4j.UsageError{Message: "session closed"}, errs.Internal},
		{"coded keeps its code", fmt.Errorf("x: %w", graph.ErrNotFound), errs.NotFound},
		{"plain stays internal", errors.New("boom"), errs.Internal},
	}
	for _, c := range cases {
		if got := errs.CodeOf(unavailable(c.err)); got != c.want {
			t.Errorf("%s: code %s, want %s", c.name, got, c.want)
		}
	}
}
