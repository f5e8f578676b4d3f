package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atg-go/atg/cli/cmdutil"
)

func TestServeFlags(t *testing.T) {
	f := &cmdutil.Factory{IO: &cmdutil.IOStreams{Out: io.Discard, ErrOut: io.Discard}}
	var got *ServeOptions
	cmd := NewCmdServe(f, func(o *ServeOptions) error { got = o; return nil })
	cmd.SetArgs(strings.Fields("--addr 127.0.0.1:0 --resources 10 --subscriptions 3 --seed 9 --tenants 2 --throttle fast --latency 40ms --latency-jitter 20ms --faults 0.05 --truth t.json --tls"))
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	o := got.Sim
	if got.Addr != "127.0.0.1:0" || o.Resources != 10 || o.Subscriptions != 3 || o.Seed != 9 || o.Tenants != 2 || o.Throttle != "fast" ||
		o.Latency != 40*time.Millisecond || o.LatencyJitter != 20*time.Millisecond || o.Faults != 0.05 || got.TruthFile != "t.json" || !o.TLS {
		t.Fatalf("options: %+v %+v", got, o)
	}
	cmd = NewCmdServe(f, func(*ServeOptions) error { return nil })
	cmd.SetArgs([]string{"--throttle", "slow"})
	cmd.SetErr(io.Discard)
	var ue *cmdutil.UsageError
	if err := cmd.Execute(); err == nil || !asUsage(err, &ue) {
		t.Fatalf("want usage error, got %v", err)
	}
}

func asUsage(err error, ue **cmdutil.UsageError) bool {
	u, ok := err.(*cmdutil.UsageError)
	*ue = u
	return ok
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestServePrintsReadyLineAndStops(t *testing.T) {
	out := &syncBuf{}
	opts := &ServeOptions{IO: &cmdutil.IOStreams{Out: out, ErrOut: io.Discard}, Addr: "127.0.0.1:0"}
	opts.Sim.Resources, opts.Sim.Subscriptions, opts.Sim.Tenants, opts.Sim.Throttle = 20, 1, 2, "off"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveRun(ctx, opts) }()
	var line readyLine
	deadline := time.Now().Add(10 * time.Second)
	for {
		if s := out.String(); strings.HasSuffix(s, "\n") {
			if err := json.Unmarshal([]byte(s), &line); err != nil {
				t.Fatalf("ready line %q: %v", s, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ready line")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if len(line.TenantIDs) != 2 || !strings.HasPrefix(line.ARMEndpoint, "http://127.0.0.1:") {
		t.Fatalf("ready line: %+v", line)
	}
	resp, err := http.Get(line.ARMEndpoint + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
