package handler

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue"

	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/internal/atgbin"
)

// Helpers for tests that run the built `atg handler` the way the Functions host does, with
// dependencies that come and go (loopback TCP proxies opened late).

// tcpProxy forwards connections on a loopback port to target.
type tcpProxy struct {
	ln     net.Listener
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
	held   chan struct{} // non-nil while paused: new connections wait for it to close
}

// Pause cuts every forwarded connection and holds new ones (accepted, never answered) until
// Resume: a dependency that hangs.
func (p *tcpProxy) Pause() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held == nil {
		p.held = make(chan struct{})
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// Resume forwards again, held connections included.
func (p *tcpProxy) Resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held != nil {
		close(p.held)
		p.held = nil
	}
}

// startProxy listens on addr (a port reserved earlier with freePort) and forwards to target.
func startProxy(t *testing.T, addr, target string) *tcpProxy {
	t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port was free a moment ago; a lingering socket may need a moment
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("proxy on %s: %v", addr, err)
	}
	p := &tcpProxy{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.pipe(c, target)
		}
	}()
	t.Cleanup(p.Close)
	return p
}

func (p *tcpProxy) pipe(c net.Conn, target string) {
	p.mu.Lock()
	held := p.held
	if held != nil {
		p.conns = append(p.conns, c) // closed by Close; kept open, unanswered, until Resume
	}
	p.mu.Unlock()
	if held != nil {
		<-held
	}
	u, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		c.Close()
		u.Close()
		return
	}
	p.conns = append(p.conns, c, u)
	p.mu.Unlock()
	go func() { _, _ = io.Copy(u, c); u.Close() }()
	_, _ = io.Copy(c, u)
	c.Close()
}

func (p *tcpProxy) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	if p.held != nil {
		close(p.held)
		p.held = nil
	}
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
}

var endpointRE = regexp.MustCompile(`(Blob|Queue|Table)Endpoint=http://([^/;]+)`)

// divertStorage rewrites conn's endpoints to fresh loopback ports (closed for now) and
// returns the new connection string and, per new address, the real one to proxy to.
func divertStorage(t *testing.T, conn string) (string, map[string]string) {
	t.Helper()
	routes := map[string]string{}
	out := endpointRE.ReplaceAllStringFunc(conn, func(m string) string {
		sub := endpointRE.FindStringSubmatch(m)
		addr := freePort(t)
		routes[addr] = sub[2]
		return sub[1] + "Endpoint=http://" + addr
	})
	if len(routes) != 3 {
		t.Skipf("storage connection string without explicit http endpoints: %d diverted", len(routes))
	}
	return out, routes
}

// handlerProc is a running `atg handler`.
type handlerProc struct {
	cmd            *exec.Cmd
	base           string
	stdout, stderr *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startHandler starts `atg handler` with env added to the service env's settings.
func startHandler(t *testing.T, e *serviceEnv, env ...string) *handlerProc {
	t.Helper()
	bin := atgbin.Build(t)
	dir := t.TempDir()
	addr := freePort(t)
	port := addr[strings.LastIndex(addr, ":")+1:]
	cmd := exec.Command(bin, "handler")
	cmd.Env = append(os.Environ(), "FUNCTIONS_CUSTOMHANDLER_PORT="+port, "AzureWebJobsStorage="+e.conn, "ATG_STORAGE_PREFIX="+e.prefix,
		"ATG_API_KEYS="+e.entry, "ATG_ENVIRONMENT=dev", "ATG_ARM_ENDPOINT="+e.srv.ARMEndpoint, "ATG_MSGRAPH_ENDPOINT="+e.srv.MSGraphEndpoint,
		"ATG_GRAPH="+filepath.Join(dir, "graph.db"), "ATG_CONFIG="+filepath.Join(dir, "none.yaml"), "ATG_LOG_LEVEL=debug")
	cmd.Env = append(cmd.Env, env...)
	p := &handlerProc{cmd: cmd, base: "http://" + addr, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_, _ = cmd.Process.Wait()
		if t.Failed() {
			t.Logf("atg handler stdout:\n%s\nstderr:\n%s", p.stdout, p.stderr)
		}
	})
	return p
}

