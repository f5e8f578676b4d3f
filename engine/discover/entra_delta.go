package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// DeltaQueries are the MS Graph delta queries of the collections an incremental scan tracks
// (users, groups, servicePrincipals): only ids are selected, the changed objects are then read
// with the same queries as a full scan, filtered by id.
var DeltaQueries = map[string]string{
	"users":             "/v1.0/users/delta?$select=id",
	"groups":            "/v1.0/groups/delta?$select=id,members",
	"servicePrincipals": "/v1.0/servicePrincipals/delta?$select=id",
}

// DeltaLinks are the delta links of the tracked collections, relative to the MS Graph
// endpoint ("/v1.0/users/delta?$deltatoken=…").
type DeltaLinks map[string]string

func relativeLink(link string) string {
	if u, err := url.Parse(link); err == nil && u.IsAbs() {
		return u.RequestURI()
	}
	return link
}

// LatestDeltaLinks asks each tracked collection for a delta link from now on
// ($deltatoken=latest: no objects, one call each). A full scan takes them before it lists the
// directory, so the next incremental scan sees every change made since.
func (d *Discoverer) LatestDeltaLinks(ctx context.Context) (DeltaLinks, error) {
	out := DeltaLinks{}
	for _, c := range sortedKeys(DeltaQueries) {
		link, err := d.Azure.DeltaGraph(ctx, DeltaQueries[c]+"&$deltatoken=latest", func(json.RawMessage) error { return nil })
		if err != nil {
			return nil, fmt.Errorf("delta link of %s: %w", c, err)
		}
		if link == "" {
			return nil, fmt.Errorf("delta link of %s: the answer has no @odata.deltaLink", c)
		}
		out[c] = relativeLink(link)
	}
	return out, nil
}

// EntraDelta refreshes the directory from delta links: it follows each tracked collection's
// link to learn what changed, reads the changed users, groups (with members and owners) and
// service principals with the full scan's queries filtered by id, reads the rest of the
// directory whole (applications, devices, directory roles, units, grants), and returns the new
// links and the ids of deleted objects. An error of a delta query is returned (the caller falls
// back to a full directory listing); other failures are recorded in sink as Entra does.
func (d *Discoverer) EntraDelta(ctx context.Context, tenantID string, links DeltaLinks, emit func(graph.Node), sink *Sink) (DeltaLinks, []string, error) {
	next := DeltaLinks{}
	changed := map[string][]string{}
	var removed []string
	for _, c := range sortedKeys(DeltaQueries) {
		link := links[c]
		if link == "" {
			return nil, nil, fmt.Errorf("no delta link for %s", c)
		}
		seen := map[string]bool{}
		nl, err := d.Azure.DeltaGraph(ctx, link, func(raw json.RawMessage) error {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				return fmt.Errorf("decoding %s delta: %w", c, err)
			}
			id := strings.ToLower(str(m, "id"))
			if id == "" || seen[id] {
				return nil
			}
			seen[id] = true
			if _, gone := m["@removed"]; gone {
				removed = append(removed, id)
			} else {
				changed[c] = append(changed[c], id)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("delta of %s: %w", c, err)
		}
		if nl == "" {
			return nil, nil, fmt.Errorf("delta of %s: the last page has no @odata.deltaLink", c)
		}
		next[c] = relativeLink(nl)
	}
	for c := range changed {
		sort.Strings(changed[c])
	}
	sort.Strings(removed)
	if err := d.entra(ctx, tenantID, changed, emit, sink); err != nil {
		return nil, nil, err
	}
	return next, removed, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
