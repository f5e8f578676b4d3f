// Package worker is the queue side of the service: Worker handles one delivery of a job or
// shard message (start, plan, shards, the once-only finalize claim, progress, cancellation),
// retries iff errs.Retryable (a panic or any other code fails the job at once), and records the
// outcome; Registry holds the executors (Runner, Sharded) by job type; Poller gives `atg serve`
// the Functions host's queue semantics; recover.go and deadline.go bound every invocation.
package worker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/atg-go/atg/engine/secrets"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/jobs"
)

// DefaultMaxDequeueCount matches host.json extensions.queues.maxDequeueCount.
const DefaultMaxDequeueCount = 5

// Worker processes queue messages; the Functions host (via the invocation codec) and the
// `atg serve` poller both call it, with the delivery's dequeue count.
type Worker struct {
	Backend         *jobs.Backend
	Executors       *Registry
	Logger          *slog.Logger
	MaxDequeueCount int           // default 5
	ProgressEvery   time.Duration // minimum gap between progress writes per job; default 1s
	CancelPoll      time.Duration // how often a running invocation checks for cancellation; default 3s
	// InvocationTimeout bounds each Process call (deadline.go); 0 = none.
	InvocationTimeout time.Duration
	Now               func() time.Time

	mu        sync.Mutex
	lastWrite map[string]time.Time
	plans     planCache // stored plans are written once: a process reads each at most once
}

// errJobCancelled is the cancellation cause when the job was cancelled through the API.
var errJobCancelled = errors.New("job cancelled")

func (w *Worker) init() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.MaxDequeueCount <= 0 {
		w.MaxDequeueCount = DefaultMaxDequeueCount
	}
	if w.ProgressEvery <= 0 {
		w.ProgressEvery = time.Second
	}
	if w.CancelPoll <= 0 {
		w.CancelPoll = 3 * time.Second
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Logger == nil {
		w.Logger = slog.New(slog.DiscardHandler)
	}
	if w.lastWrite == nil {
		w.lastWrite = map[string]time.Time{}
	}
}

// Process handles one delivery of m. A nil return acknowledges the message (delete it); an
// error leaves it to be redelivered, and after MaxDequeueCount deliveries the job is failed
// with that error.
func (w *Worker) Process(ctx context.Context, m jobs.Message, dequeueCount int) error {
	w.init()
	if w.InvocationTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = withInvocationDeadline(ctx, w.InvocationTimeout)
		defer cancel()
	}
	log := loggerFrom(ctx, w.Logger).With("job_id", m.JobID, "kind", m.Kind, "shard", m.Shard, "dequeue_count", dequeueCount)
	j, err := w.Backend.Jobs.Get(ctx, m.Owner, m.JobID)
	if errs.Is(err, errs.NotFound) {
		log.Warn("message for an unknown job; dropping it")
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading job %s: %w", m.JobID, err)
	}
	if j.Status.Terminal() {
		log.Debug("job already finished; acknowledging", "status", j.Status)
		return nil
	}
	if j.Status == jobs.Cancelling {
		return w.markCancelled(ctx, j)
	}
	runner, sharded := w.Executors.get(j.Type)
	if runner == nil && sharded == nil {
		return w.fail(ctx, j, errs.Errorf(errs.NotImplemented, "no executor for %s jobs", j.Type), dequeueCount, log)
	}
	if !alreadyRunning(j, dequeueCount) {
		j, err = w.Backend.Jobs.Update(ctx, j.Owner, j.ID, func(j *jobs.Job) error {
			if j.Status.Terminal() || j.Status == jobs.Cancelling {
				return jobs.ErrNoChange
			}
			if dequeueCount > j.Attempts {
				j.Attempts = dequeueCount
			}
			return j.Transition(jobs.Running, w.Now())
		})
		if err != nil {
			return fmt.Errorf("starting job %s: %w", m.JobID, err)
		}
	}
	if j.Status != jobs.Running {
		return nil // finished or cancelled meanwhile; re-checked on the next delivery otherwise
	}

	runCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stopWatch := w.watchCancel(runCtx, cancel, j)
	defer stopWatch()
	jc := w.jobContext(runCtx, j, log, cancel)

	err = guard(j.ID, log, func() error {
		switch {
		case m.Kind == jobs.KindStart && runner != nil:
			return w.runWhole(runCtx, jc, runner)
		case m.Kind == jobs.KindStart && sharded != nil:
			return w.plan(runCtx, jc, sharded)
		case m.Kind == jobs.KindShard && sharded != nil:
			return w.runShard(runCtx, jc, sharded, m.Shard)
		}
		return errs.Errorf(errs.Invalid, "%s message does not fit %s jobs", m.Kind, j.Type)
	})
	if err == nil {
		return nil
	}
	if errors.Is(context.Cause(runCtx), errJobCancelled) {
		return w.markCancelled(ctx, j)
	}
	if de, ok := deadlineCause(ctx); ok { // this attempt ends here; the next delivery resumes
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		return w.fail(fctx, j, de, dequeueCount, log)
	}
	if ctx.Err() != nil { // shutting down: release the message, it will be redelivered
		return fmt.Errorf("job %s interrupted: %w", j.ID, err)
	}
	return w.fail(ctx, j, err, dequeueCount, log)
}

