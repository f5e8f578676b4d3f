// Command fanoutbench measures the service's fan-out: one tenant's scan run by N worker
// processes (`atg serve --worker-only`) against one Azurite and one Neo4j, for N = 1, 2, 4. The
// simulator adds a fixed latency to every call with throttling off, so a scan is bound by
// latency, not by Azure's rate limits (there is no rate-limit floor), and each process makes a
// fixed number of concurrent calls (--workers messages at a time, ATG_WORKER_CONCURRENCY calls
// per shard): N processes should finish in 1/N of the time. It prints the curve (N, seconds,
// speedup, the ideal T1/N, within the tolerance?) and writes it as an SVG line chart and JSON.
//
//	go run ./tools/fanoutbench -atg bin/atg -n 1,2,4 -out test-artifacts/bench
//
// Needs Azurite (AzureWebJobsStorage) and Neo4j (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD); every
// process it starts listens on 127.0.0.1 only, and it removes its storage tables, queues and
// containers and the tenant's graph afterwards.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/cli/remote"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/jobs"
)

type options struct {
	atg           string
	ns            []int
	resources     int
	subscriptions int
	seed          int64
	latency       time.Duration
	workers       int
	concurrency   int
	tolerance     float64
	runs          int
	rows          string
	replot        string
	warmup        bool
	out           string
	timeout       time.Duration
	graph         string
	user          string
	password      string
	storage       string
}

