// Package e2e is the end-to-end harness for ATG's remote mode: for one test it starts the
// simulator (in-process), uses Azurite (testenv) with a storage prefix of its own, a graph
// (an embedded temp file, or Neo4j), and `atg serve` (in-process through the root command,
// or the built binary as a subprocess) with a fresh API key; it returns the service URL, the
// key, the tenant id and ways to run the `atg` CLI with captured output and exit code.
//
//	env := e2e.Start(t, e2e.Options{})
//	r := env.Run(ctx, append([]string{"scan", "--tenant-id", env.TenantID}, env.RemoteArgs()...)...)
//	if r.Code != 0 { t.Fatal(r) }
//
// Start calls t.Setenv (the CLI reads the process environment), so tests using it cannot be
// parallel. With CI set a missing Azurite (or Neo4j when asked for) fails the test; otherwise
// it skips. ATG_E2E_BINARY=1 runs the service as a subprocess of the built binary;
// ATG_TEST_LOG=1 streams the service's log into the test log.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/cli/root"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/internal/atgbin"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// Options configure one environment.
type Options struct {
	// Sim is the simulated cloud; zero: 200 resources in 2 subscriptions, fast throttling.
	Sim sim.Options
	// Neo4j puts the service's graph in the test Neo4j (testenv.RequireNeo4j) instead of an
	// embedded temp file.
	Neo4j bool
	// Workers is `atg serve --workers` (default 2).
	Workers int
	// Binary runs `atg serve` as a subprocess of the built binary (also ATG_E2E_BINARY=1).
	Binary bool
	// Environment is the service's environment (default dev); keys are issued for it.
	Environment string
	// AdminKey also issues an admin key (Env.AdminKey, Env.AdminKeyFile).
	AdminKey bool
	// APIKeys, when set, replaces the service's api_keys setting (the issued keys' entries are
	// then in Env.Entries only, e.g. to write them to an api_keys_source file).
	APIKeys string
	// ServiceSettings are extra settings of the service's config file (key -> value).
	ServiceSettings map[string]string
}

// Env is one running environment.
type Env struct {
	t testing.TB

	Sim       *sim.Simulator
	SimServer *sim.Server
	TenantID  string // the simulator's first tenant (the one with resources)

	ServiceURL string // base URL without /api/v1
	APIKey     string // a fresh user key (never printed by the harness)
	KeyName    string
	KeyFile    string // 0600 file holding APIKey, for --api-key-file
	Storage    string // the storage connection string
	Prefix     string // the storage prefix of this environment
	Graph      string // the service's graph (file path or bolt:// URI)
	Dir        string // the test's temp dir (config, keys, graphs)

	AdminKey     string // a fresh admin key when Options.AdminKey
	AdminKeyFile string // 0600 file holding AdminKey
	// Entries are the ATG_API_KEYS entries of the issued keys (comma-separated).
	Entries string

	// ClientConfig is the (initially missing) config file the CLI reads (ATG_CONFIG).
	ClientConfig string
	// ServiceConfig is the service's config file (storage, keys, endpoints): more service
	// processes (`atg serve --worker-only --config …`) join the same environment with it.
	ServiceConfig string

	serviceLog *syncBuffer
}

