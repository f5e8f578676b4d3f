package serve

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
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

// TestMalformedRequestsInAPIShape: what net/http refuses before any handler comes back as
// the API's JSON error document.
func TestMalformedRequestsInAPIShape(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }), slog.New(slog.DiscardHandler))
	go func() { _ = srv.Serve(shapedListener{ln}) }()
	defer srv.Close()
	for name, raw := range map[string]string{
		"bad request line": "GARBAGE\r\n\r\n",
		"bad header":       "GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
		"no host":          "GET / HTTP/1.1\r\n\r\n",
		"huge header":      "GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("a", 100<<10) + "\r\n\r\n",
	} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write([]byte(raw))
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := io.ReadAll(resp.Body)
		c.Close()
		var doc struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if resp.StatusCode < 400 || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" || json.Unmarshal(b, &doc) != nil || doc.Error.Code == "" || doc.Error.Message == "" {
			t.Errorf("%s: %d %v %q", name, resp.StatusCode, resp.Header, b)
		}
	}
	// a normal request is untouched
	resp, err := http.Get("http://" + ln.Addr().String() + "/")
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("normal request: %v %v", resp, err)
	}
	resp.Body.Close()
}
