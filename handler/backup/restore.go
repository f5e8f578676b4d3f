package backup

import (
	"fmt"
	"slices"
	"strings"

	"github.com/atg-go/atg/api"
)

// JobTypeRestore is the job type of a restore from backups.
const JobTypeRestore = "restore"

// RestoreRequest is the request of a restore job.
type RestoreRequest struct {
	// TenantIDs to restore, each from its newest backup; empty (and no Backups): every tenant
	// that has a backup.
	TenantIDs []string `json:"tenant_ids,omitempty"`
	// Backups names exact backups ("<tenant>/<file>.json.gz", as GET /admin/backups lists them).
	Backups []string `json:"backups,omitempty"`
	// Replace deletes a tenant's current graph first; without it non-empty tenants are skipped.
	Replace bool `json:"replace,omitempty"`
}

// Validate normalises the tenant ids and checks backup names.
func (r *RestoreRequest) Validate() error {
	b := BackupRequest{TenantIDs: r.TenantIDs}
	err := b.Validate()
	r.TenantIDs = b.TenantIDs
	f := api.FieldErrors{}
	if len(r.Backups) > api.MaxListItems {
		f["backups"] = fmt.Sprintf("at most %d items", api.MaxListItems)
	}
	for i, n := range r.Backups {
		t, _, ok := ParseBackupName(n)
		if !ok || strings.Contains(n, "..") {
			f[fmt.Sprintf("backups[%d]", i)] = "must be <tenant>/<yyyymmdd>T<hhmmss>Z.json.gz"
			continue
		}
		if slices.Contains(r.TenantIDs, t) {
			f[fmt.Sprintf("backups[%d]", i)] = "names a tenant also in tenant_ids"
		}
	}
	if err != nil {
		return err
	}
	return fieldsErr(f)
}

// RestoredTenant is one tenant of a restore job's result.
type RestoredTenant struct {
	TenantID string `json:"tenant_id"`
	Backup   string `json:"backup"`
	Nodes    int    `json:"nodes"`
	Edges    int    `json:"edges"`
	// Expected counts are the backup's (its metadata): equal to Nodes/Edges on a good restore.
	ExpectedNodes int    `json:"expected_nodes"`
	ExpectedEdges int    `json:"expected_edges"`
	Skipped       string `json:"skipped,omitempty"` // why nothing was restored
}

// RestoreResult is the result of a restore job.
type RestoreResult struct {
	Tenants []RestoredTenant `json:"tenants"`
}
