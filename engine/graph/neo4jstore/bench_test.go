package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
)

// benchGraph returns n Resource nodes with the usual envelope (~1 kB) and 2 edges per node.
func benchGraph(n int) ([]graph.Node, []graph.Edge) {
	nodes := make([]graph.Node, n)
	for i := range nodes {
		sub, rg := fmt.Sprintf("%08d-0000-0000-0000-000000000000", i%10), fmt.Sprintf("rg-%02d", i%20)
		nd := graphtest.Resource(sub, rg, "Microsoft.Network/networkInterfaces", fmt.Sprintf("nic-%06d", i))
		nd.Props["properties"] = map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig1",
			"properties": map[string]any{"privateIPAddress": fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255),
				"subnet": map[string]any{"id": "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/Microsoft.Network/virtualNetworks/vnet/subnets/default"}}}},
			"provisioningState": "Succeeded", "macAddress": "00-0D-3A-00-00-00"}
		nd.Props["tags"] = map[string]any{"env": "prod", "owner": "team-" + rg}
		nodes[i] = nd
	}
	edges := make([]graph.Edge, 0, 2*n)
	for i := range nodes {
		edges = append(edges, graphtest.E(graph.EdgeReferences, nodes[i], nodes[(i+1)%n]), graphtest.E(graph.EdgeUses, nodes[i], nodes[(i*7+3)%n]))
	}
	return nodes, edges
}

// ingestRounds is how many times BenchmarkIngest runs each loader. On a shared machine the
// load changes from one second to the next: the loaders run one after another in each round
// (in reverse order every other round, so none always follows the same one), each ratio is
// taken within a round — the store beside the bare loader that ran next to it — and the
// reported figures are medians over the rounds (with the range of the ratios), so one quiet
// or one busy moment moves neither the figure nor the ratio.
const ingestRounds = 5

