package scan

// Incremental scans. A full scan that succeeds leaves a ScanState node in the graph: when it
// started, its options, the Resource Graph types it saw and MS Graph delta links. An incremental
// scan reads it and asks only for what changed since: Resource Graph's resourcechanges and
// resourcecontainerchanges tables (per shard), the rows of the changed resources and resource
// groups (with their child lists walked again), each subscription's role assignments (one list),
// and the directory through delta links. Finalize (finalizeIncremental) then removes what changed
// away by id and re-derives only the affected edges, so what the graph holds afterwards is what
// a full scan would leave. The plan falls back to a full scan — and
// says why — with no previous scan, a window over the 14-day change retention, other options,
// a filtered request or Request.Full; a shard whose change feed fails runs fully.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
)

// ScanState is what a successful scan leaves for the next incremental one (the props of the
// tenant's ScanState node).
type ScanState struct {
	ScanID            string            `json:"scan_id"`
	Mode              string            `json:"mode"`
	StartedAt         string            `json:"started_at"` // RFC 3339, the engine clock
	IncludeIdentities bool              `json:"include_identities"`
	IncludeRBAC       bool              `json:"include_rbac"`
	Subscriptions     []string          `json:"subscriptions,omitempty"` // GUIDs in scope, sorted
	ARGTypes          []string          `json:"arg_types,omitempty"`
	DeltaLinks        map[string]string `json:"delta_links,omitempty"`
}

// changeMargin widens the change window for clock skew between the scanner and Azure (changes
// read twice are harmless: every refresh is an idempotent upsert).
const changeMargin = 5 * time.Minute

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

// ReadScanState returns the tenant's scan state (nil when there is none).
func ReadScanState(ctx context.Context, st graph.Store, tenantID string) (*ScanState, error) {
	n, err := st.GetNode(ctx, graph.NormalizeTenantID(tenantID), graph.ScanStateID)
	if errors.Is(err, graph.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the scan state: %w", err)
	}
	b, err := json.Marshal(n.Props)
	if err != nil {
		return nil, fmt.Errorf("reading the scan state: %w", err)
	}
	var s ScanState
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("reading the scan state: %w", err)
	}
	return &s, nil
}

func writeScanState(ctx context.Context, st graph.Store, tenantID, scanID string, s ScanState) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	var props map[string]any
	if err := json.Unmarshal(b, &props); err != nil {
		return err
	}
	n := graph.Node{Label: graph.LabelScanState, ID: graph.ScanStateID, TenantID: tenantID, Props: props}
	if err := st.UpsertNodes(ctx, tenantID, scanID, []graph.Node{n}); err != nil {
		return fmt.Errorf("writing the scan state: %w", err)
	}
	return nil
}

// chooseMode decides whether a plan runs incrementally, and why not.
func (e *Engine) chooseMode(ctx context.Context, req Request, started time.Time, subs []string) (mode, reason string, since time.Time, state *ScanState) {
	switch {
	case req.Full:
		return ModeFull, "", time.Time{}, nil
	case !req.Incremental:
		return ModeFull, "", time.Time{}, nil
	case len(req.Subscriptions) > 0 || len(req.ResourceGroups) > 0:
		return ModeFull, "a filtered scan (subscriptions or resource groups) is always full", time.Time{}, nil
	}
	state, err := ReadScanState(ctx, e.Store, req.TenantID)
	if err != nil {
		return ModeFull, err.Error(), time.Time{}, nil
	}
	if state == nil {
		return ModeFull, "no previous successful scan of the tenant", time.Time{}, nil
	}
	last, err := time.Parse(time.RFC3339Nano, state.StartedAt)
	if err != nil {
		return ModeFull, "the scan state has no valid start time", time.Time{}, nil
	}
	if state.IncludeIdentities != req.IncludeIdentities || state.IncludeRBAC != req.IncludeRBAC {
		return ModeFull, "the previous scan had other options (identities, RBAC)", time.Time{}, nil
	}
	for _, s := range subs {
		if !slices.Contains(state.Subscriptions, s) {
			// its resources may predate the change window (access newly granted, a move)
			return ModeFull, "subscription " + s + " was not in the previous scan", time.Time{}, nil
		}
	}
	if req.IncludeIdentities && len(state.DeltaLinks) < len(discover.DeltaQueries) {
		return ModeFull, "the previous scan left no MS Graph delta links", time.Time{}, nil
	}
	since = last.Add(-changeMargin)
	if age := started.Sub(since); age > discover.ChangeRetention {
		return ModeFull, fmt.Sprintf("the last successful scan was %.1f days ago, beyond the 14-day change retention", age.Hours()/24), time.Time{}, nil
	}
	return ModeIncremental, "", since, state
}