// Start brings everything up for t and registers cleanups that tear it down (service first,
// then the simulator, then the storage this environment created).
func Start(t testing.TB, o Options) *Env {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end: skipped with -short")
	}
	conn := testenv.RequireAzurite(t)
	if o.Sim.Resources == 0 && o.Sim.FromDir == "" {
		o.Sim.Resources, o.Sim.Subscriptions, o.Sim.Seed = 200, 2, 7
	}
	if o.Sim.Throttle == "" {
		o.Sim.Throttle = "fast"
	}
	if o.Workers == 0 {
		o.Workers = 2
	}
	if o.Environment == "" {
		o.Environment = "dev"
	}
	e := &Env{t: t, Storage: conn, Dir: t.TempDir(), Prefix: "e2e" + randHex(6), serviceLog: &syncBuffer{}}
	e.Graph = filepath.Join(e.Dir, "service-graph.db")
	if o.Neo4j {
		uri, user, pw := testenv.RequireNeo4j(t)
		e.Graph = uri
		t.Setenv("NEO4J_USER", user)
		t.Setenv("NEO4J_PASSWORD", pw)
	}
	t.Cleanup(e.dropStorage)

	s, srv := simtest.Start(t, o.Sim)
	e.Sim, e.SimServer, e.TenantID = s, srv, srv.TenantIDs[0]

	key, entry, err := auth.NewKey(o.Environment, "e2e-user", auth.RoleUser, srv.TenantIDs...)
	if err != nil {
		t.Fatalf("api key: %v", err)
	}
	e.APIKey, e.KeyName = key, entry.Name
	e.KeyFile = filepath.Join(e.Dir, "api-key")
	if err := os.WriteFile(e.KeyFile, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	e.Entries = entry.String()
	if o.AdminKey {
		akey, aentry, err := auth.NewKey(o.Environment, "e2e-admin", auth.RoleAdmin)
		if err != nil {
			t.Fatalf("admin key: %v", err)
		}
		e.AdminKey, e.Entries = akey, e.Entries+","+aentry.String()
		e.AdminKeyFile = filepath.Join(e.Dir, "admin-key")
		if err := os.WriteFile(e.AdminKeyFile, []byte(akey+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	apiKeys := e.Entries
	if o.APIKeys != "" {
		apiKeys = o.APIKeys
	}

	// The CLI under test and an in-process service read the process environment: pin what
	// this environment decides, clear what would leak in from the developer's shell.
	e.ClientConfig = filepath.Join(e.Dir, "client-config.yaml")
	t.Setenv("ATG_CONFIG", e.ClientConfig)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(e.Dir, "xdg"))
	t.Setenv("ATG_GRAPH", filepath.Join(e.Dir, "cli-graph.db"))
	t.Setenv("AzureWebJobsStorage", conn)
	for _, k := range []string{"ATG_REMOTE", "ATG_SERVICE_URL", "ATG_API_KEY", "ATG_API_KEY_FILE", "ATG_PROFILE",
		"ATG_OUTPUT", "ATG_TENANT_ID", "ATG_LOG_LEVEL", "ATG_STORAGE_PREFIX", "ATG_API_KEYS", "ATG_ENVIRONMENT",
		"ATG_ARM_ENDPOINT", "ATG_MSGRAPH_ENDPOINT", "ATG_API_RATE_LIMIT", "ATG_API_RATE_BURST", "ATG_WORKERS", "ATG_SERVICE_ADDR",
		"ATG_API_KEYS_SOURCE", "ATG_API_KEYS_TTL", "ATG_ROLE", "ATG_WORKER_CONCURRENCY"} {
		t.Setenv(k, "")
	}

	svcCfg := filepath.Join(e.Dir, "service-config.yaml")
	e.ServiceConfig = svcCfg
	settings := map[string]string{
		"storage": conn, "storage_prefix": e.Prefix, "api_keys": apiKeys, "environment": o.Environment,
		"arm_endpoint": srv.ARMEndpoint, "msgraph_endpoint": srv.MSGraphEndpoint, "api_rate_limit": "0",
		"log_level": "info", // audit lines, so tests can check what is (not) logged
	}
	for k, v := range o.ServiceSettings {
		settings[k] = v
	}
	b, err := yaml.Marshal(settings)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(svcCfg, b, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"serve", "--config", svcCfg, "--graph", e.Graph, "--addr", "127.0.0.1:0",
		"--workers", strconv.Itoa(o.Workers), "--visibility-timeout", "10s", "--grace", "3s"}
	if o.Binary || os.Getenv("ATG_E2E_BINARY") == "1" {
		e.ServiceURL = e.startBinary(args)
	} else {
		e.ServiceURL = e.startInProcess(args)
	}
	return e
}

// startInProcess runs `atg serve` through root.Run in this process.
func (e *Env) startInProcess(args []string) string {
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	lw := &lineWatcher{buf: e.serviceLog, t: e.t, onLine: func(l string) {
		if u, ok := strings.CutPrefix(l, "listening on "); ok {
			select {
			case ready <- u:
			default:
			}
		}
	}}
	done := make(chan int, 1)
	go func() {
		ios := &cmdutil.IOStreams{In: strings.NewReader(""), Out: lw, ErrOut: lw}
		done <- root.Run(ctx, ios, args)
	}()
	e.t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			e.t.Errorf("atg serve did not stop within 20s")
		}
	})
	select {
	case u := <-ready:
		return u
	case code := <-done:
		e.t.Fatalf("atg serve exited %d before it was ready:\n%s", code, e.serviceLog.String())
	case <-time.After(60 * time.Second):
		e.t.Fatalf("atg serve not ready after 60s:\n%s", e.serviceLog.String())
	}
	return ""
}

// startBinary runs the built atg binary as `atg serve`.
func (e *Env) startBinary(args []string) string {
	bin := atgbin.Build(e.t)
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		e.t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		e.t.Fatalf("starting atg serve: %v", err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			l := sc.Text()
			e.serviceLog.Write([]byte(l + "\n"))
			if os.Getenv("ATG_TEST_LOG") != "" {
				e.t.Log("serve: " + l)
			}
			if u, ok := strings.CutPrefix(l, "listening on "); ok {
				select {
				case ready <- u:
				default:
				}
			}
		}
	}()
	e.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		waited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(waited) }()
		select {
		case <-waited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-waited
			e.t.Errorf("atg serve did not stop on SIGTERM within 20s")
		}
	})
	select {
	case u := <-ready:
		return u
	case <-time.After(60 * time.Second):
		e.t.Fatalf("atg serve not ready after 60s:\n%s", e.serviceLog.String())
	}
	return ""
}

// ServiceLog returns what the service wrote to stderr so far.
func (e *Env) ServiceLog() string { return e.serviceLog.String() }

