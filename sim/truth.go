package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
)

// Truth is the ground truth a complete scan must reproduce (GET /_sim/truth, --truth FILE).
type Truth struct {
	Tenants []TenantTruth `json:"tenants"`
}

// TenantTruth is one tenant's ground truth. Resources/ByType/ResourceIDs count every ARM
// resource a complete scan must find: top-level, child (subnets, peerings, DNS VNet links,
// blob services and containers, SQL databases, VM extensions, AKS agent pools) and extension
// resources (diagnostic settings); not resource groups, subscriptions or role assignments
// (RoleAssignments counts those). Ids are lower-cased (graph node keys).
type TenantTruth struct {
	TenantID        string         `json:"tenant_id"`
	Subscriptions   []string       `json:"subscriptions"` // subscription GUIDs
	Resources       int            `json:"resources"`
	ByType          map[string]int `json:"by_type"`
	ResourceIDs     []string       `json:"resource_ids"`
	Identities      IdentityCounts `json:"identities"`
	RoleAssignments int            `json:"role_assignments"`
	// ListedChildTypes are the child types present that only their parent's collection lists
	// (not Resource Graph's resources table): an ideal scan makes one list call per parent for
	// them (the scan benchmark's floor counts those calls).
	ListedChildTypes []string      `json:"listed_child_types,omitempty"`
	Edges            []TruthEdge   `json:"edges"`
	Posture          *PostureTruth `json:"posture,omitempty"` // Options.PlantPosture
}

// Tenant returns the truth of the tenant with this id (the zero value when there is none).
func (t Truth) Tenant(id string) TenantTruth {
	for _, tt := range t.Tenants {
		if tt.TenantID == id {
			return tt
		}
	}
	return TenantTruth{}
}

// IdentityCounts counts a tenant's Entra objects.
type IdentityCounts struct {
	Users             int `json:"users"`
	Groups            int `json:"groups"`
	ServicePrincipals int `json:"service_principals"`
	Applications      int `json:"applications"`
}

// TruthEdge is one named-rule edge between graph node keys (engine/graph/doc.go).
type TruthEdge struct {
	From string         `json:"from"`
	To   string         `json:"to"`
	Type graph.EdgeType `json:"type"`
}

// WriteTruth writes the truth as JSON to path.
func (s *Simulator) WriteTruth(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("sim: writing truth: %w", err)
	}
	// encoded straight to the file: a large tenant's truth is hundreds of MB of JSON
	w := bufio.NewWriterSize(f, 1<<20)
	if err := json.NewEncoder(w).Encode(s.Truth()); err != nil {
		_ = f.Close()
		return fmt.Errorf("sim: encoding truth: %w", err)
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return fmt.Errorf("sim: writing truth: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("sim: writing truth: %w", err)
	}
	return nil
}

// Truth computes the ground truth from the simulator's current state, so writes and
// DeleteResource are reflected.
func (s *Simulator) Truth() Truth {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	var out Truth
	for _, t := range s.st.tenants {
		out.Tenants = append(out.Tenants, s.st.tenantTruth(t))
	}
	return out
}

const raType = "microsoft.authorization/roleassignments"

