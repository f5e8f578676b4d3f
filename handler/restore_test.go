package handler

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

func runBackupJob(t *testing.T, x *executors.BackupExecutor, id, req string, created time.Time) backup.BackupResult {
	t.Helper()
	jc := &worker.JobContext{Job: jobs.Job{ID: id, CreatedAt: created, Attempts: 1}, Request: json.RawMessage(req), Progress: func(jobs.Progress) {}}
	out, err := x.Run(context.Background(), jc)
	if err != nil {
		t.Fatalf("backup job %s: %v", id, err)
	}
	var res backup.BackupResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	return res
}

// Neo4j lost its local disk: the next timer backup job finds the graph empty while backups
// exist and restores the newest backup of every tenant (exact stats), through Blob storage on
// Azurite. An API backup job (or an empty graph with no backups) does not.
func TestTimerBackupRestoresEmptyGraph(t *testing.T) {
	st := azuriteBackups(t)
	s := openBolt(t)
	seedGraph(t, s, "t1")
	seedGraph(t, s, "t2")
	want1, want2 := statsJSON(t, s, "t1"), statsJSON(t, s, "t2")
	created := time.Date(2026, 12, 7, 10, 15, 0, 0, time.UTC)
	x := &executors.BackupExecutor{Backuper: executors.Backuper{Graph: s, Store: st, RetentionDays: 7}, RestoreEmpty: true}
	if res := runBackupJob(t, x, "job_a", `{"trigger":"timer"}`, created); len(res.Backups) != 2 || len(res.Restored) != 0 {
		t.Fatalf("first backup: %+v", res)
	}

	// The store is lost: a fresh, empty one (what ACI gives after recreating the group).
	empty := openBolt(t)
	y := &executors.BackupExecutor{Backuper: executors.Backuper{Graph: empty, Store: st, RetentionDays: 7}, RestoreEmpty: true}
	// An API job on the empty store backs up nothing and restores nothing.
	if res := runBackupJob(t, y, "job_b", `{"trigger":"api"}`, created.Add(time.Hour)); len(res.Backups) != 0 || len(res.Restored) != 0 {
		t.Fatalf("api job on an empty store: %+v", res)
	}
	res := runBackupJob(t, y, "job_c", `{"trigger":"timer"}`, created.Add(2*time.Hour))
	if len(res.Restored) != 2 || len(res.Backups) != 0 {
		t.Fatalf("timer job on an empty store: %+v", res)
	}
	for _, r := range res.Restored {
		if r.Skipped != "" || r.Nodes != r.ExpectedNodes || r.Edges != r.ExpectedEdges || r.Nodes == 0 {
			t.Errorf("restored %+v", r)
		}
	}
	if got1, got2 := statsJSON(t, empty, "t1"), statsJSON(t, empty, "t2"); got1 != want1 || got2 != want2 {
		t.Errorf("stats after the restore differ:\n%s\n%s\nwant\n%s\n%s", got1, got2, want1, want2)
	}
	// The next timer job backs up again (the graph is no longer empty).
	if res := runBackupJob(t, y, "job_d", `{"trigger":"timer"}`, created.Add(3*time.Hour)); len(res.Backups) != 2 || len(res.Restored) != 0 {
		t.Errorf("backup after the restore: %+v", res)
	}

	// RestoreRequest validation.
	for _, bad := range []backup.RestoreRequest{{Backups: []string{"../x"}}, {Backups: []string{"t1/nope.json"}},
		{TenantIDs: []string{"t1"}, Backups: []string{"t1/20261207T101500Z.json.gz"}}} {
		r := bad
		if err := r.Validate(); err == nil {
			t.Errorf("Validate(%+v) accepted", bad)
		}
	}
}
