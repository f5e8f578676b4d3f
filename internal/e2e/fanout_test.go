package e2e

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
)

// shardReached is what a worker process prints when a shard starts discovery with the
// scan.discover failpoint armed (internal/failpoint): one line per shard it runs.
const shardReached = "failpoint scan.discover reached"

// startWorker runs the built atg as a worker-only service process of e (no listener; the
// same storage, keys and graph as e's API) and waits until it polls the queues.
func startWorker(t *testing.T, e *Env, env ...string) *Proc {
	t.Helper()
	p := e.ExecStart(context.Background(), env, "serve", "--worker-only", "--config", e.ServiceConfig, "--graph", e.Graph,
		"--workers", "1", "--visibility-timeout", "10s", "--grace", "3s", "--max-poll-interval", "200ms")
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = p.Signal(syscall.SIGTERM)
		p.Wait()
	}
	t.Cleanup(stop)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(p.Stderr(), "worker ready") {
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("atg serve --worker-only not ready after 60s:\n%s", p.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return p
}

func stopWorker(p *Proc) {
	_ = p.Signal(syscall.SIGTERM)
	p.Wait()
}

// TestFanOutTwoWorkerProcesses: an API-only service (role api) and worker-only processes
// (`atg serve --worker-only`) on one Azurite and one Neo4j. A scan run by one worker process
// and the same scan run by two give the same graph key by key (every node with its
// properties, every edge), and with two processes each one ran at least one of the scan's
// shards. Each process runs one message at a time and a shard's discovery pauses 1 s (a
// failpoint), so the second process always finds shards waiting while the first is busy: the
// split does not depend on the machine's speed.
func TestFanOutTwoWorkerProcesses(t *testing.T) {
	e := Start(t, Options{Neo4j: true, Sim: sim.Options{Resources: 240, Subscriptions: 4, Seed: 5821, Throttle: "off"},
		ServiceSettings: map[string]string{"role": "api"}})
	ctx := t.Context()
	_, user, pw := testenv.RequireNeo4j(t)
	neo, err := stores.Open(ctx, stores.Options{Graph: e.Graph, User: user, Password: pw})
	if err != nil {
		t.Fatalf("open the service's Neo4j: %v", err)
	}
	t.Cleanup(func() { _ = neo.Close(context.Background()) }) // after the clear below (cleanups run last-in first-out)
	clear := func() {
		if err := neo.DeleteTenant(context.Background(), e.TenantID); err != nil {
			t.Fatalf("clearing tenant %s in Neo4j: %v", e.TenantID, err)
		}
	}
	clear()
	t.Cleanup(clear)
	tr := e.Truth()
	shards := len(tr.Subscriptions) + 1 // one per subscription (the service's shard size) + Entra

	scan := func(what string) graphtest.Snapshot {
		t.Helper()
		r := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID, "-o", "json"}, e.RemoteArgs()...)...)
		if r.Code != 0 {
			t.Fatalf("%s: %s", what, r)
		}
		if res := decodeScan(t, r); res.Resources != tr.Resources || len(res.Failures) != 0 {
			t.Fatalf("%s: %d resources (truth %d), %d failures", what, res.Resources, tr.Resources, len(res.Failures))
		}
		snap := graphtest.MustSnapshot(t, neo, e.TenantID)
		if len(snap.Nodes) == 0 || len(snap.Edges) == 0 {
			t.Fatalf("%s: the graph is empty (%d nodes, %d edges)", what, len(snap.Nodes), len(snap.Edges))
		}
		return snap
	}

	one := startWorker(t, e)
	single := scan("scan by one worker process")
	stopWorker(one)
	clear()
	if n := len(graphtest.MustSnapshot(t, neo, e.TenantID).Nodes); n != 0 {
		t.Fatalf("graph not emptied: %d nodes", n)
	}

	armed := "ATG_FAILPOINTS=scan.discover=sleep(1s)"
	a, b := startWorker(t, e, armed), startWorker(t, e, armed)
	double := scan("scan by two worker processes")
	stopWorker(a)
	stopWorker(b)
	na, nb := strings.Count(a.Stderr(), shardReached), strings.Count(b.Stderr(), shardReached)
	t.Logf("%d shards: worker process A ran %d, B ran %d", shards, na, nb)
	if na < 1 || nb < 1 {
		t.Errorf("both worker processes should run shards of the scan: A ran %d, B ran %d (of %d)", na, nb, shards)
	}
	if na+nb < shards {
		t.Errorf("the worker processes ran %d shard attempts, fewer than the plan's %d shards (did the API-only process run some?)", na+nb, shards)
	}
	graphtest.RequireEqual(t, "scan by one worker process vs two", single, double)
	// The graph holds every resource the simulator has.
	res := 0
	for k := range double.Nodes {
		if strings.HasPrefix(k, string(graph.LabelResource)+" ") {
			res++
		}
	}
	if res < tr.Resources {
		t.Errorf("graph has %d resource nodes, truth %d", res, tr.Resources)
	}
}

// TestFanOutKilledWorker: of two worker processes, one is killed (SIGKILL) while it holds a
// shard of a scan; the other runs the rest and, once the message's visibility timeout lapses,
// the killed process's shard too. The scan succeeds with the simulator's counts and leaves the
// same graph as an undisturbed scan by one process.
func TestFanOutKilledWorker(t *testing.T) {
	e := Start(t, Options{Neo4j: true, Sim: sim.Options{Resources: 160, Subscriptions: 3, Seed: 5822, Throttle: "off"},
		ServiceSettings: map[string]string{"role": "api"}})
	ctx := t.Context()
	_, user, pw := testenv.RequireNeo4j(t)
	neo, err := stores.Open(ctx, stores.Options{Graph: e.Graph, User: user, Password: pw})
	if err != nil {
		t.Fatalf("open the service's Neo4j: %v", err)
	}
	t.Cleanup(func() { _ = neo.Close(context.Background()) })
	clear := func() {
		if err := neo.DeleteTenant(context.Background(), e.TenantID); err != nil {
			t.Fatalf("clearing tenant %s in Neo4j: %v", e.TenantID, err)
		}
	}
	clear()
	t.Cleanup(clear)
	tr := e.Truth()
	args := append([]string{"scan", "--tenant-id", e.TenantID, "-o", "json"}, e.RemoteArgs()...)
	check := func(what string, r Result) {
		t.Helper()
		if r.Code != 0 {
			t.Fatalf("%s: %s", what, r)
		}
		if res := decodeScan(t, r); res.Resources != tr.Resources || len(res.Failures) != 0 {
			t.Fatalf("%s: %d resources (truth %d), %d failures", what, res.Resources, tr.Resources, len(res.Failures))
		}
	}

	// a holds its first shard forever (the failpoint hangs it); b starts once a holds it.
	a := startWorker(t, e, "ATG_FAILPOINTS=scan.discover=hang")
	run := e.RunAsync(ctx, args...)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(a.Stderr(), shardReached) {
		if time.Now().After(deadline) {
			t.Fatalf("worker a never took a shard:\n%s", a.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
	b := startWorker(t, e)
	if err := a.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a.Wait()
	check("scan with a worker process killed mid-shard", run.Wait())
	killed := graphtest.MustSnapshot(t, neo, e.TenantID)

	clear()
	check("undisturbed scan", e.Run(ctx, args...))
	stopWorker(b)
	graphtest.RequireEqual(t, "scan with a killed worker process vs an undisturbed one", killed, graphtest.MustSnapshot(t, neo, e.TenantID))
}
