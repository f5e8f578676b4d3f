package executors

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

// ---- backing up, pruning, restoring ----

// Backuper exports tenants' graphs into a BackupStore and prunes old backups.
type Backuper struct {
	Graph graph.Store
	Store backup.BackupStore
	// RetentionDays: backups older than this are deleted by Prune; 0 keeps everything
	// (the storage lifecycle rule still expires them).
	RetentionDays int
	Logger        *slog.Logger
}

func (b *Backuper) log() *slog.Logger {
	if b.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return b.Logger
}

// Backup exports tenantID's graph (JSON export, gzipped) to the blob for time at, streaming:
// nothing is held in memory but a buffer. A failed export leaves no blob.
func (b *Backuper) Backup(ctx context.Context, tenantID string, at time.Time, jobID string) (backup.Backup, error) {
	tenantID, err := graph.CheckTenant(tenantID)
	if err != nil {
		return backup.Backup{}, errs.Wrap(errs.Invalid, err, err.Error())
	}
	bk := backup.Backup{Name: backup.BackupName(tenantID, at), TenantID: tenantID, CreatedAt: at.UTC().Truncate(time.Second), JobID: jobID}
	pr, pw := io.Pipe()
	done := make(chan graph.ExportResult, 1)
	go func() {
		var res graph.ExportResult
		zw, err := gzip.NewWriterLevel(pw, gzip.BestSpeed)
		if err == nil {
			res, err = graph.Export(ctx, b.Graph, tenantID, graph.FormatJSON, zw)
			if cerr := zw.Close(); err == nil {
				err = cerr
			}
		}
		done <- res
		pw.CloseWithError(err) // nil: the reader sees EOF and the upload commits
	}()
	var res graph.ExportResult
	received := false
	wait := func() { // the export's counts (Put calls final in this goroutine)
		if !received {
			res, received = <-done, true
		}
	}
	out, err := b.Store.Put(ctx, bk, pr, func(o *backup.Backup) { wait(); o.Nodes, o.Edges = res.Nodes, res.Edges })
	pr.CloseWithError(errors.New("backup upload ended")) // unblocks the exporter if Put stopped early
	wait()
	if err != nil {
		return backup.Backup{}, fmt.Errorf("backing up tenant %s: %w", tenantID, err)
	}
	b.log().Info("graph backup written", "tenant_id", tenantID, "blob", out.Name, "nodes", out.Nodes, "edges", out.Edges, "bytes", out.Size)
	return out, nil
}

// Prune deletes backups older than RetentionDays before now, except the newest backup of each
// tenant (the last good copy is never removed by the service; the lifecycle rule is the hard
// limit). It returns the deleted names.
func (b *Backuper) Prune(ctx context.Context, now time.Time) ([]string, error) {
	deleted := []string{}
	if b.RetentionDays <= 0 {
		return deleted, nil
	}
	all, err := b.Store.List(ctx, "")
	if err != nil {
		return deleted, err
	}
	cutoff := now.UTC().Add(-time.Duration(b.RetentionDays) * 24 * time.Hour)
	newest := map[string]time.Time{}
	for _, bk := range all {
		if bk.CreatedAt.After(newest[bk.TenantID]) {
			newest[bk.TenantID] = bk.CreatedAt
		}
	}
	for _, bk := range all {
		if !bk.CreatedAt.Before(cutoff) || bk.CreatedAt.Equal(newest[bk.TenantID]) {
			continue
		}
		if err := b.Store.Delete(ctx, bk.Name); err != nil {
			return deleted, err
		}
		deleted = append(deleted, bk.Name)
	}
	if len(deleted) > 0 {
		b.log().Info("old graph backups deleted", "count", len(deleted), "retention_days", b.RetentionDays)
	}
	return deleted, nil
}

