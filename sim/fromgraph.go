package sim

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// --from-graph FILE replays a tenant scanned earlier: an `atg graph export --format json`
// document (gzipped when FILE ends in .gz) becomes the first tenant, with the export's tenant
// id, its subscriptions, resource groups (original casing, location, tags), every resource,
// child and extension resource as its node kept it (the envelope, properties included), role
// assignments, and the Entra users, groups (with their members), service principals and
// applications. Built-in role definitions come from the simulator's own list.

type graphExport struct {
	Format   string       `json:"format"`
	TenantID string       `json:"tenant_id"`
	Nodes    []graph.Node `json:"nodes"`
	Edges    []graph.Edge `json:"edges"`
}

func readGraphExport(path string) (*graphExport, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sim: --from-graph: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("sim: --from-graph %s: %w", path, err)
		}
		defer zr.Close()
		r = zr
	}
	var ex graphExport
	if err := json.NewDecoder(r).Decode(&ex); err != nil {
		return nil, fmt.Errorf("sim: --from-graph %s: not an atg graph export: %w", path, err)
	}
	if ex.Format != graph.ExportFormatName || ex.TenantID == "" {
		return nil, fmt.Errorf("sim: --from-graph %s: not an atg graph export (format %q, tenant %q); write one with atg graph export --format json", path, ex.Format, ex.TenantID)
	}
	return &ex, nil
}

// nodeEnvelope inverts the scanner's node shaping (discover.NodeFromARM) into an ARM envelope.
var nodeEnvelope = map[string]string{
	graph.PropID: "id", graph.PropName: "name", graph.PropLocation: "location", graph.PropKind: "kind",
	graph.PropSKU: "sku", graph.PropIdentity: "identity", graph.PropZones: "zones", graph.PropManagedBy: "managedBy",
	graph.PropPlan: "plan", graph.PropTags: "tags", graph.PropProperties: "properties", graph.PropSystemData: "systemData",
}

// nodeOnly are props the scanner adds that are not part of the envelope.
var nodeOnly = map[string]bool{graph.PropType: true, graph.PropTypeDisplay: true, graph.PropResourceGroup: true,
	graph.PropSubscription: true, graph.PropAPIVersion: true, graph.PropOutOfScope: true}

func envelopeOf(n graph.Node) map[string]any {
	env := map[string]any{}
	for k, v := range n.Props {
		if e, ok := nodeEnvelope[k]; ok {
			env[e] = deepCopy(v)
		} else if !nodeOnly[k] {
			env[k] = deepCopy(v)
		}
	}
	if t, _ := n.Props[graph.PropTypeDisplay].(string); t != "" {
		env["type"] = t
	} else if t, _ := n.Props[graph.PropType].(string); t != "" {
		env["type"] = t
	}
	return env
}