// hostPlayer plays the host's queue trigger against a handler: dequeue, base64-decode, POST
// /<function> with the host's payload; delete on 200, make visible again otherwise.
type hostPlayer struct {
	t       *testing.T
	base    string
	queues  map[string]*azqueue.QueueClient
	fixture map[string]any
	client  *http.Client
	// retryAfter is how long a failed message stays invisible (host.json visibilityTimeout).
	retryAfter time.Duration

	mu      sync.Mutex
	results []invocationResult
}

type invocationResult struct {
	Function string
	Message  jobs.Message
	Dequeue  int
	Status   int
	Logs     []string
}

func newHostPlayer(t *testing.T, base, conn, prefix string) *hostPlayer {
	t.Helper()
	svc, err := azqueue.NewServiceClientFromConnectionString(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := jobs.Names{Prefix: prefix}
	return &hostPlayer{t: t, base: base, fixture: readHostFixture(t, "host-jobs-worker.json"), client: &http.Client{Timeout: 5 * time.Minute},
		queues: map[string]*azqueue.QueueClient{FunctionJobsWorker: svc.NewQueueClient(names.JobsQueue()), FunctionShardsWorker: svc.NewQueueClient(names.ShardsQueue())}}
}

// invoke posts one host invocation and records the answer.
func (h *hostPlayer) invoke(fn string, body []byte, m jobs.Message, dc int, header ...string) invocationResult {
	req, _ := http.NewRequest("POST", h.base+"/"+fn, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	r := invocationResult{Function: fn, Message: m, Dequeue: dc}
	resp, err := h.client.Do(req)
	if err != nil {
		h.t.Errorf("invoke %s: %v", fn, err)
		return r
	}
	var out worker.InvocationResponse
	derr := json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	r.Status, r.Logs = resp.StatusCode, out.Logs
	if derr != nil || out.Outputs == nil {
		h.t.Errorf("%s answered %d without the response contract (%v)", fn, resp.StatusCode, derr)
	}
	h.mu.Lock()
	h.results = append(h.results, r)
	h.mu.Unlock()
	return r
}

// round dequeues what is visible on both queues and invokes the handler for each message
// concurrently; it reports whether there was nothing to do.
func (h *hostPlayer) round(ctx context.Context) bool {
	idle := true
	var wg sync.WaitGroup
	for fn, qc := range h.queues {
		n, vt := int32(4), int32(60)
		resp, err := qc.DequeueMessages(ctx, &azqueue.DequeueMessagesOptions{NumberOfMessages: &n, VisibilityTimeout: &vt})
		if err != nil {
			h.t.Errorf("dequeue: %v", err)
			return true
		}
		for _, m := range resp.Messages {
			idle = false
			wg.Add(1)
			go func() {
				defer wg.Done()
				text, err := base64.StdEncoding.DecodeString(*m.MessageText)
				if err != nil {
					h.t.Errorf("queue text is not base64: %q", *m.MessageText)
					return
				}
				msg, _ := jobs.ParseMessage(text)
				body, _ := json.Marshal(hostQueueInvocation(h.fixture, text, m, fn))
				r := h.invoke(fn, body, msg, int(*m.DequeueCount))
				if r.Status == http.StatusOK {
					_, _ = qc.DeleteMessage(ctx, *m.MessageID, *m.PopReceipt, nil)
					return
				}
				vis := int32(h.retryAfter / time.Second) // failed: visible again after retryAfter
				_, _ = qc.UpdateMessage(ctx, *m.MessageID, *m.PopReceipt, *m.MessageText, &azqueue.UpdateMessageOptions{VisibilityTimeout: &vis})
			}()
		}
	}
	wg.Wait()
	return idle
}

// runUntil plays rounds until done() or the timeout.
func (h *hostPlayer) runUntil(ctx context.Context, timeout time.Duration, done func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(timeout)
	for !done() {
		if time.Now().After(deadline) {
			h.t.Fatalf("host loop: not done after %s; invocations %+v", timeout, h.snapshot())
		}
		if h.t.Failed() {
			h.t.FailNow()
		}
		if h.round(ctx) {
			time.Sleep(50 * time.Millisecond)
		}
	}
}

func (h *hostPlayer) snapshot() []invocationResult {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]invocationResult(nil), h.results...)
}

// waitReady polls GET / like the host until it is answered (at most a minute).
func (p *handlerProc) waitReady(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; {
		resp, err := http.Get(p.base + "/")
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("atg handler did not answer GET / within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
