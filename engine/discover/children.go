package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/safego"
)

// ChildCollection is one ARM child collection the walk lists: for every resource of Parent type,
// GET {parent id}/{Path}?api-version=… returns resources of Type.
type ChildCollection struct {
	Parent     string // lower-cased parent type
	Path       string // collection path under the parent id
	Type       string // child type, original casing
	APIVersion string // used when the providers API does not list the child type
}

// Children is the table that drives the ARM child walk: proxy/child types that Resource Graph
// does not list. A collection whose type Resource Graph did return in the same shard is not
// listed again. Children of children are walked too (servicebus topics -> subscriptions).
var Children = []ChildCollection{
	{"microsoft.network/virtualnetworks", "subnets", "Microsoft.Network/virtualNetworks/subnets", "2024-05-01"},
	{"microsoft.network/virtualnetworks", "virtualNetworkPeerings", "Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "2024-05-01"},
	{"microsoft.network/privatednszones", "virtualNetworkLinks", "Microsoft.Network/privateDnsZones/virtualNetworkLinks", "2024-06-01"},
	{"microsoft.sql/servers", "databases", "Microsoft.Sql/servers/databases", "2023-08-01"},
	{"microsoft.sql/servers", "firewallRules", "Microsoft.Sql/servers/firewallRules", "2023-08-01"},
	{"microsoft.compute/virtualmachines", "extensions", "Microsoft.Compute/virtualMachines/extensions", "2024-07-01"},
	{"microsoft.storage/storageaccounts", "blobServices", "Microsoft.Storage/storageAccounts/blobServices", "2023-05-01"},
	{"microsoft.storage/storageaccounts/blobservices", "containers", "Microsoft.Storage/storageAccounts/blobServices/containers", "2023-05-01"},
	{"microsoft.servicebus/namespaces", "queues", "Microsoft.ServiceBus/namespaces/queues", "2021-11-01"},
	{"microsoft.servicebus/namespaces", "topics", "Microsoft.ServiceBus/namespaces/topics", "2021-11-01"},
	{"microsoft.eventhub/namespaces", "eventhubs", "Microsoft.EventHub/namespaces/eventhubs", "2024-01-01"},
	{"microsoft.containerservice/managedclusters", "agentPools", "Microsoft.ContainerService/managedClusters/agentPools", "2024-09-01"},
	// diagnostic settings (extension resources) of the types that commonly carry them
	{"microsoft.keyvault/vaults", diagPath, diagType, diagVersion},
	{"microsoft.network/networksecuritygroups", diagPath, diagType, diagVersion},
	{"microsoft.sql/servers/databases", diagPath, diagType, diagVersion},
	{"microsoft.containerservice/managedclusters", diagPath, diagType, diagVersion},
}

const (
	diagPath    = "providers/Microsoft.Insights/diagnosticSettings"
	diagType    = "Microsoft.Insights/diagnosticSettings"
	diagVersion = "2021-05-01-preview"
)

// childrenOf returns the table rows for a parent type.
func childrenOf(parentType string) []ChildCollection {
	var out []ChildCollection
	for _, c := range Children {
		if c.Parent == parentType {
			out = append(out, c)
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
func interleave(parents []graph.Node, skip map[string]bool) []childTask {
	bySub := map[string][]childTask{}
	var order []string
	for _, p := range parents {
		ptype, _ := p.Props[graph.PropType].(string)
		pid, _ := p.Props[graph.PropID].(string)
		sub, _ := p.Props[graph.PropSubscription].(string)
		for _, c := range childrenOf(ptype) {
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
		tasks := interleave(level, skip)
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
				err := d.Azure.ListARM(gctx, path, ti.APIVersion, nil, func(raw json.RawMessage) error {
					var env map[string]any
					if err := json.Unmarshal(raw, &env); err != nil {
						return fmt.Errorf("decoding child of %s: %w", pid, err)
					}
					if str(env, "id") != "" {
						found = append(found, ARMNode(tenantID, env, ti))
					}
					return nil
				})
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
