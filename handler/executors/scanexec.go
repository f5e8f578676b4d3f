package executors

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/worker"
)

// ScanExecutor runs scan jobs on the engine, one queue message per shard.
type ScanExecutor struct {
	Store     graph.Store
	Endpoints azure.Endpoints
	// Identity is how scans authenticate to the scanned tenant (config azure_client_id,
	// azure_mi_client_id); nil: from the environment.
	Identity *azure.Identity
	Throttle azure.ThrottleOptions
	Logger   *slog.Logger
	// Concurrency bounds the engine's concurrent list calls within one invocation (0: engine default).
	Concurrency int
	// ShardSubscriptions is how many subscriptions one shard (one queue message) covers;
	// 0 means 1: the service fans out one message per subscription, plus the Entra shard.
	ShardSubscriptions int
}

// ScanArtifact is the name of the scan summary artifact.
const ScanArtifact = "scan-summary.json"

func (x *ScanExecutor) engine(tenantID string, log *slog.Logger) (*scan.Engine, error) {
	if log == nil {
		log = x.Logger
	}
	c, err := azure.NewClients(azure.Options{Endpoints: x.Endpoints, Identity: x.Identity, TenantID: tenantID, Throttle: x.Throttle, Logger: log})
	if err != nil {
		return nil, fmt.Errorf("azure clients for tenant %s: %w", tenantID, err)
	}
	per := x.ShardSubscriptions
	if per <= 0 {
		per = 1
	}
	return &scan.Engine{Store: x.Store, Azure: c, Logger: log, Concurrency: x.Concurrency, ShardSubscriptions: per}, nil
}

// Plan implements Sharded.
func (x *ScanExecutor) Plan(ctx context.Context, jc *worker.JobContext) (json.RawMessage, []string, error) {
	var req api.ScanRequest
	if err := json.Unmarshal(jc.Request, &req); err != nil {
		return nil, nil, errs.Wrap(errs.Invalid, err, "stored scan request is unreadable")
	}
	sreq := scan.Request{TenantID: req.TenantID, Subscriptions: req.SubscriptionIDs, ResourceGroups: req.ResourceGroups,
		IncludeIdentities: req.IncludeIdentities == nil || *req.IncludeIdentities, IncludeRBAC: req.IncludeRBAC == nil || *req.IncludeRBAC,
		Incremental: req.Incremental, Full: req.Full}
	eng, err := x.engine(req.TenantID, jc.Logger)
	if err != nil {
		return nil, nil, err
	}
	p, err := eng.Plan(ctx, sreq)
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding plan: %w", err)
	}
	ids := make([]string, 0, len(p.Shards))
	for _, s := range p.Shards {
		ids = append(ids, s.ID)
	}
	return b, ids, nil
}

// RunShard implements Sharded.
func (x *ScanExecutor) RunShard(ctx context.Context, jc *worker.JobContext, plan json.RawMessage, shard string) (json.RawMessage, map[string]int, error) {
	var p scan.Plan
	if err := json.Unmarshal(plan, &p); err != nil {
		return nil, nil, fmt.Errorf("decoding plan: %w", err)
	}
	var sh *scan.Shard
	for i := range p.Shards {
		if p.Shards[i].ID == shard {
			sh = &p.Shards[i]
		}
	}
	if sh == nil {
		return nil, nil, errs.Errorf(errs.Invalid, "shard %s is not in plan %s", shard, p.ScanID)
	}
	eng, err := x.engine(p.Request.TenantID, jc.Logger)
	if err != nil {
		return nil, nil, err
	}
	r, err := eng.RunShard(ctx, p, *sh)
	if err != nil {
		return nil, nil, err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding shard result: %w", err)
	}
	counts := map[string]int{"resources": r.Resources, "nodes": r.Nodes}
	ids := 0
	for _, l := range []graph.Label{graph.LabelUser, graph.LabelGroup, graph.LabelServicePrincipal, graph.LabelApplication} {
		ids += r.Labels[string(l)]
	}
	if ids > 0 {
		counts["identities"] = ids
	}
	if len(r.Failures) > 0 {
		counts["failures"] = len(r.Failures)
	}
	return b, counts, nil
}

// Finalize implements Sharded: cross-shard edges, stale cleanup and the summary, stored as
// the scan-summary.json artifact too.
func (x *ScanExecutor) Finalize(ctx context.Context, jc *worker.JobContext, plan json.RawMessage, results []json.RawMessage) (json.RawMessage, error) {
	var p scan.Plan
	if err := json.Unmarshal(plan, &p); err != nil {
		return nil, fmt.Errorf("decoding plan: %w", err)
	}
	rs := make([]scan.ShardResult, 0, len(results))
	for _, b := range results {
		var r scan.ShardResult
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("decoding shard result: %w", err)
		}
		rs = append(rs, r)
	}
	eng, err := x.engine(p.Request.TenantID, jc.Logger)
	if err != nil {
		return nil, err
	}
	res, err := eng.Finalize(ctx, p, rs)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("encoding scan result: %w", err)
	}
	var pretty bytes.Buffer
	_ = json.Indent(&pretty, b, "", "  ")
	pretty.WriteByte('\n')
	// A redelivered or concurrent finalize computes the summary again (its duration differs);
	// the first stored summary wins and is the job's result, so result and artifact agree.
	_, stored, err := jc.CreateArtifact(ctx, ScanArtifact, "application/json", pretty.Bytes())
	if err != nil {
		return nil, fmt.Errorf("storing %s: %w", ScanArtifact, err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, stored); err != nil {
		return nil, fmt.Errorf("reading stored %s: %w", ScanArtifact, err)
	}
	return compact.Bytes(), nil
}
