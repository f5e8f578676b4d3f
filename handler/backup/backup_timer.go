package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

// The backup timer: functions/backup_timer/function.json (a timerTrigger named "timer", hourly at
// :15 — the recovery point of Neo4j's local-disk store, docs/operations.md "Neo4j durability").
// The host POSTs /backup_timer with {"Data": {"timer": {"Schedule": …, "ScheduleStatus": …,
// "IsPastDue": …}}, "Metadata": {"sys": {"MethodName", "UtcNow", "RandGuid"}}}. The handler
// creates one backup job per UTC hour (an Idempotency record, so a repeated or late-running
// trigger in the same hour changes nothing) and queues it; the jobs worker runs it with the
// usual retries, and admins see it in GET /api/v1/jobs. A timer job that finds the graph empty
// while backups exist restores them instead (Neo4j lost its store: BackupExecutor).
const (
	FunctionBackupTimer = "backup_timer"
	TimerBinding        = "timer"
	// BackupTimerOwner owns the timer's jobs. ':' cannot appear in a key name (it separates
	// the fields of an ATG_API_KEYS entry), so no user key can own these jobs.
	BackupTimerOwner = "system:backup-timer"
	// BackupTimerSchedule is backup_timer's schedule: every hour at :15 UTC. Each tick creates
	// that hour's job (the hourly claim); a repeated or late tick in the same hour adds nothing,
	// and a job whose message was lost is queued again by a later tick (the host never retries
	// a timer run). The recovery point this gives is one hour (docs/operations.md).
	BackupTimerSchedule = "0 15 * * * *"
)

// TimerInfo is the timer binding's value.
type TimerInfo struct {
	Schedule       json.RawMessage `json:"Schedule,omitempty"`
	ScheduleStatus *struct {
		Last        string `json:"Last"`
		Next        string `json:"Next"`
		LastUpdated string `json:"LastUpdated"`
	} `json:"ScheduleStatus,omitempty"`
	IsPastDue bool `json:"IsPastDue"`
}

// parseTimer decodes the timer value leniently: an object, or a string holding one (the
// host JSON-encodes non-object values once more).
func parseTimer(raw json.RawMessage) (TimerInfo, error) {
	var ti TimerInfo
	for range 3 {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			break
		}
		raw = json.RawMessage(s)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return ti, nil
	}
	if err := json.Unmarshal(raw, &ti); err != nil {
		return ti, fmt.Errorf("timer binding: %w", err)
	}
	return ti, nil
}

// QueueDailyBackup creates (once per UTC day of now) the timer's backup job of every tenant
// and queues it. It returns the job and whether this call created it.
func QueueDailyBackup(ctx context.Context, b *jobs.Backend, now time.Time) (jobs.Job, bool, error) {
	now = now.UTC()
	body, err := json.Marshal(BackupRequest{Trigger: "timer"})
	if err != nil {
		return jobs.Job{}, false, err
	}
	// One job per UTC hour: the timer fires hourly in Functions (functions/backup_timer), daily
	// in `atg serve --daily-backup`; a repeated or late run within the hour changes nothing.
	day := now.Truncate(time.Hour).Format("2006-01-02T15")
	sum := sha256.Sum256(append([]byte(JobTypeBackup+"\n"), body...))
	// The claim stands for the UTC hour its key names and ends with that hour, whatever the
	// wall-clock age: a second run the same hour finds it, the next hour's run has its own key.
	hourStart := now.Truncate(time.Hour)
	rec := jobs.IdempotencyRecord{BodyHash: hex.EncodeToString(sum[:]), JobID: jobs.NewID(now), CreatedAt: now,
		ExpiresAt: hourStart.Add(time.Hour)}
	existing, claimed, err := b.Idempotency.Claim(ctx, BackupTimerOwner, "graph-backup-"+day, rec)
	if err != nil {
		return jobs.Job{}, false, fmt.Errorf("claiming the daily backup of %s: %w", day, err)
	}
	id := rec.JobID
	if !claimed {
		id = existing.JobID
		j, err := b.Jobs.Get(ctx, BackupTimerOwner, id)
		if err == nil && j.Status == jobs.Queued && j.Attempts == 0 && now.Sub(j.CreatedAt) > StaleQueuedBackup {
			// Created by an earlier tick that never got its message through (it died between
			// creating and queueing): queue it now, so the day's claim does not end the day.
			if err := b.Queue.Enqueue(ctx, jobs.Message{JobID: j.ID, Owner: j.Owner, Type: j.Type, Kind: jobs.KindStart}); err != nil {
				return jobs.Job{}, false, fmt.Errorf("re-queueing backup job %s: %w", j.ID, err)
			}
			return j, true, nil
		}
		if err == nil {
			return j, false, nil // already created this hour
		}
		if !errs.Is(err, errs.NotFound) {
			return jobs.Job{}, false, fmt.Errorf("reading backup job %s: %w", id, err)
		}
		// Claimed earlier but the job was never created: create it under the claimed id.
	}
	job := jobs.Job{ID: id, Type: JobTypeBackup, Status: jobs.Queued, Owner: BackupTimerOwner, Request: body, CreatedAt: now}
	if err := b.Jobs.Create(ctx, job); err != nil && !errs.Is(err, errs.Conflict) {
		return jobs.Job{}, false, fmt.Errorf("creating backup job: %w", err)
	}
	if err := b.Queue.Enqueue(ctx, jobs.Message{JobID: job.ID, Owner: job.Owner, Type: job.Type, Kind: jobs.KindStart}); err != nil {
		// Nothing will run it: fail it visibly and free the day, so a rerun can try again.
		_, uerr := b.Jobs.Update(ctx, job.Owner, job.ID, func(j *jobs.Job) error {
			j.Error = &jobs.JobError{Code: string(errs.Unavailable), Message: "the backup job could not be queued"}
			return j.Transition(jobs.Failed, now)
		})
		rerr := b.Idempotency.Release(ctx, BackupTimerOwner, "graph-backup-"+day)
		return jobs.Job{}, false, errors.Join(fmt.Errorf("queueing backup job %s: %w", job.ID, err), uerr, rerr)
	}
	return job, true, nil
}