func (st *store) tenantTruth(t *tenant) TenantTruth {
	tt := TenantTruth{TenantID: t.id, Subscriptions: append([]string{}, t.subs...), ByType: map[string]int{}, ResourceIDs: []string{}, Edges: []TruthEdge{}}
	sort.Strings(tt.Subscriptions)
	tt.Posture = t.posture
	tt.Identities = IdentityCounts{Users: len(t.order["user"]), Groups: len(t.order["group"]),
		ServicePrincipals: len(t.order["servicePrincipal"]), Applications: len(t.order["application"])}
	nodes := map[string]bool{t.id: true}
	for id := range t.objects {
		nodes[id] = true
	}
	var all []*resource
	kvByName := map[string]string{}
	listedChild := map[string]bool{}
	for _, sid := range t.subs {
		sub := st.subs[sid]
		st.ensureSorted(sub)
		nodes["/subscriptions/"+sid] = true
		for _, rg := range sub.rgs {
			nodes[rg.key] = true
		}
		for _, r := range builtinRoles {
			nodes[strings.ToLower(roleDefID(sid, r.guid))] = true
		}
		for _, k := range sub.keys {
			r := st.res[k]
			if r == nil {
				continue
			}
			nodes[k] = true
			all = append(all, r)
			if r.ltyp == raType {
				tt.RoleAssignments++
				continue
			}
			tt.Resources++
			tt.ByType[r.ltyp]++
			tt.ResourceIDs = append(tt.ResourceIDs, k)
			if r.parent != "" && !st.listable(r) && !listedChild[r.ltyp] {
				listedChild[r.ltyp] = true
				tt.ListedChildTypes = append(tt.ListedChildTypes, r.ltyp)
			}
			if r.ltyp == "microsoft.keyvault/vaults" {
				kvByName[strings.ToLower(fmt.Sprint(r.body["name"]))] = k
			}
		}
	}
	sort.Strings(tt.ResourceIDs)
	sort.Strings(tt.ListedChildTypes)
	seen := map[string]bool{}
	add := func(from, to string, typ graph.EdgeType) {
		from, to = graph.NormalizeID(from), graph.NormalizeID(to)
		if from == "" || to == "" || from == to || !nodes[from] || !nodes[to] {
			return
		}
		k := string(typ) + "|" + from + "|" + to
		if !seen[k] {
			seen[k] = true
			tt.Edges = append(tt.Edges, TruthEdge{From: from, To: to, Type: typ})
		}
	}
	for _, sid := range t.subs {
		add(t.id, "/subscriptions/"+sid, graph.EdgeContains)
		for _, rg := range st.subs[sid].rgs {
			add("/subscriptions/"+sid, rg.key, graph.EdgeContains)
		}
	}
	for _, r := range all {
		st.resourceEdges(r, add, kvByName)
	}
	for gid, ms := range t.members {
		for _, m := range ms {
			add(m.id, gid, graph.EdgeMemberOf)
		}
	}
	st.extraTruthEdges(t, nodes, add)
	sort.Slice(tt.Edges, func(i, j int) bool {
		a, b := tt.Edges[i], tt.Edges[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	return tt
}

func mget(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func sget(v any, path ...string) string {
	s, _ := mget(v, path...).(string)
	return s
}

func arr(v any) []any {
	a, _ := v.([]any)
	return a
}

// resourceEdges emits the named-rule edges of GRAPH.md whose evidence sits in r's JSON.
func (st *store) resourceEdges(r *resource, add func(from, to string, typ graph.EdgeType), kvByName map[string]string) {
	props, _ := r.body["properties"].(map[string]any)
	id := r.key
	if r.ltyp == raType {
		add(id, sget(props, "principalId"), graph.EdgeAssignedTo)
		add(id, sget(props, "roleDefinitionId"), graph.EdgeHasRole)
		add(id, sget(props, "scope"), graph.EdgeAppliesTo)
		return
	}
	if r.parent != "" {
		add(r.parent, id, graph.EdgeContains)
	} else if r.rg != "" {
		add(strings.ToLower(rgID(r.sub, r.rg)), id, graph.EdgeContains)
	}
	ipConfigs := func(list any, fromHasPIP bool) {
		for _, ic := range arr(list) {
			if pip := sget(ic, "properties", "publicIPAddress", "id"); pip != "" && fromHasPIP {
				add(id, pip, graph.EdgeHasPublicIP)
			}
		}
	}
	switch r.ltyp {
	case "microsoft.network/networkinterfaces":
		for _, ic := range arr(props["ipConfigurations"]) {
			add(id, sget(ic, "properties", "subnet", "id"), graph.EdgeConnectedTo)
		}
		ipConfigs(props["ipConfigurations"], true)
		add(id, sget(props, "networkSecurityGroup", "id"), graph.EdgeSecuredBy)
	case "microsoft.network/virtualnetworks/subnets":
		add(id, sget(props, "networkSecurityGroup", "id"), graph.EdgeSecuredBy)
		add(id, sget(props, "routeTable", "id"), graph.EdgeRoutesVia)
	case "microsoft.compute/virtualmachines":
		for _, n := range arr(mget(props, "networkProfile", "networkInterfaces")) {
			add(id, sget(n, "id"), graph.EdgeUses)
		}
		add(id, sget(props, "storageProfile", "osDisk", "managedDisk", "id"), graph.EdgeUses)
		for _, d := range arr(mget(props, "storageProfile", "dataDisks")) {
			add(id, sget(d, "managedDisk", "id"), graph.EdgeUses)
		}
	case "microsoft.network/loadbalancers", "microsoft.network/applicationgateways":
		ipConfigs(props["frontendIPConfigurations"], true)
	case "microsoft.network/bastionhosts", "microsoft.network/virtualnetworkgateways", "microsoft.network/azurefirewalls":
		ipConfigs(props["ipConfigurations"], true)
	case "microsoft.network/natgateways":
		for _, p := range arr(props["publicIpAddresses"]) {
			add(id, sget(p, "id"), graph.EdgeHasPublicIP)
		}
	case "microsoft.network/privateendpoints":
		for _, list := range []string{"privateLinkServiceConnections", "manualPrivateLinkServiceConnections"} {
			for _, c := range arr(props[list]) {
				add(id, sget(c, "properties", "privateLinkServiceId"), graph.EdgePrivateEndpointFor)
			}
		}
	case "microsoft.network/virtualnetworks/virtualnetworkpeerings":
		add(r.parent, sget(props, "remoteVirtualNetwork", "id"), graph.EdgePeeredWith)
	case "microsoft.network/privatednszones/virtualnetworklinks":
		add(r.parent, sget(props, "virtualNetwork", "id"), graph.EdgeLinkedTo)
	case "microsoft.web/sites":
		add(id, sget(props, "serverFarmId"), graph.EdgeHostedOn)
	case "microsoft.app/containerapps":
		env := sget(props, "managedEnvironmentId")
		if env == "" {
			env = sget(props, "environmentId")
		}
		add(id, env, graph.EdgeHostedOn)
	case "microsoft.sql/servers/databases", "microsoft.containerservice/managedclusters/agentpools":
		add(id, r.parent, graph.EdgeHostedOn)
	case "microsoft.insights/diagnosticsettings":
		for _, k := range []string{"workspaceId", "storageAccountId"} {
			add(r.parent, sget(props, k), graph.EdgeSendsDiagnosticsTo)
		}
		if eh := sget(props, "eventHubAuthorizationRuleId"); eh != "" {
			if i := strings.Index(strings.ToLower(eh), "/authorizationrules/"); i > 0 {
				eh = eh[:i]
			}
			add(r.parent, eh, graph.EdgeSendsDiagnosticsTo)
		}
	}
	if ident, ok := r.body["identity"].(map[string]any); ok {
		if uais, ok := ident["userAssignedIdentities"].(map[string]any); ok {
			for uid := range uais {
				add(id, uid, graph.EdgeUsesIdentity)
			}
		}
		add(id, sget(ident, "principalId"), graph.EdgeUsesIdentity)
	}
	// Key Vault references: keyVaultId-style properties and @Microsoft.KeyVault(...) strings.
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(e, k)
			}
		case []any:
			for _, e := range x {
				walk(e, key)
			}
		case string:
			lk := strings.ToLower(key)
			if lk == "keyvaultid" || lk == "keyvaultresourceid" {
				add(id, x, graph.EdgeUsesKeyVault)
			}
			if lk == "keyvaulturl" || lk == "keyvaultsecretid" {
				if name := kvNameFromRef(x); name != "" {
					add(id, kvByName[name], graph.EdgeUsesKeyVault)
				}
			}
			if i := strings.Index(x, "@Microsoft.KeyVault("); i >= 0 {
				if name := kvNameFromRef(x[i:]); name != "" {
					add(id, kvByName[name], graph.EdgeUsesKeyVault)
				}
			}
		}
	}
	walk(props, "properties")
}

// kvNameFromRef extracts the vault name from @Microsoft.KeyVault(SecretUri=https://{name}.vault.azure.net/…)
// or @Microsoft.KeyVault(VaultName={name};SecretName=…).
func kvNameFromRef(s string) string {
	l := strings.ToLower(s)
	if i := strings.Index(l, "https://"); i >= 0 {
		rest := l[i+len("https://"):]
		if j := strings.Index(rest, ".vault."); j > 0 {
			return rest[:j]
		}
	}
	if i := strings.Index(l, "vaultname="); i >= 0 {
		rest := l[i+len("vaultname="):]
		if j := strings.IndexAny(rest, ";)"); j > 0 {
			return rest[:j]
		}
	}
	return ""
}
