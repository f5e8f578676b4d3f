// Package backup holds the service's graph backups as storage sees them: backup names, the
// blob store (BlobBackups, BackupStore), the backup and restore job requests, and the backup
// timer (the Functions timer invocation, `atg serve --daily-backup`). The jobs that export and
// import graphs are handler/executors' (BackupExecutor, RestoreExecutor).
package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blockblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/container"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/service"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/jobs"
)

// Graph backups. Neo4j Community has no online backup, so the service backs each tenant's
// graph up through ATG's own export: `atg graph export --format json`, gzipped, one blob per
// tenant and run, `<prefix>-backups/<tenant>/<yyyymmdd>T<hhmmss>Z.json.gz` (the time is the
// backup job's creation time, so a redelivered job overwrites its own blobs instead of adding
// more). `atg graph import --input FILE.json.gz` restores one. Backups run as jobs of type
// "backup": daily from the backup_timer function, or on demand (POST /api/v1/admin/backups).

// JobTypeBackup is the job type of a backup run.
const JobTypeBackup = "backup"

// DefaultBackupRetentionDays applies when ATG_BACKUP_RETENTION_DAYS is unset.
const DefaultBackupRetentionDays = 30

// BackupsContainer is the blob container of graph backups for a storage prefix (atg-backups).
func BackupsContainer(prefix string) string { return jobs.Names{Prefix: prefix}.BackupsContainer() }

// backupStampLayout is the UTC time in a backup's blob name (ISO 8601 basic: sorts by time).
const backupStampLayout = "20060102T150405Z"

