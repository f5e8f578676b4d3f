package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/safego"
)

// MS Graph collection queries ($select keeps pages small; $top=999 is the maximum).
const (
	UsersQuery             = "/v1.0/users?$select=id,displayName,userPrincipalName,mail,accountEnabled,userType&$top=999"
	GroupsQuery            = "/v1.0/groups?$select=id,displayName,mailNickname,description,securityEnabled,mailEnabled&$top=999"
	ServicePrincipalsQuery = "/v1.0/servicePrincipals?$select=id,displayName,appId,servicePrincipalType,accountEnabled&$top=999"
	ApplicationsQuery      = "/v1.0/applications?$select=id,displayName,appId,passwordCredentials,keyCredentials&$top=999"
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

// Entra lists users, groups (with members), service principals and applications. Each failed
// collection or member list is recorded in sink; what was found is emitted (serially).
func (d *Discoverer) Entra(ctx context.Context, tenantID string, emit func(graph.Node), sink *Sink) error {
	var mu sync.Mutex
	safeEmit := func(n graph.Node) { mu.Lock(); emit(n); mu.Unlock() }
	type coll struct {
		query string
		shape func(string, map[string]any) (graph.Node, bool)
	}
	g, gctx := safego.WithContext(ctx)
	g.SetLimit(d.Concurrency)
	for _, c := range []coll{{UsersQuery, UserNode}, {ServicePrincipalsQuery, ServicePrincipalNode}, {ApplicationsQuery, ApplicationNode}} {
		g.Go(func() error {
			var found []graph.Node
			err := d.Azure.ListGraph(gctx, c.query, func(raw json.RawMessage) error {
				m, err := decodeObj(raw)
				if err != nil {
					return err
				}
				if n, ok := c.shape(tenantID, m); ok {
					found = append(found, n)
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
			for _, n := range found {
				safeEmit(n)
			}
			return nil
		})
	}
	// groups, then each group's members
	var groups []map[string]any
	err := d.Azure.ListGraph(gctx, GroupsQuery, func(raw json.RawMessage) error {
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
				safeEmit(n)
			}
			return nil
		})
	}
	return g.Wait()
}