// ingestRoundsFromEnv is ingestRounds, or BENCH_NEO4J_ROUNDS (odd, ≥ 3) when set.
func ingestRoundsFromEnv(b *testing.B) int {
	v := os.Getenv("BENCH_NEO4J_ROUNDS")
	if v == "" {
		return ingestRounds
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 3 || n%2 == 0 {
		b.Fatalf("BENCH_NEO4J_ROUNDS=%q: want an odd number ≥ 3", v)
	}
	return n
}

// ingestCall is how many nodes or edges the store receives per call, as the scan engine
// writes them (engine/scan batchSize).
const ingestCall = 2000

// rate is one load's throughput.
type rate struct{ nodes, edges, both float64 }

func timed(n, e int, loadNodes, loadEdges func() error) (rate, error) {
	start := time.Now()
	if err := loadNodes(); err != nil {
		return rate{}, err
	}
	nd := time.Since(start)
	if err := loadEdges(); err != nil {
		return rate{}, err
	}
	d := time.Since(start)
	return rate{nodes: float64(n) / nd.Seconds(), edges: float64(e) / (d - nd).Seconds(), both: float64(n+e) / d.Seconds()}, nil
}

// median returns the median of xs (the mean of the middle two for an even count) and the
// smallest and largest.
func median(xs []float64) (med, lo, hi float64) {
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	med = s[m]
	if len(s)%2 == 0 {
		med = (s[m-1] + s[m]) / 2
	}
	return med, s[0], s[len(s)-1]
}

// benchSchema is the bare loaders' schema (CREATE …; DROP by the first two words): for Bench,
// the indexes the store keeps for Resource nodes (uid, then tenant_id with type and with
// subscription) and for relationships (uid), as plain indexes (CREATE checks no uniqueness,
// which is cheaper than the store's uniqueness constraints); for BenchU, the same with the
// store's uniqueness constraints on the node and relationship uids; for BenchPlain, the uid
// index only.
var benchSchema = []string{
	"INDEX bench_uid IF NOT EXISTS FOR (n:Bench) ON (n.uid)",
	"INDEX bench_type IF NOT EXISTS FOR (n:Bench) ON (n.tenant_id, n.type)",
	"INDEX bench_sub IF NOT EXISTS FOR (n:Bench) ON (n.tenant_id, n.subscription_id)",
	"INDEX bench_rel_uid IF NOT EXISTS FOR ()-[r:BENCH_REL]-() ON (r.uid)",
	"CONSTRAINT bench_u_uid IF NOT EXISTS FOR (n:BenchU) REQUIRE n.uid IS UNIQUE",
	"INDEX bench_u_type IF NOT EXISTS FOR (n:BenchU) ON (n.tenant_id, n.type)",
	"INDEX bench_u_sub IF NOT EXISTS FOR (n:BenchU) ON (n.tenant_id, n.subscription_id)",
	// One relationship type per edge type, as the store (an edge uid holds the endpoints only).
	"CONSTRAINT bench_u_ref_uid IF NOT EXISTS FOR ()-[r:BENCH_RELU_REFERENCES]-() REQUIRE r.uid IS UNIQUE",
	"CONSTRAINT bench_u_uses_uid IF NOT EXISTS FOR ()-[r:BENCH_RELU_USES]-() REQUIRE r.uid IS UNIQUE",
	"INDEX bench_plain_uid IF NOT EXISTS FOR (n:BenchPlain) ON (n.uid)",
}

// BenchmarkIngest compares, in one run, the store's ingest (UNWIND … MERGE under uniqueness
// constraints, first/last seen, JSON props; calls of ingestCall nodes or edges as the scan
// makes them) of 20k nodes + 40k edges with bare UNWIND … CREATE loaders given everything the
// store has and nothing it must do:
//
//   - bare: the same graph as the store keeps it — the same node property maps (props plus
//     uid, node_id, tenant_id, first/last seen) under the same indexes (benchSchema, plain
//     rather than unique), in transactions of the store's BatchSize rows kept WriteConcurrency
//     (2) at a time with no pause between calls; relationships by MATCH on the uid index +
//     CREATE with the store's relationship properties (uid, tenant_id, first/last seen) and uid
//     index, also two transactions at a time (as the store's EdgeConcurrency). The goal
//     (store ≥ 0.8× bare) is measured against it.
//   - unique: bare under the store's uniqueness constraints (node uid, relationship uid)
//     instead of plain indexes: what the constraints alone cost, reported beside the goal.
//   - plain: the minimal loader — props plus uid, one uid index, relationships without
//     properties or index, the same concurrency: a different, smaller graph, reported as the
//     upper bound of Neo4j's writes here.
//
// Each loads the graph ingestRounds times (see there). Reported: the medians of store_*,
// bare_*, plain_* nodes/s and edges/s, the medians of the per-round ratios ratio_nodes and
// ratio_edges with their range (ratio_*_min, ratio_*_max), and the store/plain ratios.
// Run: make neo4j-up; go test -run XXX -bench Ingest -benchtime 1x ./engine/graph/neo4jstore
func BenchmarkIngest(b *testing.B) {
	const n = 20_000
	s := openTest(b, Options{})
	ctx := context.Background()
	nodes, edges := benchGraph(n)
	for _, st := range benchSchema {
		if _, err := s.writeCount(ctx, "CREATE "+st, nil, ""); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.writeCount(ctx, "CALL db.awaitIndexes(300)", nil, ""); err != nil {
		b.Fatal(err)
	}
	dropBench := func() {
		for {
			c, err := s.writeCount(ctx, "MATCH (n) WHERE n:Bench OR n:BenchU OR n:BenchPlain WITH n LIMIT 10000 DETACH DELETE n RETURN count(*) AS c", nil, "c")
			if err != nil {
				b.Fatal(err)
			}
			if c == 0 {
				return
			}
		}
	}
	dropBench()
	defer func() {
		dropBench()
		for _, st := range benchSchema {
			f := strings.Fields(st)
			_, _ = s.writeCount(ctx, "DROP "+f[0]+" "+f[1]+" IF EXISTS", nil, "")
		}
	}()
	store := func(tenant string) (rate, error) {
		return timed(n, len(edges), func() error {
			for j := 0; j < n; j += ingestCall {
				if err := s.UpsertNodes(ctx, tenant, "scan-1", nodes[j:min(j+ingestCall, n)]); err != nil {
					return err
				}
			}
			return nil
		}, func() error {
			for j := 0; j < len(edges); j += ingestCall {
				if sk, err := s.UpsertEdges(ctx, tenant, "scan-1", edges[j:min(j+ingestCall, len(edges))]); err != nil || sk != 0 {
					return fmt.Errorf("skipped %d: %w", sk, err)
				}
			}
			return nil
		})
	}
	// pool runs stmt over rows in transactions of the store's batch size, conc at a time.
	pool := func(stmt string, rows []map[string]any, conc int) error {
		g := new(errgroup.Group)
		g.SetLimit(conc)
		for j := 0; j < len(rows); j += s.batch {
			part := rows[j:min(j+s.batch, len(rows))]
			g.Go(func() error {
				_, err := s.writeCount(ctx, stmt, map[string]any{"rows": part}, "")
				return err
			})
		}
		return g.Wait()
	}
	// bare loads the graph as label (Bench, BenchU) with rel (BENCH_REL, BENCH_RELU), or the
	// plain graph when label is "".
	bare := func(tenant, label, rel string) (rate, error) {
		full := label != ""
		return timed(n, len(edges), func() error {
			// The loader too turns nested props into JSON strings (Neo4j stores no maps).
			rows := make([]map[string]any, n)
			for i, nd := range nodes {
				p, err := graph.EncodeStoredProps(nd.Props)
				if err != nil {
					return err
				}
				if full { // the property map the store keeps
					p[graph.SysUID], p[graph.SysNodeID], p[graph.SysTenantID] = graph.NodeUID(tenant, nd.ID), nd.ID, tenant
					p[graph.SysFirstSeen], p[graph.SysLastSeen] = "scan-1", "scan-1"
				} else {
					p[graph.SysUID] = nd.ID
				}
				rows[i] = p
			}
			return pool("UNWIND $rows AS props CREATE (n:"+cmp.Or(label, "BenchPlain")+") SET n = props", rows, s.conc)
		}, func() error {
			rows := make([]map[string]any, len(edges))
			stmt := "UNWIND $rows AS r MATCH (a:BenchPlain {uid: r.from}) MATCH (b:BenchPlain {uid: r.to}) CREATE (a)-[:BENCH_PLAIN]->(b)"
			for i, e := range edges {
				rows[i] = map[string]any{"from": e.From, "to": e.To}
				if full {
					rows[i] = map[string]any{"from": graph.NodeUID(tenant, e.From), "to": graph.NodeUID(tenant, e.To)}
					rows[i]["props"] = map[string]any{graph.SysUID: graph.NodeUID(tenant, e.From) + "\x00" + e.To,
						graph.SysTenantID: tenant, graph.SysFirstSeen: "scan-1", graph.SysLastSeen: "scan-1"}
				}
			}
			if !full {
				return pool(stmt, rows, s.conc)
			}
			stmt = "UNWIND $rows AS r MATCH (a:" + label + " {uid: r.from}) MATCH (b:" + label + " {uid: r.to}) CREATE (a)-[x:" + rel + "]->(b) SET x = r.props"
			if label != "BenchU" {
				return pool(stmt, rows, s.conc)
			}
			byType := map[graph.EdgeType][]map[string]any{}
			for i, e := range edges {
				byType[e.Type] = append(byType[e.Type], rows[i])
			}
			for _, t := range []graph.EdgeType{graph.EdgeReferences, graph.EdgeUses} {
				if err := pool(strings.Replace(stmt, rel, rel+"_"+string(t), 1), byType[t], s.conc); err != nil {
					return err
				}
			}
			return nil
		})
	}
	type loader struct {
		name string
		run  func(tenant string) (rate, error)
	}
	loaders := []loader{
		{"store", func(tenant string) (rate, error) {
			r, err := store(tenant)
			if err == nil {
				b.StopTimer()
				err = s.DeleteTenant(ctx, tenant)
				b.StartTimer()
			}
			return r, err
		}},
		{"bare", func(tenant string) (rate, error) { defer dropBench(); return bare(tenant, "Bench", "BENCH_REL") }},
		{"unique", func(tenant string) (rate, error) { defer dropBench(); return bare(tenant, "BenchU", "BENCH_RELU") }},
		{"plain", func(tenant string) (rate, error) { defer dropBench(); return bare(tenant, "", "") }},
	}
	rounds := ingestRoundsFromEnv(b)
	for i := 0; i < b.N; i++ {
		got := map[string][]rate{}
		retries := map[string]int64{}
		for round := range rounds {
			order := slices.Clone(loaders)
			if round%2 == 1 {
				slices.Reverse(order)
			}
			for _, l := range order {
				r0 := deadlockRetries.Load()
				r, err := l.run(fmt.Sprintf("bench-%d-%d-%d", time.Now().UnixNano(), i, round))
				if err != nil {
					b.Fatalf("%s: %v", l.name, err)
				}
				retries[l.name] += deadlockRetries.Load() - r0
				got[l.name] = append(got[l.name], r)
			}
			st, br := got["store"][round], got["bare"][round]
			b.Logf("round %d: store %.0f nodes/s %.0f edges/s, bare %.0f / %.0f, plain %.0f / %.0f: store/bare %.2f / %.2f",
				round+1, st.nodes, st.edges, br.nodes, br.edges, got["plain"][round].nodes, got["plain"][round].edges, st.nodes/br.nodes, st.edges/br.edges)
		}
		pick := func(name string, f func(rate) float64) []float64 {
			out := make([]float64, len(got[name]))
			for k, r := range got[name] {
				out[k] = f(r)
			}
			return out
		}
		ratios := func(of, to string, f func(rate) float64) []float64 {
			a, c := pick(of, f), pick(to, f)
			for k := range a {
				a[k] /= c[k]
			}
			return a
		}
		for _, m := range []struct {
			name string
			f    func(rate) float64
		}{{"nodes", func(r rate) float64 { return r.nodes }}, {"edges", func(r rate) float64 { return r.edges }}, {"nodes+edges", func(r rate) float64 { return r.both }}} {
			for _, l := range loaders {
				med, _, _ := median(pick(l.name, m.f))
				b.ReportMetric(med, l.name+"_"+m.name+"/s")
			}
			if m.name == "nodes+edges" {
				continue
			}
			med, lo, hi := median(ratios("store", "bare", m.f))
			b.ReportMetric(med, "ratio_"+m.name)
			b.ReportMetric(lo, "ratio_"+m.name+"_min")
			b.ReportMetric(hi, "ratio_"+m.name+"_max")
			med, _, _ = median(ratios("store", "plain", m.f))
			b.ReportMetric(med, "ratio_plain_"+m.name)
			med, _, _ = median(ratios("store", "unique", m.f))
			b.ReportMetric(med, "ratio_unique_"+m.name)
		}
		b.ReportMetric(float64(retries["store"]), "store_deadlock_retries")
		b.ReportMetric(float64(retries["bare"]), "bare_deadlock_retries")
	}
}