// StaleQueuedBackup: a timer job still queued and never attempted after this long lost its
// message; the next tick of the day queues it again.
const StaleQueuedBackup = 15 * time.Minute

// TimerRetryDelays are the waits between attempts to queue the day's backup job (the host
// does not retry a failed timer invocation; storage hiccups must not cost the day's backup).
var TimerRetryDelays = []time.Duration{2 * time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second}

// queueDailyBackupRetrying is QueueDailyBackup with bounded, logged retries.
func queueDailyBackupRetrying(ctx context.Context, b *jobs.Backend, now func() time.Time, log *slog.Logger) (jobs.Job, bool, error) {
	for attempt := 1; ; attempt++ {
		job, created, err := QueueDailyBackup(ctx, b, now())
		if err == nil || attempt > len(TimerRetryDelays) || ctx.Err() != nil {
			return job, created, err
		}
		delay := TimerRetryDelays[attempt-1]
		log.Warn("daily graph backup not queued yet; retrying", "function", FunctionBackupTimer, "attempt", attempt, "retry_in", delay.String(), "err", err)
		select {
		case <-ctx.Done():
			return job, created, errors.Join(err, ctx.Err())
		case <-time.After(delay):
		}
	}
}

// TimerHandler answers the host's timer invocation: 200 with the response contract when the
// day's backup job is queued (or already was), 500 otherwise (the host records the failed
// run; the backup-missing alert follows).
func TimerHandler(b *jobs.Backend, base *slog.Logger, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		_, log := worker.WithInvocationLogger(r, base)
		reply := func(status int, logs ...string) {
			rw.Header().Set("Content-Type", "application/json")
			rw.WriteHeader(status)
			_ = json.NewEncoder(rw).Encode(worker.InvocationResponse{Outputs: map[string]any{}, Logs: append([]string{}, logs...)})
		}
		var req worker.InvocationRequest
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil {
			err = json.Unmarshal(body, &req)
		}
		var ti TimerInfo
		if err == nil {
			ti, err = parseTimer(req.Data[TimerBinding])
		}
		if err != nil {
			log.Error("undecodable invocation", "function", FunctionBackupTimer, "err", err)
			reply(http.StatusBadRequest, "undecodable invocation payload: "+err.Error())
			return
		}
		job, created, err := queueDailyBackupRetrying(r.Context(), b, now, log)
		if err != nil {
			log.Error("daily graph backup not queued", "function", FunctionBackupTimer, "attempts", len(TimerRetryDelays)+1, "err", err)
			reply(http.StatusInternalServerError, "daily graph backup not queued: "+err.Error())
			return
		}
		msg := fmt.Sprintf("backup job %s queued", job.ID)
		if !created {
			msg = fmt.Sprintf("backup job %s already exists for this hour (%s)", job.ID, job.Status)
		}
		log.Info("backup timer", "function", FunctionBackupTimer, "job_id", job.ID, "created", created, "past_due", ti.IsPastDue)
		reply(http.StatusOK, msg)
	})
}

// ParseTimeOfDay parses "HH:MM" (UTC) into the offset from midnight.
func ParseTimeOfDay(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("time of day %q: want HH:MM (UTC)", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// todaysRun is `at` past now's UTC midnight.
func todaysRun(now time.Time, at time.Duration) time.Time {
	now = now.UTC()
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(at)
}

// nextDailyRun is the first time at or after now that is `at` past a UTC midnight.
func nextDailyRun(now time.Time, at time.Duration) time.Time {
	next := todaysRun(now, at)
	if next.Before(now) {
		next = todaysRun(now.UTC().AddDate(0, 0, 1), at)
	}
	return next
}

// RunDailyBackups is the backup timer of standalone hosting (`atg serve --daily-backup HH:MM`):
// it queues the day's backup job at `at` past each UTC midnight until ctx ends, and once at
// start when today's time has passed (like the Functions timer's past-due run). Several
// instances queue one job per day between them (QueueDailyBackup's claim).
//
// now is the clock the decisions use (nil: time.Now); only the sleeps use real time.
func RunDailyBackups(ctx context.Context, b *jobs.Backend, at time.Duration, now func() time.Time, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	queue := func() {
		job, created, err := queueDailyBackupRetrying(ctx, b, now, log)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("daily graph backup not queued", "err", err)
		case err == nil:
			log.Info("backup timer", "job_id", job.ID, "created", created)
		}
	}
	if t := now().UTC(); !t.Before(todaysRun(t, at)) {
		queue() // today's time has passed: catch up (a no-op when today's job exists)
	}
	for {
		t0 := now()
		t := time.NewTimer(nextDailyRun(t0, at).Sub(t0))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
			queue()
			// Step past the minute so the next wait is a day, not zero.
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
		}
	}
}