// RemoteArgs are the flags that point a command at this environment's service with its key.
func (e *Env) RemoteArgs() []string {
	return []string{"--remote", "--service-url", e.ServiceURL, "--api-key-file", e.KeyFile}
}

// ServiceArgs are RemoteArgs without --remote (for `atg jobs`).
func (e *Env) ServiceArgs() []string {
	return []string{"--service-url", e.ServiceURL, "--api-key-file", e.KeyFile}
}

// LocalScanArgs scan this environment's tenant locally into graph (a file path).
func (e *Env) LocalScanArgs(graph string) []string {
	return []string{"scan", "--tenant-id", e.TenantID, "--arm-endpoint", e.SimServer.ARMEndpoint,
		"--msgraph-endpoint", e.SimServer.MSGraphEndpoint, "--graph", graph}
}

// Client returns a RemoteClient for the service with this environment's key.
func (e *Env) Client() *remote.Client { return remote.NewClient(e.ServiceURL, e.APIKey) }

// Truth is what the simulator holds for TenantID.
func (e *Env) Truth() sim.TenantTruth { return e.Sim.Truth().Tenant(e.TenantID) }

// Result is one CLI invocation.
type Result struct {
	Code   int
	Stdout string
	Stderr string
}

func (r Result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s--- stderr\n%s", r.Code, r.Stdout, r.Stderr)
}

// Run runs `atg args...` in-process (root.Run: the same function main calls) and returns its
// exit code and output. Stdin is empty; stderr is not a terminal.
func (e *Env) Run(ctx context.Context, args ...string) Result {
	return e.RunAsync(ctx, args...).Wait()
}

// Running is a CLI invocation in progress.
type Running struct {
	out, errOut *syncBuffer
	done        chan int
}

// RunAsync runs `atg args...` in-process in the background.
func (e *Env) RunAsync(ctx context.Context, args ...string) *Running {
	r := &Running{out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan int, 1)}
	go func() {
		ios := &cmdutil.IOStreams{In: strings.NewReader(""), Out: r.out, ErrOut: r.errOut}
		r.done <- root.Run(ctx, ios, args)
	}()
	return r
}

// Stderr is what the command wrote to stderr so far.
func (r *Running) Stderr() string { return r.errOut.String() }

// Wait waits for the command (at most 3 minutes) and returns its result.
func (r *Running) Wait() Result {
	select {
	case code := <-r.done:
		return Result{Code: code, Stdout: r.out.String(), Stderr: r.errOut.String()}
	case <-time.After(3 * time.Minute):
		return Result{Code: -1, Stdout: r.out.String(), Stderr: r.errOut.String() + "\n(harness: still running after 3 minutes)"}
	}
}

// Exec runs the built atg binary with args and extra environment (KEY=VALUE) and returns
// its real exit status.
func (e *Env) Exec(ctx context.Context, env []string, args ...string) Result {
	return e.ExecStart(ctx, env, args...).Wait()
}

// Proc is a running atg binary.
type Proc struct {
	t           testing.TB
	cmd         *exec.Cmd
	out, errOut *syncBuffer
	done        chan struct{}
	err         error
}

// ExecStart starts the built atg binary with args and extra environment (KEY=VALUE).
func (e *Env) ExecStart(ctx context.Context, env []string, args ...string) *Proc {
	bin := atgbin.Build(e.t)
	p := &Proc{t: e.t, out: &syncBuffer{}, errOut: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.CommandContext(ctx, bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.errOut
	if err := p.cmd.Start(); err != nil {
		e.t.Fatalf("starting atg: %v", err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	return p
}

// Stderr is what the process wrote to stderr so far.
func (p *Proc) Stderr() string { return p.errOut.String() }

// Signal sends sig to the process.
func (p *Proc) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Wait waits for the process (killing it after 3 minutes) and returns its exit status.
func (p *Proc) Wait() Result {
	select {
	case <-p.done:
	case <-time.After(3 * time.Minute):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(p.err, &ee):
		code = ee.ExitCode()
	case p.err != nil:
		p.t.Fatalf("running atg: %v", p.err)
	}
	return Result{Code: code, Stdout: p.out.String(), Stderr: p.errOut.String()}
}

func (e *Env) dropStorage() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if az, err := jobs.OpenAzureConnectionString(ctx, e.Storage, jobs.Names{Prefix: e.Prefix}); err == nil {
		az.DropAll(ctx)
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// syncBuffer is a bytes.Buffer safe for concurrent writes and reads.
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

// lineWatcher records output and calls onLine for each complete line.
type lineWatcher struct {
	mu      sync.Mutex
	buf     *syncBuffer
	partial []byte
	t       testing.TB
	onLine  func(string)
}

func (w *lineWatcher) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, _ = w.buf.Write(p)
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		l := string(w.partial[:i])
		w.partial = w.partial[i+1:]
		if os.Getenv("ATG_TEST_LOG") != "" {
			w.t.Log("serve: " + l)
		}
		w.onLine(l)
	}
	return len(p), nil
}