// loadGraph builds the first tenant from an export (subscriptions, groups, resources, RBAC,
// Entra); it returns the tenant and the number of ARM objects loaded.
func loadGraph(st *store, ex *graphExport) (*tenant, int, error) {
	var tnode *graph.Node
	byLabel := map[graph.Label][]graph.Node{}
	for i, n := range ex.Nodes {
		if n.Label == graph.LabelTenant {
			tnode = &ex.Nodes[i]
		}
		if n.Props[graph.PropOutOfScope] == true {
			continue // referenced from the scope, not part of it
		}
		byLabel[n.Label] = append(byLabel[n.Label], n)
	}
	name, domain := "Replayed tenant", "replayed.onmicrosoft.com"
	if tnode != nil {
		if s, _ := tnode.Props["display_name"].(string); s != "" {
			name = s
		}
		if s, _ := tnode.Props["default_domain"].(string); s != "" {
			domain = s
		}
	}
	t := newTenant(strings.ToLower(ex.TenantID), name, domain)
	st.addTenant(t)
	for _, n := range byLabel[graph.LabelSubscription] {
		sid, _ := n.Props[graph.PropSubscription].(string)
		if sid == "" {
			sid = strings.TrimPrefix(n.ID, "/subscriptions/")
		}
		if !isGUID(sid) {
			return nil, 0, fmt.Errorf("sim: --from-graph: subscription node %q has no subscription GUID", n.ID)
		}
		sname, _ := n.Props[graph.PropName].(string)
		sub := st.addSubscription(t, strings.ToLower(sid), sname)
		if s, _ := n.Props["state"].(string); s != "" {
			sub.state = s
		}
		if tags, ok := n.Props[graph.PropTags].(map[string]any); ok {
			sub.tags = tags
		}
	}
	for _, n := range byLabel[graph.LabelResourceGroup] {
		env := envelopeOf(n)
		p, ok := parsePath(fmt.Sprint(env["id"]))
		sub := st.subs[strings.ToLower(p.sub)]
		if !ok || sub == nil || p.rg == "" {
			return nil, 0, fmt.Errorf("sim: --from-graph: resource group %q outside the export's subscriptions", n.ID)
		}
		loc, _ := env["location"].(string)
		tags, _ := env["tags"].(map[string]any)
		rgn, _ := env["name"].(string)
		if rgn == "" {
			rgn = p.rg
		}
		rg := st.addRG(sub, rgn, normLocation(loc), tags)
		if mb, _ := env["managedBy"].(string); mb != "" {
			rg.managedBy = mb
		}
	}
	// Resources (parents before children) and role assignments, with the api versions they were read with.
	var envs []envelope
	versions := map[string]string{}
	for _, l := range []graph.Label{graph.LabelResource, graph.LabelRoleAssignment} {
		nodes := byLabel[l]
		sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
		for _, n := range nodes {
			env := envelopeOf(n)
			if l == graph.LabelRoleAssignment {
				env["type"] = "Microsoft.Authorization/roleAssignments"
			}
			if v, _ := n.Props[graph.PropAPIVersion].(string); v != "" {
				versions[strings.ToLower(fmt.Sprint(env["type"]))] = v
			}
			envs = append(envs, envelope{file: "node " + n.ID, body: env})
		}
	}
	n, err := loadEnvelopes(st, t, nil, envs, versions, false)
	if err != nil {
		return nil, n, err
	}
	// Entra objects, then group members.
	for _, spec := range []struct {
		label graph.Label
		kind  string
		props map[string]string
	}{
		{graph.LabelUser, "user", map[string]string{"display_name": "displayName", "user_principal_name": "userPrincipalName", "mail": "mail", "account_enabled": "accountEnabled", "user_type": "userType"}},
		{graph.LabelGroup, "group", map[string]string{"display_name": "displayName", "mail_nickname": "mailNickname", "description": "description", "security_enabled": "securityEnabled", "mail_enabled": "mailEnabled"}},
		{graph.LabelServicePrincipal, "servicePrincipal", map[string]string{"display_name": "displayName", "app_id": "appId", "service_principal_type": "servicePrincipalType", "account_enabled": "accountEnabled"}},
		{graph.LabelApplication, "application", map[string]string{"display_name": "displayName", "app_id": "appId"}},
	} {
		nodes := byLabel[spec.label]
		sort.Slice(nodes, func(i, j int) bool { return nodes[i].ID < nodes[j].ID })
		for _, nd := range nodes {
			body := map[string]any{"id": nd.ID}
			for k, v := range nd.Props {
				if g, ok := spec.props[k]; ok {
					body[g] = v
				}
			}
			t.addObject(&dirObject{kind: spec.kind, id: nd.ID, body: body})
		}
	}
	for _, g := range byLabel[graph.LabelGroup] {
		ms, _ := g.Props["members"].([]any)
		for _, m := range ms {
			mm, _ := m.(map[string]any)
			id, _ := mm["id"].(string)
			kind, _ := mm["type"].(string)
			if id != "" && t.objects[id] != nil {
				t.members[g.ID] = append(t.members[g.ID], memberRef{id: id, kind: t.objects[id].kind})
			} else if id != "" && kind != "" {
				t.members[g.ID] = append(t.members[g.ID], memberRef{id: id, kind: kind})
			}
		}
	}
	replayDirectoryExtras(st, t, byLabel)
	return t, n, nil
}
