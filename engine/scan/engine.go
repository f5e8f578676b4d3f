package scan

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oklog/ulid/v2"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/rules"
	"github.com/atg-go/atg/engine/safego"
	"github.com/atg-go/atg/internal/failpoint"
)

// batchSize is how many nodes or edges one store call carries.
const batchSize = 2000

// liveCounts feed progress reports while a scan runs.
type liveCounts struct {
	subsTotal, subsDone atomic.Int64
	resources           atomic.Int64
}

func (e *Engine) init() {
	e.once.Do(func() {
		if e.Logger == nil {
			e.Logger = slog.New(slog.DiscardHandler)
		}
		if e.Concurrency <= 0 {
			e.Concurrency = 16
		}
		if e.ShardSubscriptions <= 0 {
			e.ShardSubscriptions = 10
		}
		e.disc = discover.New(e.Azure, e.Logger, e.Concurrency)
	})
}

func (e *Engine) check() error {
	if e.Store == nil {
		return errors.New("scan: engine has no graph store")
	}
	if e.Azure == nil {
		return errors.New("scan: engine has no Azure clients")
	}
	return nil
}

// report sends a progress event (serially) with the live counts.
func (e *Engine) report(phase string, percent int, msg string) {
	if e.Progress == nil {
		return
	}
	st := e.Azure.Throttle.Stats()
	p := Progress{Phase: phase, Percent: percent, Message: msg, Counts: map[string]int{
		"subscriptions_total": int(e.live.subsTotal.Load()),
		"subscriptions_done":  int(e.live.subsDone.Load()),
		"resources":           int(e.live.resources.Load()),
		"api_calls":           st.Total(),
		"throttled":           st.Throttled,
	}}
	e.progMu.Lock()
	defer e.progMu.Unlock()
	e.Progress(p)
}

// Plan resolves the subscriptions in scope and splits the scan into shards: groups of up to
// ShardSubscriptions subscriptions (one Resource Graph query each), plus one Entra shard when
// identities are included.
func (e *Engine) Plan(ctx context.Context, req Request) (Plan, error) {
	if err := e.check(); err != nil {
		return Plan{}, err
	}
	e.init()
	if strings.TrimSpace(req.TenantID) == "" {
		return Plan{}, errors.New("scan: tenant id is required")
	}
	for _, g := range req.ResourceGroups {
		if _, err := path.Match(strings.ToLower(g), ""); err != nil {
			return Plan{}, fmt.Errorf("scan: invalid resource group pattern %q: %w", g, err)
		}
	}
	req.TenantID = strings.ToLower(strings.TrimSpace(req.TenantID))
	started := e.now()
	counter := &azure.Counter{}
	ctx = azure.WithCounter(ctx, counter)
	e.report("plan", 0, "listing subscriptions")
	subs, err := e.disc.Subscriptions(ctx, req.TenantID, req.Subscriptions)
	if err != nil {
		return Plan{}, fmt.Errorf("planning scan of tenant %s: %w", req.TenantID, err)
	}
	name, domain, err := e.disc.Tenant(ctx, req.TenantID)
	if err != nil {
		if ctx.Err() != nil {
			return Plan{}, ctx.Err()
		}
		// cosmetic: the Tenant node keeps its id without a name
		e.Logger.Warn("could not read the tenant's display name", "error", err)
	}
	p := Plan{ScanID: "scan_" + strings.ToLower(ulid.Make().String()), Request: req, TenantName: name, TenantDomain: domain,
		StartedAt: started.Format(time.RFC3339Nano), APICalls: counter.Snapshot().Map()}
	ids := make([]string, 0, len(subs))
	for _, s := range subs {
		p.Subscriptions = append(p.Subscriptions, Subscription(s))
		ids = append(ids, s.SubscriptionID)
	}
	mode, reason, since, state := e.chooseMode(ctx, req, started, ids)
	p.Mode, p.ModeReason, p.State = mode, reason, state
	if mode == ModeIncremental {
		p.Since = since.Format(time.RFC3339Nano)
	}
	if req.Incremental && !req.Full {
		e.Logger.Info("scan mode", "tenant_id", req.TenantID, "mode", mode, "reason", reason, "since", p.Since)
	}
	// The Entra shard comes first: its calls are chained (pages, then one member list per
	// group), so it is often the longest shard; started last it would be the scan's tail when
	// the shards fan out over several workers.
	if req.IncludeIdentities {
		p.Shards = append(p.Shards, Shard{ID: "entra", Kind: ShardEntra})
	}
	for i := 0; i < len(ids); i += e.ShardSubscriptions {
		p.Shards = append(p.Shards, Shard{ID: fmt.Sprintf("subscriptions-%03d", i/e.ShardSubscriptions),
			Kind: ShardSubscription, SubscriptionIDs: ids[i:min(i+e.ShardSubscriptions, len(ids))]})
	}
	e.live.subsTotal.Store(int64(len(ids)))
	e.live.subsDone.Store(0)
	e.live.resources.Store(0)
	e.Logger.Debug("scan planned", "scan_id", p.ScanID, "tenant_id", req.TenantID, "subscriptions", len(ids), "shards", len(p.Shards))
	return p, nil
}

