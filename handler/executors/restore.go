package executors

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

// RestoreExecutor runs restore jobs.
type RestoreExecutor struct {
	Graph  graph.Store
	Store  backup.BackupStore
	Logger *slog.Logger
}

// Run implements Runner.
func (x *RestoreExecutor) Run(ctx context.Context, jc *worker.JobContext) (json.RawMessage, error) {
	var req backup.RestoreRequest
	if err := json.Unmarshal(jc.Request, &req); err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "stored restore request is unreadable")
	}
	res, err := restoreBackups(ctx, x.Graph, x.Store, req, jc.Progress, x.Logger)
	if err != nil {
		return nil, err
	}
	return json.Marshal(res)
}

// restoreBackups restores what req selects (see RestoreRequest).
func restoreBackups(ctx context.Context, g graph.Store, st backup.BackupStore, req backup.RestoreRequest, progress func(jobs.Progress), log *slog.Logger) (backup.RestoreResult, error) {
	res := backup.RestoreResult{Tenants: []backup.RestoredTenant{}}
	all, err := st.List(ctx, "")
	if err != nil {
		return res, storageError("listing backups", err)
	}
	newest := map[string]backup.Backup{} // List is by tenant then time: the last one wins
	byName := map[string]backup.Backup{}
	for _, b := range all {
		newest[b.TenantID] = b
		byName[b.Name] = b
	}
	var plan []backup.Backup
	for _, n := range req.Backups {
		b, ok := byName[n]
		if !ok {
			return res, errs.Errorf(errs.NotFound, "no backup %s", n)
		}
		plan = append(plan, b)
	}
	tenants := req.TenantIDs
	if len(tenants) == 0 && len(req.Backups) == 0 {
		for t := range newest {
			tenants = append(tenants, t)
		}
		slices.Sort(tenants)
	}
	for _, t := range tenants {
		b, ok := newest[t]
		if !ok {
			return res, errs.Errorf(errs.NotFound, "no backup of tenant %s", t)
		}
		plan = append(plan, b)
	}
	for i, b := range plan {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if progress != nil {
			progress(jobs.Progress{Percent: 5 + 90*i/max(len(plan), 1), Phase: "restore",
				Message: fmt.Sprintf("tenant %d/%d", i+1, len(plan)), Counts: map[string]int{"tenants_done": i, "tenants_total": len(plan)}})
		}
		rt := backup.RestoredTenant{TenantID: b.TenantID, Backup: b.Name, ExpectedNodes: b.Nodes, ExpectedEdges: b.Edges}
		ir, err := Restore(ctx, g, st, b.Name, b.TenantID, req.Replace)
		switch {
		case errors.Is(err, graph.ErrTenantNotEmpty):
			rt.Skipped = "the tenant already has a graph (restore with replace to overwrite it)"
		case err != nil:
			return res, fmt.Errorf("restoring %s from %s: %w", b.TenantID, b.Name, err)
		default:
			rt.Nodes, rt.Edges = ir.Nodes, ir.Edges
		}
		if log != nil {
			log.Info("graph restored from backup", "tenant_id", b.TenantID, "backup", b.Name, "nodes", rt.Nodes, "edges", rt.Edges, "skipped", rt.Skipped != "")
		}
		res.Tenants = append(res.Tenants, rt)
	}
	return res, nil
}