// runSubscriptionsIncremental refreshes what changed in a shard's subscriptions since the plan's
// window start. It returns an error only when the change feed cannot be read (the caller then
// runs the shard fully).
func (e *Engine) runSubscriptionsIncremental(ctx context.Context, p Plan, s Shard, col *collector, sink *discover.Sink, res *ShardResult) error {
	tenant := p.Request.TenantID
	since, err := time.Parse(time.RFC3339Nano, p.Since)
	if err != nil {
		return fmt.Errorf("the plan has no valid change window: %w", err)
	}
	e.report("changes", 0, "reading Resource Graph change tables")
	changedRes, err := e.disc.ChangedTargets(ctx, discover.ResourceChangesTable, s.SubscriptionIDs, since)
	if err != nil {
		return fmt.Errorf("reading %s: %w", discover.ResourceChangesTable, err)
	}
	changedRGs, err := e.disc.ChangedTargets(ctx, discover.ContainerChangesTable, s.SubscriptionIDs, since)
	if err != nil {
		return fmt.Errorf("reading %s: %w", discover.ContainerChangesTable, err)
	}
	for _, sub := range p.Subscriptions {
		if slices.Contains(s.SubscriptionIDs, sub.SubscriptionID) {
			col.add(discover.SubscriptionNode(tenant, sub.SubscriptionID, sub.DisplayName, sub.State))
		}
	}
	types := map[string]discover.TypeInfo{}
	if len(changedRes) > 0 {
		if types, err = e.disc.Types(ctx, s.SubscriptionIDs[0]); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("listing resource providers: %w", err)
		}
	}
	// resource groups: the changed ones' rows; those without a row are gone
	foundRG := map[string]bool{}
	if err := e.disc.ResourceGroupsByID(ctx, tenant, s.SubscriptionIDs, changedRGs, func(n graph.Node) {
		foundRG[n.ID] = true
		col.add(n)
	}); err != nil {
		return err
	}
	for _, id := range changedRGs {
		if !foundRG[id] {
			res.Drop = append(res.Drop, id)
		}
	}
	// resources: the rows of the changed ids and of their ancestors (a changed child refreshes
	// the nearest resource Resource Graph lists, with its child lists)
	ask := map[string]bool{}
	for _, id := range changedRes {
		for a := id; a != ""; a = parentID(a) {
			ask[a] = true
		}
	}
	askIDs := make([]string, 0, len(ask))
	for id := range ask {
		askIDs = append(askIDs, id)
	}
	sort.Strings(askIDs)
	found := map[string]graph.Node{}
	argTypes, err := e.disc.ResourcesByID(ctx, tenant, s.SubscriptionIDs, askIDs, types, func(n graph.Node) {
		if _, ok := found[n.ID]; !ok && n.Label == graph.LabelResource {
			found[n.ID] = discover.ParentStub(n)
		}
		col.add(n)
	}, sink)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	skip := map[string]bool{}
	for _, t := range p.State.ARGTypes {
		skip[t] = true
	}
	for t := range argTypes {
		skip[t] = true
		res.ARGTypes = append(res.ARGTypes, t)
	}
	var walk []graph.Node
	walked := map[string]bool{}
	for _, id := range changedRes {
		if _, ok := found[id]; !ok {
			res.Drop = append(res.Drop, id) // deleted (with its children)
		}
		for a := id; a != ""; a = parentID(a) {
			if n, ok := found[a]; ok {
				if !walked[a] {
					walked[a] = true
					walk = append(walk, n)
					res.Refreshed = append(res.Refreshed, a)
				}
				break
			}
		}
	}
	seen := map[string]bool{}
	for id := range found {
		seen[id] = true
	}
	if err := e.disc.WalkChildren(ctx, tenant, types, walk, skip, seen, col.add, sink); err != nil {
		return err
	}
	// role assignments have no change table: all of the shard's, from one Resource Graph query
	if p.Request.IncludeRBAC {
		if err := e.disc.RoleAssignmentsARG(ctx, tenant, s.SubscriptionIDs, col.add); err != nil {
			return err
		}
	}
	e.Logger.Debug("incremental shard", "shard", s.ID, "changed_resources", len(changedRes), "changed_resource_groups", len(changedRGs),
		"refreshed", len(res.Refreshed), "dropped", len(res.Drop))
	return ctx.Err()
}

