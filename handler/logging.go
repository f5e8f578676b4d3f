package handler

import (
	"context"
	"io"
	"log/slog"
)

// Logging under the Functions host. The host logs every stderr line of a custom handler at
// Error level and every stdout line at Information, so `atg handler` writes JSON lines by
// level: DEBUG and INFO to stdout, WARN and ERROR to stderr. Each invocation's lines carry
// invocation_id (the host's X-Azure-Functions-InvocationId header) and, for queue work,
// job_id, so Application Insights queries can join the host's records with ours. The CLI
// and `atg serve` keep their logs on stderr.

// NewHostLogHandler returns a JSON handler that writes records below WARN to stdout and the
// rest to stderr.
func NewHostLogHandler(stdout, stderr io.Writer, level slog.Leveler) slog.Handler {
	opts := &slog.HandlerOptions{Level: level}
	return &levelSplit{low: slog.NewJSONHandler(stdout, opts), high: slog.NewJSONHandler(stderr, opts)}
}

type levelSplit struct{ low, high slog.Handler }

func (h *levelSplit) pick(l slog.Level) slog.Handler {
	if l >= slog.LevelWarn {
		return h.high
	}
	return h.low
}

func (h *levelSplit) Enabled(ctx context.Context, l slog.Level) bool {
	return h.pick(l).Enabled(ctx, l)
}

func (h *levelSplit) Handle(ctx context.Context, r slog.Record) error {
	return h.pick(r.Level).Handle(ctx, r)
}

func (h *levelSplit) WithAttrs(as []slog.Attr) slog.Handler {
	return &levelSplit{low: h.low.WithAttrs(as), high: h.high.WithAttrs(as)}
}

func (h *levelSplit) WithGroup(name string) slog.Handler {
	return &levelSplit{low: h.low.WithGroup(name), high: h.high.WithGroup(name)}
}