// permanent reports whether retrying err cannot help: a panic (a bug), or an error whose code
// is not retryable (errs.Retryable: only internal, unavailable and rate_limited are).
func permanent(err error) bool { return isPanic(err) || !errs.Retryable(err) }

func jobErrorOf(err error) *jobs.JobError {
	if isPanic(err) {
		return &jobs.JobError{Code: string(errs.Internal), Message: err.Error()}
	}
	code := errs.CodeOf(err)
	var ae *errs.Error
	msg := err.Error()
	if errors.As(err, &ae) && ae.Message != "" {
		msg = ae.Message
	}
	switch {
	case errors.Is(err, ErrInvocationDeadline):
		code = "deadline_exceeded"
	case code == errs.Internal:
		code = "execution_failed"
	}
	return &jobs.JobError{Code: string(code), Message: secrets.RedactText(msg)}
}

// redactResult keeps detected secrets out of a stored job result (engine/secrets markers); the
// engine's outputs are already secret-free, this guards what any executor returns.
func redactResult(result json.RawMessage) json.RawMessage {
	var v any
	if len(result) == 0 || json.Unmarshal(result, &v) != nil {
		return result
	}
	out, found := secrets.Redact(v, "")
	if len(found) == 0 {
		return result
	}
	b, err := json.Marshal(out)
	if err != nil {
		return result
	}
	return b
}

// fail records a failed attempt. On the last attempt (or a permanent error) the job ends
// failed; otherwise the error is kept as LastError and returned so the message is retried.
func (w *Worker) fail(ctx context.Context, j jobs.Job, err error, dequeueCount int, log *slog.Logger) error {
	final := permanent(err) || dequeueCount >= w.MaxDequeueCount
	je := jobErrorOf(err)
	_, uerr := w.Backend.Jobs.Update(ctx, j.Owner, j.ID, func(j *jobs.Job) error {
		if j.Status.Terminal() {
			return jobs.ErrNoChange
		}
		j.LastError = je
		if !final {
			return nil
		}
		j.Error = je
		return j.Transition(jobs.Failed, w.Now())
	})
	if uerr != nil {
		log.Error("recording job failure", "err", uerr)
		return errors.Join(err, uerr)
	}
	if final {
		log.Warn("job failed", "err", err, "permanent", permanent(err))
		if permanent(err) {
			return nil // nothing to retry; the job carries the error
		}
	} else {
		log.Warn("attempt failed; will retry", "err", err)
	}
	return err
}

// Poison ends the job of a message that exhausted its deliveries (the poison-queue
// functions and the serve poller call it): failed with the last recorded error.
func (w *Worker) Poison(ctx context.Context, m jobs.Message) error {
	w.init()
	_, err := w.Backend.Jobs.Update(ctx, m.Owner, m.JobID, func(j *jobs.Job) error {
		if j.Status.Terminal() {
			return jobs.ErrNoChange
		}
		j.Error = j.LastError
		if j.Error == nil {
			j.Error = &jobs.JobError{Code: "execution_failed", Message: fmt.Sprintf("the %s message was retried %d times and moved to the poison queue", m.Kind, w.MaxDequeueCount)}
		}
		return j.Transition(jobs.Failed, w.Now())
	})
	if errs.Is(err, errs.NotFound) {
		w.Logger.Warn("poison message for an unknown job", "job_id", m.JobID)
		return nil
	}
	if err != nil {
		return fmt.Errorf("failing poisoned job %s: %w", m.JobID, err)
	}
	w.Logger.Warn("job failed from poison queue", "job_id", m.JobID, "kind", m.Kind, "shard", m.Shard)
	return nil
}