// parentID is the id one level up an ARM id within its resource group ("" at or above the
// resource group): the parent of a child resource, or the scope of an extension resource.
func parentID(id string) string {
	a, ok := armid.Parse(id)
	if !ok || a.ResourceGroup == "" {
		return ""
	}
	segs := strings.Split(strings.Trim(id, "/"), "/")
	// drop one type/name pair, and a bare /providers/<ns> left behind
	if len(segs) < 6 {
		return ""
	}
	up := segs[:len(segs)-2]
	if len(up) >= 2 && strings.EqualFold(up[len(up)-2], "providers") {
		up = up[:len(up)-2]
	}
	if len(up) <= 4 { // /subscriptions/s/resourceGroups/rg
		return ""
	}
	return "/" + strings.Join(up, "/")
}

// carryRule returns what an incremental scan keeps of the nodes it did not read: every node a
// full scan would have refreshed but this one did not — it did not change — except what changed
// away (dropped, or a child a list walked again did not return) and what each scan reads whole
// (those, when not read, are gone).
func carryRule(p Plan, results []ShardResult) func(graph.NodeHead) bool {
	drop := map[string]bool{}
	refreshed := map[string]bool{}
	argTypes := map[string]bool{}
	fullSubs := map[string]bool{}
	entraFull := false
	if p.State != nil {
		for _, t := range p.State.ARGTypes {
			argTypes[t] = true
		}
	}
	for _, r := range results {
		for _, id := range r.Drop {
			drop[id] = true
		}
		for _, id := range r.Refreshed {
			refreshed[id] = true
		}
		for _, t := range r.ARGTypes {
			argTypes[t] = true
		}
		if r.Mode == ModeFull {
			if r.ShardID == "entra" {
				entraFull = true
			}
			for _, sh := range p.Shards {
				if sh.ID == r.ShardID {
					for _, sub := range sh.SubscriptionIDs {
						fullSubs[sub] = true
					}
				}
			}
		}
	}
	inPlan := map[string]bool{}
	for _, s := range p.Subscriptions {
		inPlan[s.SubscriptionID] = true
	}
	// what each scan reads whole is never carried: its stale nodes go
	skipLabel := map[graph.Label]bool{graph.LabelTag: true, graph.LabelRegion: true, graph.LabelScanState: true,
		graph.LabelTenant: true, graph.LabelSubscription: true}
	if p.Request.IncludeRBAC {
		skipLabel[graph.LabelRoleAssignment] = true
	}
	if p.Request.IncludeIdentities {
		for _, l := range []graph.Label{graph.LabelApplication, graph.LabelDevice, graph.LabelDirectoryRole, graph.LabelAdministrativeUnit} {
			skipLabel[l] = true
		}
		if entraFull {
			for _, l := range graph.EntraLabels {
				skipLabel[l] = true
			}
		}
	}
	return func(n graph.NodeHead) bool {
		if n.LastSeen == p.ScanID {
			return false
		}
		if skipLabel[n.Label] {
			// role assignments above the subscriptions (management groups) are read by full scans only
			return n.Label == graph.LabelRoleAssignment && n.Facts.Subscription == ""
		}
		if sub := n.Facts.Subscription; sub != "" && (fullSubs[sub] || !inPlan[sub]) &&
			(n.Label == graph.LabelResource || n.Label == graph.LabelResourceGroup) {
			return false
		}
		if drop[n.ID] {
			return false
		}
		typ := n.Facts.Type
		for a := n.ID; ; {
			i := strings.LastIndexByte(a, '/')
			if i <= 0 {
				break
			}
			a = a[:i]
			if drop[a] {
				return false
			}
			if refreshed[a] && n.Label == graph.LabelResource && !argTypes[typ] && !strings.HasPrefix(typ, "microsoft.authorization/") {
				return false // a child list walked again did not return it
			}
		}
		return true
	}
}

// nextState is the scan state a successful scan leaves.
func nextState(p Plan, results []ShardResult) ScanState {
	st := ScanState{ScanID: p.ScanID, Mode: p.Mode, StartedAt: p.StartedAt, IncludeIdentities: p.Request.IncludeIdentities,
		IncludeRBAC: p.Request.IncludeRBAC}
	types := map[string]bool{}
	if p.Mode == ModeIncremental && p.State != nil {
		for _, t := range p.State.ARGTypes {
			types[t] = true
		}
	}
	for _, r := range results {
		for _, t := range r.ARGTypes {
			types[t] = true
		}
		if r.DeltaLinks != nil {
			st.DeltaLinks = r.DeltaLinks
		}
	}
	for t := range types {
		st.ARGTypes = append(st.ARGTypes, t)
	}
	for _, s := range p.Subscriptions {
		st.Subscriptions = append(st.Subscriptions, s.SubscriptionID)
	}
	sort.Strings(st.Subscriptions)
	sort.Strings(st.ARGTypes)
	return st
}
