// Package scan is the engine API that scans a tenant into the graph. The CLI, the service and
// the tests all call it. A scan runs whole in one process (Run) or as steps the service
// distributes: Plan -> RunShard per shard (each its own queue message) -> Finalize. All types
// are JSON-serialisable so plans and shard results can be persisted between steps, and every
// step is idempotent: running a shard twice changes nothing.
package scan

import (
	"log/slog"
	"sync"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
)

// Request says what to scan.
type Request struct {
	TenantID string `json:"tenant_id"`
	// Subscriptions filters the tenant's subscriptions (GUIDs); empty means all.
	Subscriptions []string `json:"subscriptions,omitempty"`
	// ResourceGroups filters resource groups by name glob (path.Match syntax, case-insensitive);
	// empty means all.
	ResourceGroups    []string `json:"resource_groups,omitempty"`
	IncludeIdentities bool     `json:"include_identities"`
	IncludeRBAC       bool     `json:"include_rbac"`
	// Incremental asks for an incremental scan: only what changed since the tenant's last
	// successful scan (Resource Graph change tables, MS Graph delta links). The plan falls back
	// to a full scan, saying why, when it cannot (incremental.go). Full forces a full scan.
	Incremental bool `json:"incremental,omitempty"`
	Full        bool `json:"full,omitempty"`
}

// Scan modes.
const (
	ModeFull        = "full"
	ModeIncremental = "incremental"
)

// Shard kinds.
const (
	ShardSubscription = "subscription" // resources, children and RBAC of one or more subscriptions
	ShardEntra        = "entra"        // users, groups (+ members), service principals, applications
)

// Plan is a scan split into shards.
type Plan struct {
	ScanID  string  `json:"scan_id"` // "scan_<ulid>"
	Request Request `json:"request"`
	Shards  []Shard `json:"shards"`
	// Subscriptions are every subscription in scope (GUID -> display name), resolved at plan time.
	Subscriptions []Subscription `json:"subscriptions"`
	// StartedAt is the plan time (RFC 3339 with nanoseconds), used for duration_s.
	StartedAt string `json:"started_at"`
	// TenantName and TenantDomain describe the tenant (display name, default domain).
	TenantName   string `json:"tenant_name,omitempty"`
	TenantDomain string `json:"tenant_domain,omitempty"`
	// APICalls are the calls planning made (listing tenants and subscriptions).
	APICalls map[string]int `json:"api_calls,omitempty"`
	// Mode is ModeFull or ModeIncremental; ModeReason says why a requested incremental scan is
	// full. Since is the start of the change window of an incremental scan, State the tenant's
	// previous scan state.
	Mode       string     `json:"mode,omitempty"`
	ModeReason string     `json:"mode_reason,omitempty"`
	Since      string     `json:"since,omitempty"`
	State      *ScanState `json:"state,omitempty"`
}

// Subscription is one subscription in a plan.
type Subscription struct {
	ID             string `json:"id"` // /subscriptions/<guid>
	SubscriptionID string `json:"subscription_id"`
	DisplayName    string `json:"display_name"`
	State          string `json:"state"`
	TenantID       string `json:"tenant_id"`
}

// Shard is one independently runnable unit of a scan.
type Shard struct {
	ID              string   `json:"id"`
	Kind            string   `json:"kind"` // ShardSubscription | ShardEntra
	SubscriptionIDs []string `json:"subscription_ids,omitempty"`
}

