package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/discover/childtree"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/safego"
)

// ChildCollection is one ARM child collection the walk lists: for every resource of Parent type,
// GET {parent id}/{Path}?api-version=… returns resources of Type (see childtree.Collection).
type ChildCollection = childtree.Collection

// Children is the hand-kept part of the child-collection tree (childtree.Overrides): the
// collections the walk always lists. The rest of the tree is generated from the Azure REST API
// specifications (childtree.Generated); a generated collection is listed when the providers API
// names its child type (it is registered where the scan runs), never when the parent's GET
// returns it inline or its list needs parameters the walk cannot supply.
var Children = childtree.Overrides

// InlineNodes are the child types that become nodes when read inline from their parent's
// body (no list call). Other inline children stay in the parent's properties.
var InlineNodes = map[string]bool{
	"microsoft.network/virtualnetworks/subnets":                true,
	"microsoft.network/virtualnetworks/virtualnetworkpeerings": true,
}

// listedChildren returns the collections the walk lists for a parent type: hand-kept rows, and
// generated rows whose child type the providers API names, that are neither inline nor in need
// of parameters.
func listedChildren(parentType string, types map[string]TypeInfo) []ChildCollection {
	var out []ChildCollection
	for _, c := range childtree.Of(parentType) {
		if c.Inline || c.Required != "" {
			continue
		}
		if _, registered := types[strings.ToLower(c.Type)]; c.Always || registered {
			out = append(out, c)
		}
	}
	return out
}

// InlineChildren returns the child nodes a parent's body holds inline (InlineNodes types under
// properties.<collection>), shaped as if listed: no call is made for them.
func InlineChildren(tenantID string, env map[string]any, types map[string]TypeInfo) []graph.Node {
	props := obj(env, "properties")
	if props == nil {
		return nil
	}
	var out []graph.Node
	for _, c := range childtree.Of(str(env, "type")) {
		lt := strings.ToLower(c.Type)
		if !c.Inline || !InlineNodes[lt] {
			continue
		}
		for k, v := range props {
			if !strings.EqualFold(k, c.Path) {
				continue
			}
			items, _ := v.([]any)
			for _, it := range items {
				m, ok := it.(map[string]any)
				if !ok || str(m, "id") == "" {
					continue
				}
				kid := make(map[string]any, len(m)+1)
				for k, v := range m {
					kid[k] = v
				}
				if str(kid, "type") == "" {
					kid["type"] = c.Type
				}
				out = append(out, ARMNode(tenantID, kid, typeInfo(types, c.Type, c.APIVersion)))
			}
		}
	}
	return out
}

// isGone reports a 404 (the parent disappeared between listing and walking).
func isGone(err error) bool {
	status, _ := azure.ErrorCode(err)
	return status == http.StatusNotFound
}

type childTask struct {
	c        ChildCollection
	pid, sub string
}

// interleave lists the child collections of parents, round-robin across subscriptions, so that
// workers spread over every subscription's ARM budget instead of draining one after another.
func interleave(parents []graph.Node, types map[string]TypeInfo, skip map[string]bool) []childTask {
	bySub := map[string][]childTask{}
	rows := map[string][]ChildCollection{} // parent type -> listed collections
	var order []string
	for _, p := range parents {
		ptype, _ := p.Props[graph.PropType].(string)
		pid, _ := p.Props[graph.PropID].(string)
		sub, _ := p.Props[graph.PropSubscription].(string)
		cs, ok := rows[ptype]
		if !ok {
			cs = listedChildren(ptype, types)
			rows[ptype] = cs
		}
		for _, c := range cs {
			if skip[strings.ToLower(c.Type)] {
				continue
			}
			if _, ok := bySub[sub]; !ok {
				order = append(order, sub)
			}
			bySub[sub] = append(bySub[sub], childTask{c: c, pid: pid, sub: sub})
		}
	}
	var out []childTask
	for i := 0; ; i++ {
		added := false
		for _, sub := range order {
			if i < len(bySub[sub]) {
				out = append(out, bySub[sub][i])
				added = true
			}
		}
		if !added {
			return out
		}
	}
}

// ParentStub is what the child walk needs of a parent — its label, key, ARM id, type and
// subscription — without its JSON, so a walk over many parents holds ids, not documents.
func ParentStub(n graph.Node) graph.Node {
	props := make(map[string]any, 3)
	for _, k := range []string{graph.PropType, graph.PropID, graph.PropSubscription} {
		if v, ok := n.Props[k]; ok {
			props[k] = v
		}
	}
	return graph.Node{Label: n.Label, ID: n.ID, TenantID: n.TenantID, Props: props}
}

// WalkChildren lists the child collections of parents (level by level, so children of children
// are walked too), with at most Concurrency list calls in flight. skip holds lower-cased types
// Resource Graph already returned; seen holds node ids already found (not emitted again). Each
// child node is passed to emit (serially); each failed list is recorded in sink.
func (d *Discoverer) WalkChildren(ctx context.Context, tenantID string, types map[string]TypeInfo, parents []graph.Node,
	skip map[string]bool, seen map[string]bool, emit func(graph.Node), sink *Sink) error {
	var mu sync.Mutex
	level := parents
	for len(level) > 0 {
		var next []graph.Node
		tasks := interleave(level, types, skip)
		subs := map[string]bool{}
		for _, tk := range tasks {
			subs[tk.sub] = true
		}
		g, gctx := safego.WithContext(ctx)
		// each subscription has its own ARM budget: enough workers to keep every one busy
		g.SetLimit(min(d.Concurrency*max(len(subs), 1), 4*d.Concurrency))
		for _, tk := range tasks {
			c, pid, scope := tk.c, tk.pid, tk.sub
			ti := typeInfo(types, c.Type, c.APIVersion)
			g.Go(func() error {
				var found []graph.Node
				path := pid + "/" + c.Path
				add := func(env map[string]any) {
					if str(env, "id") != "" {
						found = append(found, ARMNode(tenantID, env, ti))
						found = append(found, InlineChildren(tenantID, env, types)...)
					}
				}
				var err error
				if c.Singleton {
					var env map[string]any
					if err = d.Azure.GetARM(gctx, path, ti.APIVersion, &env); err == nil {
						add(env)
					}
				} else {
					err = d.Azure.ListARM(gctx, path, ti.APIVersion, nil, func(raw json.RawMessage) error {
						var env map[string]any
						if err := json.Unmarshal(raw, &env); err != nil {
							return fmt.Errorf("decoding child of %s: %w", pid, err)
						}
						add(env)
						return nil
					})
				}
				if gctx.Err() != nil {
					return gctx.Err()
				}
				if err != nil {
					if isGone(err) {
						d.Logger.Debug("parent gone during child walk", "collection", path)
						return nil
					}
					sink.Fail(FailureFrom(scope, path, err))
					return nil
				}
				mu.Lock()
				defer mu.Unlock()
				for _, n := range found {
					if seen[n.ID] {
						continue
					}
					seen[n.ID] = true
					emit(n)
					next = append(next, ParentStub(n))
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		level = next
	}
	return nil
}