var backupFileRE = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z\.json\.gz$`)

// BackupName is the blob name of tenant's backup taken at t.
func BackupName(tenantID string, t time.Time) string {
	return TenantDir(tenantID) + "/" + t.UTC().Format(backupStampLayout) + ".json.gz"
}

// TenantDir is the blob "folder" of a tenant's backups.
func TenantDir(tenantID string) string { return url.PathEscape(api.NormalizeTenantID(tenantID)) }

// ParseBackupName splits a blob name into tenant and time; ok is false for names that are not
// backups.
func ParseBackupName(name string) (tenantID string, at time.Time, ok bool) {
	dir, file, found := strings.Cut(name, "/")
	if !found || dir == "" || !backupFileRE.MatchString(file) {
		return "", time.Time{}, false
	}
	tenantID, err := url.PathUnescape(dir)
	if err != nil {
		return "", time.Time{}, false
	}
	at, err = time.Parse(backupStampLayout, strings.TrimSuffix(file, ".json.gz"))
	if err != nil {
		return "", time.Time{}, false
	}
	return tenantID, at, true
}

// Backup describes one backup blob.
type Backup struct {
	Name      string    `json:"name"` // blob name in the backups container
	TenantID  string    `json:"tenant_id"`
	CreatedAt time.Time `json:"created_at"`
	Size      int64     `json:"size"`             // bytes of the .json.gz
	SHA256    string    `json:"sha256,omitempty"` // of the .json.gz
	Nodes     int       `json:"nodes"`
	Edges     int       `json:"edges"`
	JobID     string    `json:"job_id,omitempty"`
}

// BackupStore keeps backup blobs.
type BackupStore interface {
	// Put writes b.Name from r (the gzipped export), then calls final (when not nil) to
	// complete b once r is consumed, and records b's tenant, counts and job as metadata. It
	// returns b with size and sha256 filled in. A failed Put leaves no blob behind (or the
	// previous one of the same name).
	Put(ctx context.Context, b Backup, r io.Reader, final func(*Backup)) (Backup, error)
	// List returns the backups of tenantID ("" = all), by tenant then time.
	List(ctx context.Context, tenantID string) ([]Backup, error)
	// Open streams a backup; the caller closes the reader. not_found when missing.
	Open(ctx context.Context, name string) (Backup, io.ReadCloser, error)
	// Delete removes a backup (missing is not an error).
	Delete(ctx context.Context, name string) error
}

// SortBackups orders backups by tenant, then time (the order of BackupStore.List).
func SortBackups(bs []Backup) {
	slices.SortFunc(bs, func(a, b Backup) int {
		if c := strings.Compare(a.TenantID, b.TenantID); c != 0 {
			return c
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	})
}

// ---- Blob ----

// BlobBackups is BackupStore on a blob container.
type BlobBackups struct {
	c   *container.Client
	svc *service.Client // signs user delegation SAS URLs (ReadURL)
}

// OpenBlobBackups returns the backup store on container name, creating the container if it is
// missing (the Bicep creates it in Azure; Azurite starts empty).
func OpenBlobBackups(ctx context.Context, client *azblob.Client, name string) (*BlobBackups, error) {
	if _, err := client.CreateContainer(ctx, name, nil); err != nil && !bloberror.HasCode(err, bloberror.ContainerAlreadyExists) {
		return nil, fmt.Errorf("creating container %s: %w", name, err)
	}
	return &BlobBackups{c: client.ServiceClient().NewContainerClient(name), svc: client.ServiceClient()}, nil
}

// Metadata keys on backup blobs.
const (
	metaTenant = "tenant_id"
	metaNodes  = "nodes"
	metaEdges  = "edges"
	metaJob    = "job_id"
	metaSHA    = "sha256"
)

// Put implements BackupStore: streams r into a block blob (committed only when r ends
// cleanly), hashing as it goes, then sets the metadata.
func (s *BlobBackups) Put(ctx context.Context, b Backup, r io.Reader, final func(*Backup)) (Backup, error) {
	h := sha256.New()
	cr := &countReader{r: io.TeeReader(r, h)}
	// application/gzip, not Content-Encoding: gzip, so that downloads stay compressed.
	ct := "application/gzip"
	bc := s.c.NewBlockBlobClient(b.Name)
	if _, err := bc.UploadStream(ctx, cr, &blockblob.UploadStreamOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: &ct}}); err != nil {
		return b, fmt.Errorf("uploading backup %s: %w", b.Name, err)
	}
	b.Size, b.SHA256 = cr.n, hex.EncodeToString(h.Sum(nil))
	if final != nil {
		final(&b)
	}
	if _, err := bc.SetMetadata(ctx, backupMetadata(b), nil); err != nil {
		return b, fmt.Errorf("recording metadata of backup %s: %w", b.Name, err)
	}
	return b, nil
}

func backupMetadata(b Backup) map[string]*string {
	m := map[string]*string{}
	set := func(k, v string) { m[k] = &v }
	set(metaTenant, url.QueryEscape(b.TenantID)) // metadata values must be ASCII
	set(metaNodes, strconv.Itoa(b.Nodes))
	set(metaEdges, strconv.Itoa(b.Edges))
	set(metaSHA, b.SHA256)
	if b.JobID != "" {
		set(metaJob, b.JobID)
	}
	return m
}

func backupFromBlob(name string, meta map[string]*string, size *int64) (Backup, bool) {
	tenant, at, ok := ParseBackupName(name)
	if !ok {
		return Backup{}, false
	}
	b := Backup{Name: name, TenantID: tenant, CreatedAt: at}
	if size != nil {
		b.Size = *size
	}
	get := func(k string) string {
		for mk, v := range meta {
			if strings.EqualFold(mk, k) && v != nil {
				return *v
			}
		}
		return ""
	}
	b.Nodes, _ = strconv.Atoi(get(metaNodes))
	b.Edges, _ = strconv.Atoi(get(metaEdges))
	b.SHA256, b.JobID = get(metaSHA), get(metaJob)
	return b, true
}

// List implements BackupStore.
func (s *BlobBackups) List(ctx context.Context, tenantID string) ([]Backup, error) {
	opts := &container.ListBlobsFlatOptions{Include: container.ListBlobsInclude{Metadata: true}}
	if tenantID != "" {
		p := TenantDir(tenantID) + "/"
		opts.Prefix = &p
	}
	pager := s.c.NewListBlobsFlatPager(opts)
	out := []Backup{}
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing backups: %w", err)
		}
		for _, it := range page.Segment.BlobItems {
			if it.Name == nil {
				continue
			}
			var size *int64
			if it.Properties != nil {
				size = it.Properties.ContentLength
			}
			if b, ok := backupFromBlob(*it.Name, it.Metadata, size); ok {
				out = append(out, b)
			}
		}
	}
	SortBackups(out)
	return out, nil
}

// Open implements BackupStore.
func (s *BlobBackups) Open(ctx context.Context, name string) (Backup, io.ReadCloser, error) {
	if _, _, ok := ParseBackupName(name); !ok {
		return Backup{}, nil, errs.Errorf(errs.NotFound, "backup %s not found", name)
	}
	resp, err := s.c.NewBlobClient(name).DownloadStream(ctx, nil)
	if err != nil {
		if bloberror.HasCode(err, bloberror.BlobNotFound) || isHTTPStatus(err, http.StatusNotFound) {
			return Backup{}, nil, errs.Errorf(errs.NotFound, "backup %s not found", name)
		}
		return Backup{}, nil, fmt.Errorf("opening backup %s: %w", name, err)
	}
	b, _ := backupFromBlob(name, resp.Metadata, resp.ContentLength)
	return b, resp.Body, nil
}

// ReadURL returns a read-only URL of backup name valid for ttl (≤ 15 min) and its record:
// downloads are redirected there (the Functions host buffers whole responses in memory).
// jobs.ErrNoSignedURL when the storage cannot sign.
func (s *BlobBackups) ReadURL(ctx context.Context, name string, ttl time.Duration) (string, Backup, error) {
	if _, _, ok := ParseBackupName(name); !ok {
		return "", Backup{}, errs.Errorf(errs.NotFound, "backup %s not found", name)
	}
	bc := s.c.NewBlobClient(name)
	props, err := bc.GetProperties(ctx, nil)
	if err != nil {
		if bloberror.HasCode(err, bloberror.BlobNotFound) || isHTTPStatus(err, http.StatusNotFound) {
			return "", Backup{}, errs.Errorf(errs.NotFound, "backup %s not found", name)
		}
		return "", Backup{}, fmt.Errorf("reading backup %s: %w", name, err)
	}
	b, _ := backupFromBlob(name, props.Metadata, props.ContentLength)
	u, err := jobs.SignBlobReadURL(ctx, bc, s.svc, ttl)
	return u, b, err
}

// Delete implements BackupStore.
func (s *BlobBackups) Delete(ctx context.Context, name string) error {
	if _, err := s.c.NewBlobClient(name).Delete(ctx, nil); err != nil && !bloberror.HasCode(err, bloberror.BlobNotFound) {
		return fmt.Errorf("deleting backup %s: %w", name, err)
	}
	return nil
}

func isHTTPStatus(err error, code int) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == code
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// ---- the job ----

// BackupRequest is the request of a backup job (POST /api/v1/admin/backups, or the timer).
type BackupRequest struct {
	// TenantIDs to back up; empty: every tenant in the graph.
	TenantIDs []string `json:"tenant_ids,omitempty"`
	// Trigger is set by the service: "api" or "timer".
	Trigger string `json:"trigger,omitempty"`
}

// Validate normalises the tenant ids.
func (r *BackupRequest) Validate() error {
	f := api.FieldErrors{}
	if len(r.TenantIDs) > api.MaxListItems {
		f["tenant_ids"] = fmt.Sprintf("at most %d items", api.MaxListItems)
	}
	seen := map[string]bool{}
	var ids []string
	for i, id := range r.TenantIDs {
		t, err := api.CheckTenantID(id)
		if err != nil || len(t) > 200 {
			f[fmt.Sprintf("tenant_ids[%d]", i)] = "must be a tenant id"
			continue
		}
		if !seen[t] {
			seen[t] = true
			ids = append(ids, t)
		}
	}
	r.TenantIDs = ids
	return fieldsErr(f)
}

// BackupResult is the result of a backup job.
type BackupResult struct {
	Backups       []Backup `json:"backups"`
	Pruned        []string `json:"pruned"`
	RetentionDays int      `json:"retention_days"`
	Container     string   `json:"container,omitempty"`
	// Restored is set when a timer job found the graph empty while backups exist (Neo4j lost its
	// store) and restored the newest backup of every tenant instead of backing up nothing.
	Restored []RestoredTenant `json:"restored,omitempty"`
}
