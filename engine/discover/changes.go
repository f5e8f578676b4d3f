package discover

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
)

// Resource Graph change tables (Change Analysis): what changed in the last 14 days.
const (
	ResourceChangesTable  = "resourcechanges"
	ContainerChangesTable = "resourcecontainerchanges"
	// ChangeRetention is how far back the change tables go.
	ChangeRetention = 14 * 24 * time.Hour
	// idBatch is how many ids one "id in~ (…)" query names.
	idBatch = 200
)

// ChangesQuery is the KQL of a change table's changes since a time, one row per change.
func ChangesQuery(table string, subs []string, since time.Time) string {
	return table + " | where subscriptionId in " + quoteList(subs) +
		" | where properties.changeAttributes.timestamp > datetime(" + since.UTC().Format(time.RFC3339Nano) + ")" +
		" | project id, targetResourceId = properties.targetResourceId, changeType = properties.changeType | order by id asc"
}

// ChangedTargets returns the (lower-cased) ids of the resources (table resourcechanges) or
// resource groups (resourcecontainerchanges) of subs changed after since, sorted.
func (d *Discoverer) ChangedTargets(ctx context.Context, table string, subs []string, since time.Time) ([]string, error) {
	set := map[string]bool{}
	err := d.QueryKQL(ctx, subs, func(batch []string) string { return ChangesQuery(table, batch, since) }, func(row map[string]any) error {
		if id := graph.NormalizeID(str(row, "targetResourceId")); id != "" {
			set[id] = true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Strings(out)
	return out, nil
}

func byIDQuery(table string, ids []string) func([]string) string {
	return func(batch []string) string {
		return table + " | where subscriptionId in " + quoteList(batch) + " | where id in~ " + quoteList(ids) + " | order by id asc"
	}
}

// ResourcesByID reads the rows of ids from Resource Graph's resources table (batched; shaped as
// Resources does, with the children their bodies hold inline) and emits them. Ids without a
// row are not found (deleted, or not a Resource Graph resource).
func (d *Discoverer) ResourcesByID(ctx context.Context, tenantID string, subs, ids []string, types map[string]TypeInfo,
	emit func(graph.Node), sink *Sink) (map[string]bool, error) {
	seenTypes := map[string]bool{}
	for i := 0; i < len(ids); i += idBatch {
		st, err := d.resources(ctx, tenantID, subs, byIDQuery("resources", ids[i:min(i+idBatch, len(ids))]), types, nil, emit, sink)
		if err != nil {
			return seenTypes, err
		}
		for t := range st {
			seenTypes[t] = true
		}
	}
	return seenTypes, nil
}

// ResourceGroupsByID reads the rows of resource group ids from resourcecontainers and emits
// them as ResourceGroups does.
func (d *Discoverer) ResourceGroupsByID(ctx context.Context, tenantID string, subs, ids []string, emit func(graph.Node)) error {
	for i := 0; i < len(ids); i += idBatch {
		err := d.QueryKQL(ctx, subs, byIDQuery("resourcecontainers", ids[i:min(i+idBatch, len(ids))]), func(row map[string]any) error {
			a, ok := armid.Parse(str(row, "id"))
			if !ok || a.ResourceGroup == "" || !strings.EqualFold(a.Type(), "Microsoft.Resources/resourceGroups") {
				return nil
			}
			emit(NodeFromARM(tenantID, row))
			return nil
		})
		if err != nil {
			return fmt.Errorf("reading changed resource groups: %w", err)
		}
	}
	return nil
}