func (w *Worker) markCancelled(ctx context.Context, j jobs.Job) error {
	_, err := w.Backend.Jobs.Update(ctx, j.Owner, j.ID, func(j *jobs.Job) error {
		if j.Status.Terminal() {
			return jobs.ErrNoChange
		}
		return j.Transition(jobs.Cancelled, w.Now())
	})
	if err != nil {
		return fmt.Errorf("cancelling job %s: %w", j.ID, err)
	}
	w.Logger.Info("job cancelled", "job_id", j.ID)
	return nil
}

// watchCancel polls the job and cancels ctx with errJobCancelled once it is cancelling.
func (w *Worker) watchCancel(ctx context.Context, cancel context.CancelCauseFunc, j jobs.Job) func() {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(w.CancelPoll)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				cur, err := w.Backend.Jobs.Get(ctx, j.Owner, j.ID)
				if err == nil && (cur.Status == jobs.Cancelling || cur.Status == jobs.Cancelled) {
					cancel(errJobCancelled)
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// jobContext builds the executor's view, with a progress reporter throttled per job.
func (w *Worker) jobContext(ctx context.Context, j jobs.Job, log *slog.Logger, cancel context.CancelCauseFunc) *JobContext {
	return &JobContext{
		Job: j, Request: j.Request, Logger: log,
		Progress: func(p jobs.Progress) {
			if !w.shouldWrite(j.ID, false) {
				return
			}
			w.writeProgress(ctx, j, cancel, func(cur *jobs.Progress) *jobs.Progress { return &p })
		},
		PutArtifact: func(ctx context.Context, name, contentType string, r io.Reader) (jobs.Artifact, error) {
			return w.Backend.Artifacts.Put(ctx, j.ID, name, contentType, r)
		},
		CreateArtifact: func(ctx context.Context, name, contentType string, data []byte) (jobs.Artifact, []byte, error) {
			return w.Backend.Artifacts.Create(ctx, j.ID, name, contentType, data)
		},
	}
}

// shouldWrite throttles progress writes to one per ProgressEvery per job (force: always).
func (w *Worker) shouldWrite(jobID string, force bool) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.Now()
	if !force && now.Sub(w.lastWrite[jobID]) < w.ProgressEvery {
		return false
	}
	w.lastWrite[jobID] = now
	return true
}

func (w *Worker) forget(jobID string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.lastWrite, jobID)
}

func (w *Worker) writeProgress(ctx context.Context, j jobs.Job, cancel context.CancelCauseFunc, next func(*jobs.Progress) *jobs.Progress) {
	_, err := w.Backend.Jobs.Update(ctx, j.Owner, j.ID, func(j *jobs.Job) error {
		if j.Status == jobs.Cancelling && cancel != nil {
			cancel(errJobCancelled)
		}
		if j.Status != jobs.Running {
			return jobs.ErrNoChange
		}
		p := next(j.Progress)
		if p == nil {
			return jobs.ErrNoChange
		}
		j.Progress = p
		return nil
	})
	if err != nil && ctx.Err() == nil {
		w.Logger.Warn("writing progress", "job_id", j.ID, "err", err)
	}
}

func (w *Worker) succeed(ctx context.Context, j jobs.Job, result json.RawMessage, counts map[string]int) error {
	defer w.forget(j.ID)
	_, err := w.Backend.Jobs.Update(ctx, j.Owner, j.ID, func(j *jobs.Job) error {
		if j.Status.Terminal() {
			return jobs.ErrNoChange // a concurrent finalizer got there first
		}
		j.Result = redactResult(result)
		p := jobs.Progress{Percent: 100, Phase: "done"}
		if j.Progress != nil {
			p.Counts = j.Progress.Counts
		}
		if counts != nil {
			p.Counts = counts
		}
		j.Progress = &p
		return j.Transition(jobs.Succeeded, w.Now())
	})
	if err != nil {
		return fmt.Errorf("recording success of job %s: %w", j.ID, err)
	}
	return nil
}

