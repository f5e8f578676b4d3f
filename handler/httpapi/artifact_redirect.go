package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/jobs"
)

// ArtifactURLTTL is the validity of the read-only URL an artifact download redirects to.
const ArtifactURLTTL = 10 * time.Minute

// redirectArtifact answers GET …/artifacts/{name} with 302 to a short-lived read-only URL of
// the blob when the artifact store can sign one (the Functions host buffers whole responses
// in memory; the client downloads from storage directly and still checks X-Content-SHA256).
// It reports false when the caller should stream instead. The URL is a credential: it is
// never logged.
func (s *server) redirectArtifact(w http.ResponseWriter, r *http.Request, jobID, name string) (bool, error) {
	l, ok := s.Backend.Artifacts.(jobs.ArtifactLinker)
	if !ok || s.StreamArtifacts {
		return false, nil
	}
	u, a, err := l.ReadURL(r.Context(), jobID, name, ArtifactURLTTL)
	switch {
	case errors.Is(err, jobs.ErrNoSignedURL):
		s.Logger.Debug("artifact: no signed URL; streaming", "request_id", requestIDFrom(r.Context()), "job_id", jobID)
		return false, nil
	case err != nil:
		return true, storageError("opening the artifact", err)
	}
	w.Header().Set("Location", u)
	w.Header().Set("X-Content-SHA256", a.SHA256)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
	return true, nil
}

// backupLinker is a BackupStore that signs read URLs (BlobBackups).
type backupLinker interface {
	ReadURL(ctx context.Context, name string, ttl time.Duration) (string, backup.Backup, error)
}

// redirectBackup is redirectArtifact for GET /admin/backups/{tenant}/{file}.
func (s *server) redirectBackup(w http.ResponseWriter, r *http.Request, st backup.BackupStore, name string) (bool, error) {
	l, ok := st.(backupLinker)
	if !ok || s.StreamArtifacts {
		return false, nil
	}
	u, b, err := l.ReadURL(r.Context(), name, ArtifactURLTTL)
	switch {
	case errors.Is(err, jobs.ErrNoSignedURL):
		return false, nil
	case errs.Is(err, errs.NotFound):
		return true, err
	case err != nil:
		return true, storageError("reading the backup", err)
	}
	w.Header().Set("Location", u)
	if b.SHA256 != "" {
		w.Header().Set("X-Content-SHA256", b.SHA256)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusFound)
	return true, nil
}
