package remote

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Admin endpoints (admin keys only): graph backups, restores and the key listing.

// Backup is one graph backup as GET /admin/backups lists it.
type Backup struct {
	Name      string    `json:"name"`
	TenantID  string    `json:"tenant_id"`
	CreatedAt time.Time `json:"created_at"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256,omitempty"`
	Nodes     int       `json:"nodes"`
	Edges     int       `json:"edges"`
	JobID     string    `json:"job_id,omitempty"`
}

// BackupList is GET /admin/backups.
type BackupList struct {
	Backups       []Backup `json:"backups"`
	Container     string   `json:"container"`
	RetentionDays int      `json:"retention_days"`
}

// RestoreRequest is POST /admin/restores.
type RestoreRequest struct {
	TenantIDs []string `json:"tenant_ids,omitempty"`
	Backups   []string `json:"backups,omitempty"`
	Replace   bool     `json:"replace,omitempty"`
}

// KeyInfo is one key entry as GET /admin/keys lists it (never the key).
type KeyInfo struct {
	Name        string   `json:"name"`
	Role        string   `json:"role"`
	Fingerprint string   `json:"fingerprint"`
	Scopes      []string `json:"scopes,omitempty"`
}

// KeyList is GET /admin/keys.
type KeyList struct {
	Keys     []KeyInfo `json:"keys"`
	Status   string    `json:"status"`
	Warnings []string  `json:"warnings,omitempty"`
}

// ListBackups lists backups, of one tenant or ("" ) all.
func (c *Client) ListBackups(ctx context.Context, tenantID string) (BackupList, error) {
	q := url.Values{}
	if tenantID != "" {
		q.Set("tenant_id", tenantID)
	}
	var l BackupList
	return l, c.do(ctx, http.MethodGet, "/admin/backups", q, nil, "", &l)
}

// CreateBackup starts a backup job of the given tenants (none: every tenant).
func (c *Client) CreateBackup(ctx context.Context, tenantIDs []string, idemKey string) (Job, error) {
	var j Job
	body := map[string]any{}
	if len(tenantIDs) > 0 {
		body["tenant_ids"] = tenantIDs
	}
	return j, c.do(ctx, http.MethodPost, "/admin/backups", nil, body, idemKey, &j)
}

// Restore starts a restore job.
func (c *Client) Restore(ctx context.Context, r RestoreRequest, idemKey string) (Job, error) {
	var j Job
	return j, c.do(ctx, http.MethodPost, "/admin/restores", nil, r, idemKey, &j)
}

// ListKeys lists the service's key entries (names, roles, fingerprints).
func (c *Client) ListKeys(ctx context.Context) (KeyList, error) {
	var l KeyList
	return l, c.do(ctx, http.MethodGet, "/admin/keys", nil, nil, "", &l)
}

// DownloadBackup streams backup name ("<tenant>/<file>.json.gz") into w and returns its
// SHA-256 (hex) and size; it fails when the service's X-Content-SHA256 does not match.
func (c *Client) DownloadBackup(ctx context.Context, name string, w io.Writer) (string, int64, error) {
	tenant, file, ok := strings.Cut(name, "/")
	if !ok || tenant == "" || file == "" || strings.Contains(file, "/") {
		return "", 0, fmt.Errorf("backup %q: want <tenant>/<file>.json.gz as atg admin backups list shows it", name)
	}
	resp, err := c.send(ctx, http.MethodGet, "/admin/backups/"+url.PathEscape(tenant)+"/"+url.PathEscape(file), nil, nil, "")
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), resp.Body)
	if err != nil {
		return "", n, fmt.Errorf("downloading backup %s: %w", name, err)
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if want := resp.Header.Get("X-Content-SHA256"); want != "" && !strings.EqualFold(want, sum) {
		return sum, n, fmt.Errorf("backup %s: sha256 %s, the service says %s (truncated download?)", name, sum, want)
	}
	return sum, n, nil
}