// Restore imports backup name into tenantID of s (replace: delete the tenant's graph first,
// else the tenant must be empty) — what `atg graph import --input FILE.json.gz` does with a
// downloaded copy.
func Restore(ctx context.Context, s graph.Store, st backup.BackupStore, name, tenantID string, replace bool) (graph.ImportResult, error) {
	_, rc, err := st.Open(ctx, name)
	if err != nil {
		return graph.ImportResult{}, err
	}
	defer rc.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(rc, 1<<16))
	if err != nil {
		return graph.ImportResult{}, fmt.Errorf("backup %s: %w", name, err)
	}
	defer zr.Close()
	return graph.Import(ctx, s, tenantID, zr, graph.ImportOptions{Replace: replace})
}

// BackupExecutor runs backup jobs: every requested tenant (default: every tenant in the
// graph) to its blob named after the job's creation time, then Prune. A redelivered job
// skips the tenants whose blob from this job is already there.
type BackupExecutor struct {
	Backuper
	Container string // for the result
	// RestoreEmpty: a timer job that finds no tenant in the graph while backups exist restores
	// them (Neo4j's store lives on the container's local disk and is lost when ACI recreates it).
	RestoreEmpty bool
}

// Run implements Runner.
func (x *BackupExecutor) Run(ctx context.Context, jc *worker.JobContext) (json.RawMessage, error) {
	var req backup.BackupRequest
	if err := json.Unmarshal(jc.Request, &req); err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "stored backup request is unreadable")
	}
	tenants, err := x.Graph.Tenants(ctx)
	if err != nil {
		return nil, &errs.Error{Code: errs.Unavailable, Message: "graph store unavailable", Err: err}
	}
	if len(tenants) == 0 && x.RestoreEmpty && req.Trigger == "timer" && len(req.TenantIDs) == 0 {
		restored, err := restoreBackups(ctx, x.Graph, x.Store, backup.RestoreRequest{}, jc.Progress, x.log())
		if err != nil {
			return nil, err
		}
		if len(restored.Tenants) > 0 {
			x.log().Warn("the graph was empty while backups exist: restored the newest backup of every tenant", "tenants", len(restored.Tenants))
			return json.Marshal(backup.BackupResult{Backups: []backup.Backup{}, Pruned: []string{}, RetentionDays: x.RetentionDays, Container: x.Container, Restored: restored.Tenants})
		}
	}
	if len(req.TenantIDs) > 0 {
		var missing []string
		for _, t := range req.TenantIDs {
			if !slices.Contains(tenants, t) {
				missing = append(missing, t)
			}
		}
		if len(missing) > 0 {
			return nil, errs.Errorf(errs.NotFound, "no graph for tenant(s) %s", strings.Join(missing, ", "))
		}
		tenants = req.TenantIDs
	}
	at := jc.Job.CreatedAt.UTC().Truncate(time.Second)
	existing := map[string]backup.Backup{}
	if jc.Job.Attempts > 1 { // a retry: keep what the earlier attempt wrote
		all, err := x.Store.List(ctx, "")
		if err != nil {
			return nil, err
		}
		for _, b := range all {
			if b.JobID == jc.Job.ID {
				existing[b.TenantID] = b
			}
		}
	}
	res := backup.BackupResult{Backups: []backup.Backup{}, RetentionDays: x.RetentionDays, Container: x.Container}
	for i, t := range tenants {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		jc.Progress(jobs.Progress{Percent: 5 + 85*i/max(len(tenants), 1), Phase: "backup",
			Message: fmt.Sprintf("tenant %d/%d", i+1, len(tenants)), Counts: map[string]int{"tenants_done": i, "tenants_total": len(tenants)}})
		if b, ok := existing[t]; ok {
			res.Backups = append(res.Backups, b)
			continue
		}
		b, err := x.Backup(ctx, t, at, jc.Job.ID)
		if err != nil {
			return nil, err // the store codes its outages unavailable: redelivered
		}
		res.Backups = append(res.Backups, b)
	}
	jc.Progress(jobs.Progress{Percent: 95, Phase: "prune", Message: "deleting expired backups"})
	res.Pruned, err = x.Prune(ctx, at) // the job's own time (the injected clock), never the wall clock
	if err != nil {
		return nil, fmt.Errorf("pruning old backups: %w", err)
	}
	out, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("encoding result: %w", err)
	}
	return out, nil
}