func (w *Worker) runWhole(ctx context.Context, jc *JobContext, r Runner) error {
	res, err := r.Run(ctx, jc)
	if err != nil {
		return err
	}
	if res == nil {
		res = json.RawMessage(`{}`)
	}
	return w.succeed(ctx, jc.Job, res, nil)
}

// storedPlan is the plan document kept in internal blobs (`<job>/plan.json`).
type storedPlan struct {
	Plan   json.RawMessage `json:"plan"`
	Shards []string        `json:"shards"`
}

func planBlob(jobID string) string { return jobID + "/plan.json" }
func shardBlob(jobID, shard string) string {
	return jobID + "/shards/" + fmt.Sprintf("%x", []byte(shard)) + ".json"
}

func (w *Worker) loadPlan(ctx context.Context, jobID string) (storedPlan, bool, error) {
	if sp, ok := w.plans.get(jobID); ok {
		return sp, true, nil
	}
	b, err := w.Backend.Blobs.Get(ctx, planBlob(jobID))
	if errs.Is(err, errs.NotFound) {
		return storedPlan{}, false, nil
	}
	if err != nil {
		return storedPlan{}, false, fmt.Errorf("reading plan of %s: %w", jobID, err)
	}
	var sp storedPlan
	if err := json.Unmarshal(b, &sp); err != nil {
		return storedPlan{}, false, fmt.Errorf("decoding plan of %s: %w", jobID, err)
	}
	w.plans.put(jobID, sp)
	return sp, true, nil
}