func main() {
	var o options
	var ns string
	flag.StringVar(&o.atg, "atg", "bin/atg", "the atg binary")
	flag.StringVar(&ns, "n", "1,2,4", "worker process counts, comma-separated (the first is the baseline)")
	flag.IntVar(&o.resources, "resources", 400, "simulated resources")
	flag.IntVar(&o.subscriptions, "subscriptions", 64, "simulated subscriptions (one shard each, plus Entra)")
	flag.Int64Var(&o.seed, "seed", 7, "simulator seed")
	flag.DurationVar(&o.latency, "latency", 50*time.Millisecond, "simulator latency per call")
	flag.IntVar(&o.workers, "workers", 1, "queue messages one worker process runs at a time (atg serve --workers)")
	flag.IntVar(&o.concurrency, "concurrency", 1, "concurrent Azure calls of one shard (ATG_WORKER_CONCURRENCY)")
	flag.IntVar(&o.runs, "runs", 3, "scans per N; the fastest counts (the machine is shared: the best run is the one least disturbed)")
	flag.StringVar(&o.rows, "rows", "", "also write the summary rows for scripts/bench.sh here (step|figure|value|goal lines)")
	flag.StringVar(&o.replot, "replot", "", "measure nothing: redraw the table and chart of this fanout.json into -out")
	flag.BoolVar(&o.warmup, "warmup", true, "run one unmeasured scan first (Neo4j query plans, caches)")
	flag.Float64Var(&o.tolerance, "tolerance", 0.2, "how far above T1/N a time may be and count as 1/N")
	flag.StringVar(&o.out, "out", "test-artifacts/bench", "directory for fanout.svg, fanout.json and the process logs")
	flag.DurationVar(&o.timeout, "timeout", 5*time.Minute, "longest one scan may take")
	flag.Parse()
	if o.runs < 1 {
		fail(errors.New("-runs must be >= 1"))
	}
	for _, f := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fail(fmt.Errorf("-n %q: want positive integers, comma-separated", ns))
		}
		o.ns = append(o.ns, n)
	}
	if o.replot != "" {
		if err := replot(o); err != nil {
			fail(err)
		}
		return
	}
	o.storage = os.Getenv("AzureWebJobsStorage")
	o.graph, o.user, o.password = envOr("NEO4J_URI", "bolt://127.0.0.1:7687"), envOr("NEO4J_USER", "neo4j"), envOr("NEO4J_PASSWORD", "atg-local-dev")
	if o.storage == "" {
		fail(errors.New("AzureWebJobsStorage is not set (Azurite: see scripts/lib.sh AZURITE_CONNECTION_STRING)"))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "fanoutbench:", err)
	os.Exit(1)
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func randHex(n int) string {
	b := make([]byte, (n+1)/2)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// simInfo is what `atg sim serve` prints when it is up.
type simInfo struct {
	ARM     string   `json:"arm_endpoint"`
	MSGraph string   `json:"msgraph_endpoint"`
	Tenants []string `json:"tenant_ids"`
}

func run(ctx context.Context, o options) error {
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	logs := filepath.Join(o.out, "fanout-logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return err
	}
	truthPath := filepath.Join(logs, "truth.json")
	simP, err := startProc(ctx, "sim", logs, nil, o.atg, "sim", "serve", "--addr", "127.0.0.1:0",
		"--resources", strconv.Itoa(o.resources), "--subscriptions", strconv.Itoa(o.subscriptions),
		"--seed", strconv.FormatInt(o.seed, 10), "--throttle", "off", "--latency", o.latency.String(), "--truth", truthPath)
	if err != nil {
		return err
	}
	defer simP.stop()
	var si simInfo
	if err := waitFor(ctx, 60*time.Second, "the simulator", func() bool {
		return json.Unmarshal([]byte(simP.stdout()), &si) == nil && len(si.Tenants) > 0
	}, simP); err != nil {
		return err
	}
	tenant := si.Tenants[0]
	resources, err := truthResources(truthPath, tenant)
	if err != nil {
		return err
	}

	key, entry, err := auth.NewKey("dev", "fanout-bench", auth.RoleUser, tenant)
	if err != nil {
		return err
	}
	prefix := "fan" + randHex(8)
	env := []string{"AzureWebJobsStorage=" + o.storage, "ATG_STORAGE_PREFIX=" + prefix, "ATG_API_KEYS=" + entry.String(),
		"ATG_ENVIRONMENT=dev", "ATG_ARM_ENDPOINT=" + si.ARM, "ATG_MSGRAPH_ENDPOINT=" + si.MSGraph, "ATG_GRAPH=" + o.graph,
		"NEO4J_USER=" + o.user, "NEO4J_PASSWORD=" + o.password, "ATG_CONFIG=" + filepath.Join(logs, "no-config.yaml"),
		"ATG_API_RATE_LIMIT=0", "ATG_WORKER_CONCURRENCY=" + strconv.Itoa(o.concurrency), "ATG_FAILPOINTS="}
	defer dropStorage(o.storage, prefix)

	store, err := stores.Open(ctx, stores.Options{Graph: o.graph, User: o.user, Password: o.password})
	if err != nil {
		return fmt.Errorf("opening Neo4j %s: %w", o.graph, err)
	}
	defer store.Close(context.Background())
	defer func() { _ = store.DeleteTenant(context.Background(), tenant) }()

	apiP, err := startProc(ctx, "api", logs, append(env, "ATG_LOG_LEVEL=warn"), o.atg, "serve", "--no-workers", "--addr", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer apiP.stop()
	var base string
	if err := waitFor(ctx, 60*time.Second, "the API process", func() bool {
		base = apiP.lineAfter("listening on ")
		return base != ""
	}, apiP); err != nil {
		return err
	}
	client := remote.NewClient(base, key)

	fmt.Printf("fan-out: %d resources / %d subscriptions (%d shards: one per subscription + Entra), simulator latency %s, throttling off (no rate-limit floor)\n",
		resources, o.subscriptions, o.subscriptions+1, o.latency)
	fmt.Printf("per worker process: %d message(s) at a time x %d concurrent Azure calls per shard; one Azurite, one Neo4j (%s)\n\n",
		o.workers, o.concurrency, o.graph)
	if o.warmup {
		n := slices.Max(o.ns)
		p, err := measure(ctx, o, n, env, logs, client, store, tenant, resources, "warmup")
		if err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
		fmt.Printf("  warm-up, N=%d: %.2f s (not counted)\n", n, p.Seconds)
	}
	// Rounds over every N (1, 2, 4, 1, 2, 4, …) rather than all runs of one N in a row: a busy
	// spell of the shared machine then slows one run of each N, not every run of one N.
	pts := make([]point, len(o.ns))
	for r := range o.runs {
		for i, n := range o.ns {
			p, err := measure(ctx, o, n, env, logs, client, store, tenant, resources, fmt.Sprintf("n%d-run%d", n, r+1))
			if err != nil {
				return fmt.Errorf("with %d worker processes: %w", n, err)
			}
			fmt.Printf("  N=%d run %d: %.2f s (shards %.2f s, finalize %.2f s; shards per process %v)\n", n, r+1, p.Seconds, p.ShardsS, p.FinalizeS, p.ShardsPerProcess)
			runs := append(pts[i].Runs, p.Seconds)
			if pts[i].N == 0 || p.Seconds < pts[i].Seconds {
				pts[i] = p
			}
			pts[i].Runs = runs
		}
	}
	c := newCurve(pts, o.tolerance)
	c.Resources, c.Subscriptions, c.Latency, c.Workers, c.Concurrency, c.RunsPerN = resources, o.subscriptions, o.latency.String(), o.workers, o.concurrency, o.runs
	fmt.Println()
	fmt.Print(c.table())
	svg := filepath.Join(o.out, "fanout.svg")
	if err := os.WriteFile(svg, []byte(c.svg()), 0o644); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(c, "", "  ")
	if err := os.WriteFile(filepath.Join(o.out, "fanout.json"), append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Printf("chart: %s\n", svg)
	if o.rows != "" {
		if err := os.WriteFile(o.rows, []byte(c.rows(svg)), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// measure runs one scan with n worker processes on an empty graph and returns its time
// (the job's created_at to finished_at, as the service recorded them).
func measure(ctx context.Context, o options, n int, env []string, logs string, client *remote.Client, store graph.Store, tenant string, resources int, label string) (point, error) {
	if err := store.DeleteTenant(ctx, tenant); err != nil { // every run ingests into an empty graph
		return point{}, fmt.Errorf("clearing the tenant's graph: %w", err)
	}
	var procs []*proc
	defer func() {
		for _, p := range procs {
			p.stop()
		}
	}()
	for i := range n {
		p, err := startProc(ctx, fmt.Sprintf("worker-%s-%d", label, i+1), logs, append(env, "ATG_LOG_LEVEL=debug"), o.atg, "serve", "--worker-only",
			"--workers", strconv.Itoa(o.workers), "--max-poll-interval", "100ms", "--visibility-timeout", "60s", "--grace", "5s")
		if err != nil {
			return point{}, err
		}
		procs = append(procs, p)
	}
	for _, p := range procs {
		if err := waitFor(ctx, 60*time.Second, p.name, func() bool { return p.lineAfter("worker ready") != "" }, p); err != nil {
			return point{}, err
		}
	}
	j, err := client.SubmitScan(ctx, remote.ScanRequest{TenantID: tenant}, "")
	if err != nil {
		return point{}, fmt.Errorf("submitting the scan: %w", err)
	}
	deadline := time.Now().Add(o.timeout)
	for !j.Status.Terminal() {
		if time.Now().After(deadline) {
			return point{}, fmt.Errorf("scan %s still %s after %s", j.ID, j.Status, o.timeout)
		}
		select {
		case <-ctx.Done():
			return point{}, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if j, err = client.GetJob(ctx, j.ID); err != nil {
			return point{}, fmt.Errorf("polling the scan: %w", err)
		}
	}
	if j.Status != api.JobSucceeded {
		return point{}, fmt.Errorf("scan %s ended %s: %+v", j.ID, j.Status, j.Error)
	}
	raw, err := client.Result(ctx, j.ID)
	if err != nil {
		return point{}, fmt.Errorf("scan result: %w", err)
	}
	var res struct {
		Resources int   `json:"resources"`
		Failures  []any `json:"failures"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return point{}, fmt.Errorf("scan result: %w", err)
	}
	if res.Resources != resources || len(res.Failures) != 0 {
		return point{}, fmt.Errorf("scan found %d resources (truth %d) with %d failures", res.Resources, resources, len(res.Failures))
	}
	for _, p := range procs {
		p.stop()
	}
	pt := point{N: n, Seconds: j.FinishedAt.Sub(*j.CreatedAt).Seconds()}
	// The phases, from the workers' debug log: planned -> last shard done (the shards, fanned
	// out) -> finalized (once, in one process).
	var planned, lastShard, finalized time.Time
	for _, p := range procs {
		pt.ShardsPerProcess = append(pt.ShardsPerProcess, p.count(`msg="shard done"`))
		for _, t := range p.times(`msg="scan planned"`) {
			planned = t
		}
		for _, t := range p.times(`msg="shard done"`) {
			if t.After(lastShard) {
				lastShard = t
			}
		}
		for _, t := range p.times(`msg="scan finalized"`) {
			finalized = t
		}
	}
	if !planned.IsZero() && !lastShard.IsZero() && !finalized.IsZero() {
		pt.ShardsS, pt.FinalizeS = lastShard.Sub(planned).Seconds(), finalized.Sub(lastShard).Seconds()
	}
	return pt, nil
}

func replot(o options) error {
	b, err := os.ReadFile(o.replot)
	if err != nil {
		return err
	}
	var c curve
	if err := json.Unmarshal(b, &c); err != nil {
		return fmt.Errorf("%s: %w", o.replot, err)
	}
	meta := c
	c = newCurve(c.Points, c.Tolerance)
	c.Resources, c.Subscriptions, c.Latency, c.Workers, c.Concurrency, c.RunsPerN = meta.Resources, meta.Subscriptions, meta.Latency, meta.Workers, meta.Concurrency, meta.RunsPerN
	fmt.Print(c.table())
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.out, "fanout.svg"), []byte(c.svg()), 0o644)
}

func truthResources(path, tenant string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("simulator truth: %w", err)
	}
	var tr struct {
		Tenants []struct {
			TenantID  string `json:"tenant_id"`
			Resources int    `json:"resources"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		return 0, fmt.Errorf("simulator truth: %w", err)
	}
	for _, t := range tr.Tenants {
		if t.TenantID == tenant {
			return t.Resources, nil
		}
	}
	return 0, fmt.Errorf("simulator truth has no tenant %s", tenant)
}

func dropStorage(conn, prefix string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if az, err := jobs.OpenAzureConnectionString(ctx, conn, jobs.Names{Prefix: prefix}); err == nil {
		az.DropAll(ctx)
	}
}