// keepFunc returns the resource-group filter of a request (nil when there is none).
func keepFunc(req Request) discover.Keep {
	if len(req.ResourceGroups) == 0 {
		return nil
	}
	pats := make([]string, len(req.ResourceGroups))
	for i, g := range req.ResourceGroups {
		pats[i] = strings.ToLower(strings.TrimSpace(g))
	}
	return func(_, rg string) bool {
		rg = strings.ToLower(rg)
		for _, p := range pats {
			if ok, _ := path.Match(p, rg); ok {
				return true
			}
		}
		return false
	}
}

// RunShard discovers one shard and writes its nodes (and the edges among them) to the store.
// Discovery errors are returned as Failures in the result; the error return is for what stops
// the shard as a whole (store unavailable, context cancelled). Running a shard twice changes
// nothing: every write is an idempotent upsert tagged with the plan's scan id.
func (e *Engine) RunShard(ctx context.Context, p Plan, s Shard) (ShardResult, error) {
	if err := e.check(); err != nil {
		return ShardResult{}, err
	}
	e.init()
	tenant := p.Request.TenantID
	counter := &azure.Counter{}
	ctx = azure.WithCounter(ctx, counter)
	sink := &discover.Sink{}
	// A shard's nodes go to the store in batches while discovery runs (peak memory is a batch,
	// not the shard); a filtered scan keeps them too, to pull what they reference.
	filtered := len(p.Request.Subscriptions) > 0 || keepFunc(p.Request) != nil
	col := newCollector(func() { e.live.resources.Add(1) }, filtered, func(batch []graph.Node) error {
		return e.upsertNodes(ctx, tenant, p.ScanID, append(batch, rules.SharedNodes(batch)...))
	})
	col.add(discover.TenantNode(tenant, p.TenantName, p.TenantDomain))
	res := ShardResult{ShardID: s.ID, ByType: map[string]int{}, Labels: map[string]int{}, Mode: ModeFull}
	log := e.Logger.With("scan_id", p.ScanID, "shard", s.ID)
	failpoint.Hit(ctx, "scan.discover")
	fallback := func(err error) {
		log.Warn("incremental shard falls back to a full listing", "error", err)
		res.Mode, res.FallbackReason = ModeFull, err.Error()
		res.Drop, res.Refreshed, res.ARGTypes = nil, nil, nil
	}
	switch s.Kind {
	case ShardSubscription:
		if p.Mode == ModeIncremental {
			res.Mode = ModeIncremental
			if err := e.runSubscriptionsIncremental(ctx, p, s, col, sink, &res); err != nil {
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				fallback(err)
			}
		}
		if res.Mode == ModeFull {
			rgs, argTypes, err := e.runSubscriptions(ctx, p, s, col, sink)
			if err != nil {
				return res, err
			}
			res.ResourceGroups, res.ARGTypes = rgs, argTypes
		}
	case ShardEntra:
		e.report("identities", 0, "listing users, groups, service principals, applications")
		if p.Mode == ModeIncremental {
			res.Mode = ModeIncremental
			links, removed, err := e.disc.EntraDelta(ctx, tenant, p.State.DeltaLinks, col.add, sink)
			if err != nil {
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				fallback(err)
			} else {
				res.DeltaLinks, res.Drop = links, removed
			}
		}
		if res.Mode == ModeFull {
			// delta links first: the next incremental scan sees every change made from now on
			links, err := e.disc.LatestDeltaLinks(ctx)
			if err != nil {
				log.Warn("no MS Graph delta links: the next incremental scan will be full", "error", err)
			}
			res.DeltaLinks = links
			if err := e.disc.Entra(ctx, tenant, col.add, sink); err != nil {
				return res, fmt.Errorf("shard %s: %w", s.ID, err)
			}
		}
	default:
		return res, fmt.Errorf("shard %s: unknown kind %q", s.ID, s.Kind)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	// Nodes only, with the shared Tag/Region nodes they use: Finalize derives every edge once,
	// over all shards' nodes.
	failpoint.Hit(ctx, "scan.ingest")
	if err := col.close(); err != nil {
		return res, fmt.Errorf("shard %s: %w", s.ID, err)
	}
	res.Labels, res.ByType, res.Resources, res.Nodes = col.counts()
	res.Failures = sink.Failed()
	sortFailures(res.Failures)
	st := counter.Snapshot()
	res.APICalls, res.Throttled, res.Retries = st.Map(), st.Throttled, st.Retries
	if s.Kind == ShardSubscription {
		e.live.subsDone.Add(int64(len(s.SubscriptionIDs)))
	}
	log.Debug("shard done", "resources", res.Resources, "nodes", res.Nodes,
		"failures", len(res.Failures), "calls", st.Total(), "throttled", st.Throttled)
	e.report("resources", 0, "shard "+s.ID+" done")
	return res, nil
}

// runSubscriptions discovers resource groups, resources (+ children) and RBAC of a shard's
// subscriptions. It returns the resource groups found per subscription.
func (e *Engine) runSubscriptions(ctx context.Context, p Plan, s Shard, col *collector, sink *discover.Sink) (map[string][]string, []string, error) {
	tenant := p.Request.TenantID
	keep := keepFunc(p.Request)
	for _, sub := range p.Subscriptions {
		if slices.Contains(s.SubscriptionIDs, sub.SubscriptionID) {
			col.add(discover.SubscriptionNode(tenant, sub.SubscriptionID, sub.DisplayName, sub.State))
		}
	}
	if len(s.SubscriptionIDs) == 0 {
		return nil, nil, nil
	}
	types, err := e.disc.Types(ctx, s.SubscriptionIDs[0])
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		sink.Fail(discover.FailureFrom(s.SubscriptionIDs[0], "/subscriptions/"+s.SubscriptionIDs[0]+"/providers", err))
		types = map[string]discover.TypeInfo{}
	}
	var rgMu sync.Mutex
	rgs := map[string][]string{}
	g, gctx := safego.WithContext(ctx)
	g.Go(func() error {
		err := e.disc.ResourceGroups(gctx, tenant, s.SubscriptionIDs, keep, func(n graph.Node) {
			sub, _ := n.Props[graph.PropSubscription].(string)
			name, _ := n.Props[graph.PropName].(string)
			rgMu.Lock()
			rgs[sub] = append(rgs[sub], strings.ToLower(name))
			rgMu.Unlock()
			col.add(n)
		})
		if err != nil && gctx.Err() == nil {
			for _, sub := range s.SubscriptionIDs {
				sink.Fail(discover.FailureFrom(sub, "resourcecontainers", err))
			}
		}
		return nil
	})
	var argTypes map[string]bool
	g.Go(func() error {
		e.report("resources", 0, "querying Resource Graph")
		var found []graph.Node // parents for the child walk: stubs, not the full JSON
		var err error
		argTypes, err = e.disc.Resources(gctx, tenant, s.SubscriptionIDs, types, keep, func(n graph.Node) {
			found = append(found, discover.ParentStub(n))
			col.add(n)
		}, sink)
		if err != nil {
			if gctx.Err() != nil {
				return nil
			}
			for _, sub := range s.SubscriptionIDs {
				sink.Fail(discover.FailureFrom(sub, "resources", err))
			}
			return nil
		}
		e.report("children", 0, "listing child resources")
		seen := map[string]bool{}
		for _, n := range found {
			seen[n.ID] = true
		}
		return e.disc.WalkChildren(gctx, tenant, types, found, argTypes, seen, col.add, sink)
	})
	if p.Request.IncludeRBAC && len(p.Subscriptions) > 0 && slices.Contains(s.SubscriptionIDs, p.Subscriptions[0].SubscriptionID) {
		// the management group hierarchy, once per scan (by the shard of the first subscription)
		g.Go(func() error {
			if err := e.disc.ManagementGroups(gctx, tenant, col.add); err != nil && gctx.Err() == nil {
				sink.Fail(discover.FailureFrom("tenant", discover.ManagementGroupPath(tenant), err))
			}
			return nil
		})
	}
	if p.Request.IncludeRBAC {
		for _, sub := range s.SubscriptionIDs {
			g.Go(func() error {
				emit := func(n graph.Node) {
					if keep != nil && n.Label == graph.LabelRoleAssignment {
						scope, _ := n.Props["scope"].(string)
						if a, ok := armid.Parse(scope); ok && a.ResourceGroup != "" && !keep(sub, a.ResourceGroup) {
							return
						}
					}
					col.add(n)
				}
				if err := e.disc.RoleAssignments(gctx, tenant, sub, emit); err != nil && gctx.Err() == nil {
					sink.Fail(discover.FailureFrom(sub, "/subscriptions/"+sub+"/providers/Microsoft.Authorization/roleAssignments", err))
				}
				if err := e.disc.RoleDefinitions(gctx, tenant, sub, emit); err != nil && gctx.Err() == nil {
					sink.Fail(discover.FailureFrom(sub, "/subscriptions/"+sub+"/providers/Microsoft.Authorization/roleDefinitions", err))
				}
				// governance: policy assignments and locks (one list each)
				e.disc.Governance(gctx, tenant, sub, func(n graph.Node) {
					if a, ok := armid.Parse(n.ID); ok && keep != nil && a.ResourceGroup != "" && !keep(sub, a.ResourceGroup) {
						return
					}
					col.add(n)
				}, sink)
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if len(p.Request.Subscriptions) > 0 || keep != nil {
		e.pullReferenced(ctx, p, s, types, col, sink)
	}
	for sub := range rgs {
		slices.Sort(rgs[sub])
	}
	types_ := make([]string, 0, len(argTypes))
	for t := range argTypes {
		types_ = append(types_, t)
	}
	slices.Sort(types_)
	return rgs, types_, nil
}

// pullReferenced GETs the resources outside the filter that in-scope resources reference (a
// NIC's subnet in another resource group) and adds them marked out_of_scope.
func (e *Engine) pullReferenced(ctx context.Context, p Plan, s Shard, types map[string]discover.TypeInfo, col *collector, sink *discover.Sink) {
	keep := keepFunc(p.Request)
	inPlan := map[string]bool{}
	for _, sub := range p.Subscriptions {
		inPlan[sub.SubscriptionID] = true
	}
	derived := rules.ApplyAll(col.list(), nil)
	want := map[string]bool{}
	for _, edge := range derived.Edges {
		if edge.ToLabel != graph.LabelResource || col.has(graph.LabelResource, edge.To) {
			continue
		}
		a, ok := armid.Parse(edge.To)
		if !ok || a.ResourceGroup == "" {
			continue
		}
		if inPlan[strings.ToLower(a.Subscription)] && (keep == nil || keep(strings.ToLower(a.Subscription), a.ResourceGroup)) {
			continue // in scope: its own listing finds it (or it does not exist)
		}
		want[edge.To] = true
	}
	if len(want) == 0 {
		return
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	g, gctx := safego.WithContext(ctx)
	g.SetLimit(e.Concurrency)
	for _, id := range ids {
		g.Go(func() error {
			a, _ := armid.Parse(id)
			ti := types[strings.ToLower(a.Type())]
			env, err := e.disc.Get(gctx, id, ti.APIVersion)
			if err != nil {
				if gctx.Err() != nil {
					return nil
				}
				if status, _ := azure.ErrorCode(err); status == 404 {
					return nil // a dangling reference, not a discovery failure
				}
				sink.Fail(discover.FailureFrom(strings.ToLower(a.Subscription), id, err))
				return nil
			}
			n := discover.ARMNode(p.Request.TenantID, env, ti)
			if n.Label == graph.LabelResource {
				n.Props[graph.PropOutOfScope] = true
				col.add(n)
			}
			return nil
		})
	}
	_ = g.Wait()
	e.Logger.Debug("pulled in referenced out-of-scope resources", "shard", s.ID, "count", len(ids))
}

func (e *Engine) upsertNodes(ctx context.Context, tenant, scanID string, nodes []graph.Node) error {
	for i := 0; i < len(nodes); i += batchSize {
		if err := e.Store.UpsertNodes(ctx, tenant, scanID, nodes[i:min(i+batchSize, len(nodes))]); err != nil {
			return fmt.Errorf("writing nodes: %w", err)
		}
	}
	return nil
}

func (e *Engine) upsertEdges(ctx context.Context, tenant, scanID string, edges []graph.Edge) (int, error) {
	skipped := 0
	for i := 0; i < len(edges); i += batchSize {
		n, err := e.Store.UpsertEdges(ctx, tenant, scanID, edges[i:min(i+batchSize, len(edges))])
		if err != nil {
			return skipped, fmt.Errorf("writing edges: %w", err)
		}
		skipped += n
	}
	return skipped, nil
}

func sortFailures(fs []Failure) {
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Scope != fs[j].Scope {
			return fs[i].Scope < fs[j].Scope
		}
		return fs[i].ID < fs[j].ID
	})
}

// Finalize derives every edge over the tenant's stored nodes (so edges across shards and
// REFERENCES resolve), removes what disappeared from the plan's scope — never from subscriptions
// or directories whose discovery failed — and sums the shard results.
func (e *Engine) Finalize(ctx context.Context, p Plan, results []ShardResult) (Result, error) {
	if err := e.check(); err != nil {
		return Result{}, err
	}
	e.init()
	tenant := p.Request.TenantID
	e.report("finalize", 95, "deriving relationships")
	failpoint.Hit(ctx, "scan.finalize")
	out := Result{TenantID: tenant, ScanID: p.ScanID, Subscriptions: len(p.Subscriptions), ByType: map[string]int{},
		APICalls: map[string]int{}, Failures: []Failure{}}
	for k, v := range p.APICalls {
		out.APICalls[k] += v
	}
	for _, k := range []azure.API{azure.APIARM, azure.APIARG, azure.APIMSGraph} {
		out.APICalls[string(k)] += 0
	}
	out.Mode, out.ModeReason = ModeFull, p.ModeReason
	if p.Mode == ModeIncremental {
		out.Mode = ModeIncremental
		var why []string
		fell := 0
		for _, r := range results {
			if r.Mode == ModeFull {
				fell++
				why = append(why, "shard "+r.ShardID+" ran fully: "+r.FallbackReason)
			}
		}
		sort.Strings(why)
		if len(p.Shards) > 0 && fell >= len(p.Shards) {
			out.Mode = ModeFull
		}
		out.ModeReason = strings.Join(why, "; ")
	}
	done := map[string]bool{}
	failedSubs := map[string]bool{}
	entraFailed := false
	rgs := map[string]bool{}
	for _, r := range results {
		if done[r.ShardID] {
			continue // a shard reported twice (redelivered message) counts once
		}
		done[r.ShardID] = true
		out.Resources += r.Resources
		for t, n := range r.ByType {
			out.ByType[t] += n
		}
		for k, v := range r.APICalls {
			out.APICalls[k] += v
		}
		out.Throttled += r.Throttled
		out.Failures = append(out.Failures, r.Failures...)
		for _, sub := range r.ResourceGroups {
			for _, rg := range sub {
				rgs[rg] = true
			}
		}
		if len(r.Failures) > 0 {
			if r.ShardID == "entra" {
				entraFailed = true
			}
			for _, sh := range p.Shards {
				if sh.ID == r.ShardID {
					for _, sub := range sh.SubscriptionIDs {
						failedSubs[sub] = true
					}
				}
			}
		}
	}
	for _, sh := range p.Shards {
		if !done[sh.ID] {
			out.Failures = append(out.Failures, Failure{Scope: sh.ID, ID: sh.ID, Code: "ShardNotRun", Message: "the shard produced no result"})
			if sh.Kind == ShardEntra {
				entraFailed = true
			}
			for _, sub := range sh.SubscriptionIDs {
				failedSubs[sub] = true
			}
		}
	}
	sortFailures(out.Failures)

	// Derive every edge from the nodes that stay: stale nodes about to be removed take no part
	// (their edges and the Tag/Region nodes only they used go with them).
	scopes := e.cleanupScopes(p, failedSubs, entraFailed, rgs)
	if p.Mode == ModeIncremental && out.Mode == ModeIncremental { // (every shard fell back: a full scan)
		if err := e.finalizeIncremental(ctx, p, results, scopes, &out); err != nil {
			return out, err
		}
	} else if err := e.finalizeFull(ctx, p, scopes, &out); err != nil {
		return out, err
	}
	removed := out.Removed
	if len(out.Failures) == 0 && len(p.Request.Subscriptions) == 0 && len(p.Request.ResourceGroups) == 0 {
		if err := writeScanState(ctx, e.Store, tenant, p.ScanID, nextState(p, results)); err != nil {
			return out, fmt.Errorf("finalize: %w", err)
		}
	} else if len(out.Failures) > 0 {
		e.Logger.Warn("the scan had failures: the scan state stays at the last successful scan", "failures", len(out.Failures))
	}
	if t, err := time.Parse(time.RFC3339Nano, p.StartedAt); err == nil {
		out.DurationS = float64(e.now().Sub(t).Milliseconds()) / 1000
	}
	e.report("done", 100, "scan complete")
	if p.Request.Incremental {
		e.Logger.Info("scan done", "scan_id", p.ScanID, "mode", out.Mode, "mode_reason", out.ModeReason)
	}
	e.Logger.Debug("scan finalized", "scan_id", p.ScanID, "mode", out.Mode, "resources", out.Resources, "relationships", out.Relationships,
		"failures", len(out.Failures), "removed_nodes", removed.Nodes, "removed_edges", removed.Edges)
	return out, nil
}

// finalizeFull derives every edge over the tenant's stored nodes, writes them all and removes
// what the scan did not see within the cleanup scopes.
func (e *Engine) finalizeFull(ctx context.Context, p Plan, scopes []graph.Scope, out *Result) error {
	tenant := p.Request.TenantID
	derived, err := e.deriveEdges(ctx, tenant, p.ScanID, scopes, out)
	if err != nil {
		return err
	}
	if err := e.upsertNodes(ctx, tenant, p.ScanID, derived.Nodes); err != nil {
		return fmt.Errorf("finalize: %w", err)
	}
	skipped, err := e.upsertEdges(ctx, tenant, p.ScanID, derived.Edges)
	if err != nil {
		return fmt.Errorf("finalize: %w", err)
	}
	out.Relationships = len(derived.Edges) - skipped
	for _, sc := range scopes {
		r, err := e.Store.DeleteStale(ctx, tenant, p.ScanID, sc)
		if err != nil {
			return fmt.Errorf("finalize: removing stale nodes: %w", err)
		}
		out.Removed.Nodes += r.Nodes
		out.Removed.Edges += r.Edges
	}
	return nil
}

// defaultFinalizeChunk is how many nodes Finalize holds at once while deriving edges: the
// tenant's nodes are streamed from the store twice (index, then rules) instead of held whole,
// so peak memory follows the derived edges, not the full JSON of every resource.
const defaultFinalizeChunk = 2048

// deriveEdges derives every edge from the nodes that stay — stale nodes about to be removed
// take no part (their edges and the Tag/Region nodes only they used go with them) — and
// counts what this scan refreshed (identities, role assignments) into out.
func (e *Engine) deriveEdges(ctx context.Context, tenant, scanID string, scopes []graph.Scope, out *Result) (rules.Result, error) {
	live := func(n graph.Node) bool { return n.LastSeen == scanID || !covered(scopes, n) }
	idx := rules.NewIndex()
	if err := e.Store.Nodes(ctx, tenant, graph.NodeQuery{}, func(n graph.Node) error {
		if n.LastSeen == scanID { // counts of what this scan refreshed, deduplicated by the store
			countIdentities(n, out)
		}
		if live(n) {
			idx.Add(n)
		}
		return nil
	}); err != nil {
		return rules.Result{}, fmt.Errorf("finalize: indexing nodes: %w", err)
	}
	st := rules.NewStreaming(idx)
	size := e.FinalizeChunk
	if size <= 0 {
		size = defaultFinalizeChunk
	}
	chunk := make([]graph.Node, 0, size)
	if err := e.Store.Nodes(ctx, tenant, graph.NodeQuery{}, func(n graph.Node) error {
		if !live(n) {
			return nil
		}
		chunk = append(chunk, n)
		if len(chunk) == size {
			st.Add(chunk)
			clear(chunk) // drop the JSON before the next chunk is read
			chunk = chunk[:0]
		}
		return ctx.Err()
	}); err != nil {
		return rules.Result{}, fmt.Errorf("finalize: reading nodes: %w", err)
	}
	st.Add(chunk)
	return st.Result(), nil
}

// covered reports whether any cleanup scope covers node n.
func covered(scopes []graph.Scope, n graph.Node) bool {
	sc, ok := graph.NodeSchemaFor(n.Label)
	if !ok {
		return false
	}
	f := sc.Facts(n.Props)
	for _, s := range scopes {
		if sc.ScopeCovers(s, f) {
			return true
		}
	}
	return false
}

// cleanupScopes says what stale cleanup may remove: what the plan covered, leaving alone
// subscriptions (and the directory) whose discovery had failures.
func (e *Engine) cleanupScopes(p Plan, failedSubs map[string]bool, entraFailed bool, rgs map[string]bool) []graph.Scope {
	req := p.Request
	var okSubs []string
	for _, s := range p.Subscriptions {
		if !failedSubs[s.SubscriptionID] {
			okSubs = append(okSubs, s.SubscriptionID)
		}
	}
	filtered := len(req.Subscriptions) > 0 || len(req.ResourceGroups) > 0
	var scopes []graph.Scope
	if len(okSubs) > 0 {
		sc := graph.Scope{Labels: []graph.Label{graph.LabelResourceGroup, graph.LabelResource}}
		if len(req.Subscriptions) > 0 || len(failedSubs) > 0 {
			sc.Subscriptions = okSubs
		}
		if len(req.ResourceGroups) > 0 {
			for rg := range rgs {
				sc.ResourceGroups = append(sc.ResourceGroups, rg)
			}
			sort.Strings(sc.ResourceGroups)
		} else {
			sc.Labels = append(sc.Labels, graph.LabelSubscription)
			if req.IncludeRBAC {
				sc.Labels = append(sc.Labels, graph.LabelRoleAssignment)
			}
		}
		if len(req.ResourceGroups) == 0 || len(sc.ResourceGroups) > 0 {
			scopes = append(scopes, sc)
		}
	}
	if !filtered && len(failedSubs) == 0 {
		tl := []graph.Label{graph.LabelTag, graph.LabelRegion}
		if req.IncludeRBAC {
			tl = append(tl, graph.LabelRoleDefinition)
		}
		scopes = append(scopes, graph.Scope{Labels: tl})
	}
	if req.IncludeIdentities && !entraFailed {
		scopes = append(scopes, graph.Scope{Labels: graph.EntraLabels})
	}
	if len(failedSubs) > 0 || entraFailed {
		e.Logger.Warn("stale cleanup skipped where discovery failed", "subscriptions", len(failedSubs), "entra", entraFailed)
	}
	return scopes
}

// Run plans, runs the shards concurrently (bounded) and finalizes. A shard that fails as a
// whole becomes a failure of the result; the scan goes on.
func (e *Engine) Run(ctx context.Context, req Request) (Result, error) {
	p, err := e.Plan(ctx, req)
	if err != nil {
		return Result{}, err
	}
	var mu sync.Mutex
	var results []ShardResult
	g, gctx := safego.WithContext(ctx)
	g.SetLimit(max(2, e.Concurrency/4))
	for _, s := range p.Shards {
		g.Go(func() error {
			r, err := e.RunShard(gctx, p, s)
			if err != nil {
				if gctx.Err() != nil {
					return gctx.Err()
				}
				e.Logger.Error("shard failed", "shard", s.ID, "error", err)
				r = ShardResult{ShardID: s.ID, Failures: []Failure{{Scope: s.ID, ID: s.ID, Code: "ShardFailed", Message: err.Error()}}}
			}
			mu.Lock()
			results = append(results, r)
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	return e.Finalize(ctx, p, results)
}
