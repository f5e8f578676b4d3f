package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"sync"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/safego"
)

// MS Graph collection queries ($select keeps pages small; $top=999 is the maximum; owners come
// expanded, see ownersExpand).
const (
	UsersQuery             = "/v1.0/users?$select=id,displayName,userPrincipalName,mail,accountEnabled,userType&$top=999"
	GroupsQuery            = "/v1.0/groups?$select=id,displayName,mailNickname,description,securityEnabled,mailEnabled&$top=999" + ownersExpand
	ServicePrincipalsQuery = "/v1.0/servicePrincipals?$select=id,displayName,appId,servicePrincipalType,accountEnabled,appRoles&$top=999" + ownersExpand
	ApplicationsQuery      = "/v1.0/applications?$select=id,displayName,appId,passwordCredentials,keyCredentials&$top=999" + ownersExpand
)

// GroupMembersQuery is the member list of one group.
func GroupMembersQuery(groupID string) string {
	return "/v1.0/groups/" + groupID + "/members?$select=id&$top=999"
}

func decodeObj(raw json.RawMessage) (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decoding directory object: %w", err)
	}
	return m, nil
}

// Entra lists users, groups (with members and owners), service principals (with owners and the
// OAuth2 permission grants they hold as clients), applications (with owners), devices (with
// registered owners) and directory roles (with active and PIM-eligible assignments). Each failed
// collection or member list is recorded in sink; what was found is emitted (serially).
func (d *Discoverer) Entra(ctx context.Context, tenantID string, emit func(graph.Node), sink *Sink) error {
	return d.entra(ctx, tenantID, nil, emit, sink)
}

// entra is Entra; with only set (an incremental scan), users, groups and service principals are
// read only for the ids only lists per collection (none when a collection has no entry), in
// batches of the same queries filtered by id; the rest is read whole.
func (d *Discoverer) entra(ctx context.Context, tenantID string, only map[string][]string, emit func(graph.Node), sink *Sink) error {
	var mu sync.Mutex
	safeEmit := func(n graph.Node) { mu.Lock(); emit(n); mu.Unlock() }
	type coll struct {
		query, collection, ownersNav string
		shape                        func(map[string]any, []any) (graph.Node, bool)
	}
	var grants map[string][]any
	withOwners := func(n graph.Node, owners []any) graph.Node {
		if len(owners) > 0 {
			n.Props["owners"] = owners
		}
		return n
	}
	colls := []coll{
		{UsersQuery, "users", "", func(m map[string]any, _ []any) (graph.Node, bool) { return UserNode(tenantID, m) }},
		{ServicePrincipalsQuery, "servicePrincipals", "owners", func(m map[string]any, owners []any) (graph.Node, bool) {
			n, ok := ServicePrincipalNode(tenantID, m)
			if ok {
				n = withOwners(n, owners)
				if g := grants[n.ID]; len(g) > 0 {
					n.Props["oauth2_grants"] = g
				}
			}
			return n, ok
		}},
		{ApplicationsQuery, "applications", "owners", func(m map[string]any, owners []any) (graph.Node, bool) {
			n, ok := ApplicationNode(tenantID, m)
			if ok {
				n = withOwners(n, owners)
			}
			return n, ok
		}},
		{DevicesQuery, "devices", "registeredOwners", func(m map[string]any, owners []any) (graph.Node, bool) {
			return DeviceNode(tenantID, m, owners)
		}},
	}
	g, gctx := safego.WithContext(ctx)
	g.SetLimit(d.Concurrency)
	g.Go(func() error {
		d.directoryRoles(gctx, tenantID, safeEmit, sink)
		return nil
	})
	g.Go(func() error {
		d.units(gctx, tenantID, safeEmit, sink)
		return nil
	})
	// grants are read before service principals are shaped (they are props of the client SP)
	grants = d.oauth2Grants(gctx, sink)
	for _, c := range colls {
		g.Go(func() error {
			var found []graph.Node
			withRoles := map[string]string{} // node key -> object id as listed
			err := d.listQueries(gctx, c.query, c.collection, only, func(raw json.RawMessage) error {
				m, err := decodeObj(raw)
				if err != nil {
					return err
				}
				roles, _ := m["appRoles"].([]any)
				if len(roles) > 0 {
					withRoles[strings.ToLower(str(m, "id"))] = str(m, "id")
				}
				var owners []any
				if c.ownersNav != "" {
					owners = d.owners(gctx, c.collection, c.ownersNav, m, sink)
				}
				n, ok := c.shape(m, owners)
				switch {
				case !ok:
				case c.collection == "servicePrincipals" && len(roles) > 0:
					found = append(found, n) // kept for attachAppRoles
				default:
					safeEmit(n) // written in the collector's batches: a 50k-user directory is not held
				}
				return nil
			})
			if gctx.Err() != nil {
				return gctx.Err()
			}
			if err != nil {
				sink.Fail(FailureFrom("entra", c.query, err))
				return nil
			}
			if c.collection == "servicePrincipals" {
				d.attachAppRoles(gctx, found, withRoles, sink)
			}
			for _, n := range found {
				safeEmit(n)
			}
			return nil
		})
	}
	// groups, then each group's members
	var groups []map[string]any
	err := d.listQueries(gctx, GroupsQuery, "groups", only, func(raw json.RawMessage) error {
		m, err := decodeObj(raw)
		if err == nil {
			groups = append(groups, m)
		}
		return err
	})
	if err != nil && gctx.Err() == nil {
		sink.Fail(FailureFrom("entra", GroupsQuery, err))
	}
	for _, grp := range groups {
		g.Go(func() error {
			id := str(grp, "id")
			var members []map[string]any
			err := d.Azure.ListGraph(gctx, GroupMembersQuery(id), func(raw json.RawMessage) error {
				m, err := decodeObj(raw)
				if err == nil {
					members = append(members, m)
				}
				return err
			})
			if gctx.Err() != nil {
				return gctx.Err()
			}
			if err != nil {
				// keep the group (without members) and record the failure
				sink.Fail(FailureFrom("entra", GroupMembersQuery(id), err))
				members = nil
			}
			if n, ok := GroupNode(tenantID, grp, members); ok {
				if owners := d.owners(gctx, "groups", "owners", grp, sink); len(owners) > 0 {
					n.Props["owners"] = owners
				}
				safeEmit(n)
			}
			return nil
		})
	}
	return g.Wait()
}

// deltaCollections are the collections an incremental scan reads through MS Graph delta
// queries; the rest of the directory is small and read whole.
var deltaCollections = map[string]bool{"users": true, "groups": true, "servicePrincipals": true}

// filterBatch is how many ids one "id in (…)" filter names (MS Graph's limit is 15).
const filterBatch = 15

// listQueries lists query whole, or (only set and collection delta-tracked) in batches
// filtered to the ids only names for the collection.
func (d *Discoverer) listQueries(ctx context.Context, query, collection string, only map[string][]string, fn func(json.RawMessage) error) error {
	if only == nil || !deltaCollections[collection] {
		return d.Azure.ListGraph(ctx, query, fn)
	}
	ids := only[collection]
	for i := 0; i < len(ids); i += filterBatch {
		q := make([]string, 0, filterBatch)
		for _, id := range ids[i:min(i+filterBatch, len(ids))] {
			q = append(q, "'"+strings.ReplaceAll(id, "'", "")+"'")
		}
		if err := d.Azure.ListGraph(ctx, query+"&$filter="+url.QueryEscape("id in ("+strings.Join(q, ",")+")"), fn); err != nil {
			return err
		}
	}
	return nil
}
