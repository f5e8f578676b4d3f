package serve

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestSlowClientsDropped: 200 clients that open a connection and trickle a request never
// finish it are disconnected at the read-header timeout; none holds its connection past it.
func TestSlowClientsDropped(t *testing.T) {
	old := ReadHeaderTimeout
	ReadHeaderTimeout = 300 * time.Millisecond
	defer func() { ReadHeaderTimeout = old }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}), slog.New(slog.DiscardHandler))
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	const n = 200
	conns := make([]net.Conn, 0, n)
	for i := 0; i < n; i++ {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, _ = c.Write([]byte("GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")) // never finished
		conns = append(conns, c)
	}
	deadline := time.Now().Add(5 * time.Second)
	for i, c := range conns {
		_ = c.SetReadDeadline(deadline)
		if _, err := io.ReadAll(c); err != nil { // the server closes: EOF (nil), never the deadline
			t.Fatalf("connection %d still open after %s: %v", i, 5*time.Second, err)
		}
	}
}