// ShardResult is what a shard found; Finalize sums them.
type ShardResult struct {
	ShardID   string         `json:"shard_id"`
	Resources int            `json:"resources"`
	ByType    map[string]int `json:"by_type"`
	// Counts by node label written by the shard (identities, role assignments, …).
	Labels    map[string]int `json:"labels,omitempty"`
	Nodes     int            `json:"nodes"`
	Failures  []Failure      `json:"failures"`
	APICalls  map[string]int `json:"api_calls"`
	Throttled int            `json:"throttled"`
	Retries   int            `json:"retries,omitempty"`
	// ResourceGroups lists the (lower-cased) resource groups the shard found, per subscription,
	// so Finalize can scope cleanup of a resource-group-filtered scan.
	ResourceGroups map[string][]string `json:"resource_groups,omitempty"`
	// Mode is how the shard ran (an incremental plan's shard falls back to full when its change
	// feed fails; FallbackReason says why).
	Mode           string `json:"mode,omitempty"`
	FallbackReason string `json:"fallback_reason,omitempty"`
	// ARGTypes are the lower-cased types Resource Graph returned (kept in the scan state: the
	// child walk of an incremental scan skips them as a full scan does).
	ARGTypes []string `json:"arg_types,omitempty"`
	// DeltaLinks are the Entra shard's MS Graph delta links for the next incremental scan.
	DeltaLinks map[string]string `json:"delta_links,omitempty"`
	// Incremental shards: Drop lists node keys deleted (with everything under them), Refreshed
	// the resources re-read with their child lists (children not seen again are gone).
	Drop      []string `json:"drop,omitempty"`
	Refreshed []string `json:"refreshed,omitempty"`
}

// Failure is one thing that could not be discovered, after retries: Scope (subscription,
// "entra", shard id, …), ID (the resource / collection / request), Code (ARM / Graph error code
// or HTTP status text), Message.
type Failure = discover.Failure

// Identities counts Entra objects.
type Identities struct {
	Users             int `json:"users"`
	Groups            int `json:"groups"`
	ServicePrincipals int `json:"service_principals"`
	Applications      int `json:"applications"`
}

// Result is the scan summary; its JSON is exactly what `atg scan -o json` prints.
type Result struct {
	TenantID        string         `json:"tenant_id"`
	ScanID          string         `json:"scan_id"`
	Subscriptions   int            `json:"subscriptions"`
	Resources       int            `json:"resources"`
	Relationships   int            `json:"relationships"`
	Identities      Identities     `json:"identities"`
	RoleAssignments int            `json:"role_assignments"`
	ByType          map[string]int `json:"by_type"`
	Failures        []Failure      `json:"failures"`
	APICalls        map[string]int `json:"api_calls"`
	Throttled       int            `json:"throttled"`
	DurationS       float64        `json:"duration_s"`
	// Removed counts what stale cleanup deleted.
	Removed graph.DeleteResult `json:"removed"`
	// Mode is what the scan did: "full" or "incremental"; ModeReason says why an incremental
	// scan was (in whole or part) full.
	Mode       string `json:"mode"`
	ModeReason string `json:"mode_reason,omitempty"`
}

// Progress is reported while a scan runs.
type Progress struct {
	Phase   string         `json:"phase"` // plan | resources | children | rbac | identities | finalize | done
	Percent int            `json:"percent"`
	Message string         `json:"message,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"` // subscriptions_done, subscriptions_total, resources, api_calls, throttled
}

// Engine runs scans. Store and Azure are required; the rest have defaults.
type Engine struct {
	Store    graph.Store
	Azure    *azure.Clients
	Logger   *slog.Logger
	Progress func(Progress) // optional; called from many goroutines, serially
	// Concurrency bounds concurrent shards and, within a shard, concurrent ARM list calls;
	// default 16.
	Concurrency int
	// ShardSubscriptions is how many subscriptions one shard covers (Resource Graph batches
	// them into one query); default 10.
	ShardSubscriptions int
	// FinalizeChunk is how many nodes Finalize holds at once while it derives edges from the
	// stored graph (streamed twice: index, then rules); default 2048.
	FinalizeChunk int
	// Now is the clock of scan times (the change window of incremental scans); default time.Now.
	Now func() time.Time

	once   sync.Once
	disc   *discover.Discoverer
	progMu sync.Mutex
	live   liveCounts
}
