package handler

import (
	"context"
	"io"
	"net"
	"net/http/httptest"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atg-go/atg/sim"
)

// pausableProxy forwards TCP to target until paused; paused, it accepts connections and
// never answers (a storage account that stopped responding).
type pausableProxy struct {
	ln     net.Listener
	target string
	paused atomic.Bool
	mu     sync.Mutex
	conns  []net.Conn
}

func newPausableProxy(t *testing.T, target string) *pausableProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pausableProxy{ln: ln, target: target}
	t.Cleanup(func() {
		p.paused.Store(false) // lets blocked relays finish
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			p.conns = append(p.conns, c)
			p.mu.Unlock()
			go p.serve(c)
		}
	}()
	return p
}

func (p *pausableProxy) serve(c net.Conn) {
	if p.paused.Load() {
		_, _ = io.Copy(io.Discard, c) // swallow, never answer
		return
	}
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, up)
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c) }()
	_, _ = io.Copy(c, &pauseReader{r: up, p: p})
}

// pauseReader stops relaying answers once the proxy is paused.
type pauseReader struct {
	r io.Reader
	p *pausableProxy
}

func (r *pauseReader) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	for r.p.paused.Load() {
		time.Sleep(50 * time.Millisecond)
	}
	return n, err
}

// TestStoragePausedAnswers503: with Azurite behind proxies that stop answering, GET /jobs is a
// 503 with Retry-After within 10 s (the Azure SDK's retries run under the request deadline).
func TestStoragePausedAnswers503(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 5, Subscriptions: 1, Seed: 1, Throttle: "off"})
	var proxies []*pausableProxy
	conn := regexp.MustCompile(`http://127\.0\.0\.1:(\d+)`).ReplaceAllStringFunc(e.conn, func(u string) string {
		p := newPausableProxy(t, u[len("http://"):])
		proxies = append(proxies, p)
		return "http://" + p.ln.Addr().String()
	})
	if len(proxies) != 3 {
		t.Skipf("connection string without three loopback endpoints")
	}
	cfg := e.config()
	cfg.Storage = conn
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	app, err := NewApp(ctx, AppOptions{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(app.API)
	defer api.Close()
	c := client{base: api.URL, key: e.key}
	if code, _, b := c.do(t, "GET", "/api/v1/jobs", ""); code != 200 {
		t.Fatalf("before the pause: %d %s", code, b)
	}
	for _, p := range proxies {
		p.paused.Store(true)
	}
	start := time.Now()
	code, h, b := c.do(t, "GET", "/api/v1/jobs", "")
	el := time.Since(start)
	if code != 503 || h.Get("Retry-After") == "" || el > 10*time.Second {
		t.Fatalf("storage paused: %d Retry-After %q after %s: %s", code, h.Get("Retry-After"), el, b)
	}
	t.Logf("503 after %s", el.Round(time.Millisecond))
}
