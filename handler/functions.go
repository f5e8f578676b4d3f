package handler

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

// Function names: the folders under functions/ (the host POSTs /<FunctionName>), and the
// queue binding name in their function.json.
const (
	FunctionJobsWorker   = "jobs_worker"
	FunctionShardsWorker = "shards_worker"
	FunctionJobsPoison   = "jobs_poison"
	FunctionShardsPoison = "shards_poison"
	QueueBinding         = "msg"
)

// NewFunctionsHandler is what `atg handler` serves: GET / for the host's readiness probe,
// POST /<FunctionName> for the queue functions, and everything else — the forwarded HTTP
// trigger requests, at their original /api/v1/... paths — to api.
func NewFunctionsHandler(api http.Handler, w *worker.Worker, log *slog.Logger) http.Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.Handle("/", api)
	mux.HandleFunc("GET /{$}", func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(rw, "ok\n")
	})
	for _, fn := range []string{FunctionJobsWorker, FunctionShardsWorker} {
		mux.Handle("POST /"+fn, invocation(fn, log, func(ctx context.Context, m jobs.Message, dc int) error {
			return w.Process(ctx, m, dc)
		}, false))
	}
	mux.Handle("POST /"+backup.FunctionBackupTimer, backup.TimerHandler(w.Backend, log, time.Now))
	for _, fn := range []string{FunctionJobsPoison, FunctionShardsPoison} {
		mux.Handle("POST /"+fn, invocation(fn, log, func(ctx context.Context, m jobs.Message, _ int) error {
			return w.Poison(ctx, m)
		}, true))
	}
	return mux
}

// invocation decodes a queue-trigger payload leniently (double-encoded JSON, DequeueCount as
// number or string), runs fn, and answers 200 with the response contract, or 500 so that the
// host retries (and finally poisons) the message.
func invocation(name string, log *slog.Logger, fn func(context.Context, jobs.Message, int) error, poison bool) http.Handler {
	base := log
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ctx, log := worker.WithInvocationLogger(r, base)
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
		if err != nil {
			log.Error("undecodable invocation", "function", name, "err", err)
			reply(http.StatusBadRequest, "undecodable invocation payload: "+err.Error())
			return
		}
		raw, ok := req.Data[QueueBinding]
		var m jobs.Message
		if !ok {
			err = fmt.Errorf("no %q binding in Data", QueueBinding)
		} else {
			m, err = jobs.ParseMessage(raw)
		}
		if err != nil {
			log.Error("undecodable queue message", "function", name, "err", err)
			if poison { // nothing more can happen to it: acknowledge, keep the log
				reply(http.StatusOK, "discarded undecodable poison message: "+err.Error())
				return
			}
			reply(http.StatusBadRequest, "undecodable queue message: "+err.Error())
			return
		}
		dc := 1
		if v, ok := req.Metadata["DequeueCount"]; ok {
			if n, err := jobs.ParseDequeueCount(v); err == nil {
				dc = n
			}
		}
		if err := worker.GuardMessage(log, m, func() error { return fn(ctx, m, dc) }); err != nil {
			log.Warn("invocation failed", "function", name, "job_id", m.JobID, "dequeue_count", dc, "err", err,
				"duration_ms", time.Since(start).Milliseconds())
			reply(http.StatusInternalServerError, fmt.Sprintf("%s %s: %v", m.Kind, m.JobID, err))
			return
		}
		log.Info("invocation done", "function", name, "job_id", m.JobID, "kind", m.Kind, "shard", m.Shard,
			"dequeue_count", dc, "duration_ms", time.Since(start).Milliseconds())
		reply(http.StatusOK, fmt.Sprintf("%s %s done", m.Kind, m.JobID))
	})
}
