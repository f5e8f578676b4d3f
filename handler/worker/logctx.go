package worker

import (
	"context"
	"log/slog"
	"net/http"
)

type loggerKey struct{}

// WithInvocationLogger returns r's context carrying log with the host's invocation id (when
// the request has one), and that logger.
func WithInvocationLogger(r *http.Request, log *slog.Logger) (context.Context, *slog.Logger) {
	if id := r.Header.Get(InvocationIDHeader); id != "" {
		log = log.With("invocation_id", id)
	}
	return context.WithValue(r.Context(), loggerKey{}, log), log
}

// loggerFrom returns the invocation's logger carried by ctx, or def.
func loggerFrom(ctx context.Context, def *slog.Logger) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok && l != nil {
		return l
	}
	return def
}