// plan runs the start step of a sharded job: plan once (a redelivered start message reuses
// the stored plan), then enqueue one message per shard not yet done.
func (w *Worker) plan(ctx context.Context, jc *JobContext, s Sharded) error {
	j := jc.Job
	sp, ok, err := w.loadPlan(ctx, j.ID)
	if err != nil {
		return err
	}
	if !ok {
		w.writeProgress(ctx, j, nil, func(*jobs.Progress) *jobs.Progress { return &jobs.Progress{Percent: 1, Phase: "plan"} })
		plan, shards, err := s.Plan(ctx, jc)
		if err != nil {
			return fmt.Errorf("planning: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		sp = storedPlan{Plan: plan, Shards: shards}
		b, _ := json.Marshal(sp)
		if err := w.Backend.Blobs.Put(ctx, planBlob(j.ID), b); err != nil {
			return fmt.Errorf("storing plan: %w", err)
		}
	}
	total := len(sp.Shards)
	if _, err := w.Backend.Jobs.Update(ctx, j.Owner, j.ID, func(j *jobs.Job) error {
		if j.Status != jobs.Running {
			return jobs.ErrNoChange
		}
		j.ShardsTotal = total
		if j.Progress == nil || j.Progress.Phase == "plan" {
			j.Progress = &jobs.Progress{Percent: 5, Phase: "discover", Message: fmt.Sprintf("%d shards queued", total),
				Counts: map[string]int{"shards_done": 0, "shards_total": total}}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("recording plan: %w", err)
	}
	if total == 0 {
		return w.finalize(ctx, jc, s, sp, "")
	}
	for _, sh := range sp.Shards {
		if err := ctx.Err(); err != nil {
			return err
		}
		done, err := w.Backend.Shards.IsDone(ctx, j.ID, sh)
		if err != nil {
			return err
		}
		if done {
			continue
		}
		if err := w.Backend.Queue.Enqueue(ctx, jobs.Message{JobID: j.ID, Owner: j.Owner, Type: j.Type, Kind: jobs.KindShard, Shard: sh}); err != nil {
			return err
		}
	}
	return nil
}

// runShard runs one shard unless it is already done, records it (one record per shard, so
// a redelivery cannot count twice), updates progress, and finalizes after the last one.
func (w *Worker) runShard(ctx context.Context, jc *JobContext, s Sharded, shard string) error {
	j := jc.Job
	sp, ok, err := w.loadPlan(ctx, j.ID)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("shard %s of %s: plan missing", shard, j.ID)
	}
	known := false
	for _, sh := range sp.Shards {
		known = known || sh == shard
	}
	if !known {
		return errs.Errorf(errs.Invalid, "shard %s is not in the plan of %s", shard, j.ID)
	}
	done, err := w.Backend.Shards.IsDone(ctx, j.ID, shard)
	if err != nil {
		return err
	}
	if !done {
		jc.Progress = func(jobs.Progress) {} // per-shard progress is summarised at shard completion
		res, counts, err := s.RunShard(ctx, jc, sp.Plan, shard)
		if err != nil {
			return fmt.Errorf("shard %s: %w", shard, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if res == nil {
			res = json.RawMessage(`{}`)
		}
		if err := w.Backend.Blobs.Put(ctx, shardBlob(j.ID, shard), res); err != nil {
			return fmt.Errorf("storing result of shard %s: %w", shard, err)
		}
		if err := w.Backend.Shards.MarkDone(ctx, j.ID, shard, counts); err != nil {
			return err
		}
	}
	n, sums, err := w.Backend.Shards.Done(ctx, j.ID)
	if err != nil {
		return err
	}
	total := len(sp.Shards)
	if n < total {
		if w.shouldWrite(j.ID, false) {
			w.writeProgress(ctx, j, nil, func(cur *jobs.Progress) *jobs.Progress {
				if cur != nil && cur.Counts["shards_done"] >= n {
					return nil // a later report already landed
				}
				return shardProgress(n, total, sums)
			})
		}
		return nil
	}
	return w.finalize(ctx, jc, s, sp, shard)
}

func shardProgress(n, total int, sums map[string]int) *jobs.Progress {
	c := map[string]int{}
	for k, v := range sums {
		c[k] = v
	}
	c["shards_done"], c["shards_total"] = n, total
	pct := 5
	if total > 0 {
		pct = 5 + 85*n/total
	}
	return &jobs.Progress{Percent: pct, Phase: "discover", Message: fmt.Sprintf("shard %d/%d", n, total), Counts: c}
}

// finalize combines every shard's result. It runs once per job: the invocation that finds
// every shard done claims the step on the job entity (ETag-guarded) for its shard; a concurrent
// last shard sees another shard's claim and leaves, and a redelivery of the claiming shard's
// message (its invocation died) takes the step up again. Without the claim two finalizers
// would both write the result artifact, and the job's result and its artifact could differ.
func (w *Worker) finalize(ctx context.Context, jc *JobContext, s Sharded, sp storedPlan, shard string) error {
	j := jc.Job
	if err := ctx.Err(); err != nil {
		return err
	}
	claim := shard
	if claim == "" {
		claim = "-" // a plan without shards: finalized by the start message
	}
	mine := false
	if _, err := w.Backend.Jobs.Update(ctx, j.Owner, j.ID, func(j *jobs.Job) error {
		mine = false // the update may be retried after an ETag conflict
		if j.Status.Terminal() || (j.Finalizer != "" && j.Finalizer != claim) {
			return jobs.ErrNoChange
		}
		mine = true
		if j.Finalizer == claim {
			return jobs.ErrNoChange
		}
		j.Finalizer = claim
		return nil
	}); err != nil {
		return fmt.Errorf("claiming finalize: %w", err)
	}
	if !mine {
		w.Logger.Debug("finalize claimed by another shard", "job_id", j.ID, "shard", shard)
		return nil
	}
	n, sums, err := w.Backend.Shards.Done(ctx, j.ID)
	if err != nil {
		return err
	}
	w.writeProgress(ctx, j, nil, func(*jobs.Progress) *jobs.Progress {
		p := shardProgress(n, len(sp.Shards), sums)
		p.Percent, p.Phase, p.Message = 95, "finalize", "combining shard results"
		return p
	})
	results, err := w.shardResults(ctx, j.ID, sp.Shards)
	if err != nil {
		return err
	}
	res, err := s.Finalize(ctx, jc, sp.Plan, results)
	if err != nil {
		return fmt.Errorf("finalize: %w", err)
	}
	counts := map[string]int{}
	for k, v := range sums {
		counts[k] = v
	}
	counts["shards_done"], counts["shards_total"] = n, len(sp.Shards)
	return w.succeed(ctx, j, res, counts)
}
