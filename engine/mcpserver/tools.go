package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/posture"
	"github.com/atg-go/atg/errs"
)

type statsIn struct{}

type searchIn struct {
	Type          string `json:"type,omitempty" jsonschema:"ARM resource type, e.g. Microsoft.Network/virtualNetworks (case-insensitive)"`
	Name          string `json:"name,omitempty" jsonschema:"case-insensitive substring of the resource name"`
	Tag           string `json:"tag,omitempty" jsonschema:"tag key, or key=value"`
	Location      string `json:"location,omitempty" jsonschema:"location code, e.g. westeurope"`
	ResourceGroup string `json:"resource_group,omitempty" jsonschema:"resource group name"`
	Subscription  string `json:"subscription,omitempty" jsonschema:"subscription GUID"`
	Limit         int    `json:"limit,omitempty" jsonschema:"maximum results (default 50, at most 500)"`
}

type idIn struct {
	ID string `json:"id" jsonschema:"node id: an ARM id (any casing) or an Entra object id"`
}

type neighboursIn struct {
	ID        string   `json:"id" jsonschema:"node id: an ARM id or an Entra object id"`
	Direction string   `json:"direction,omitempty" jsonschema:"out, in or both (default both)"`
	EdgeTypes []string `json:"edge_types,omitempty" jsonschema:"only these relationship types, e.g. USES_IDENTITY"`
	Limit     int      `json:"limit,omitempty" jsonschema:"maximum neighbours (default 100, at most 1000)"`
}

type pathIn struct {
	From      string   `json:"from" jsonschema:"start node id"`
	To        string   `json:"to" jsonschema:"end node id"`
	MaxDepth  int      `json:"max_depth,omitempty" jsonschema:"maximum hops (default 6, at most 10)"`
	EdgeTypes []string `json:"edge_types,omitempty" jsonschema:"only these relationship types (default: all but LOCATED_IN and TAGGED_WITH)"`
}

type accessIn struct {
	Scope string `json:"scope" jsonschema:"resource, resource group or subscription id"`
	Limit int    `json:"limit,omitempty" jsonschema:"maximum entries (default 200, at most 2000)"`
}

type exposureIn struct {
	TargetKind string `json:"target_kind,omitempty" jsonschema:"subscription-owner, key-vault-secrets or storage-data"`
	SourceKind string `json:"source_kind,omitempty" jsonschema:"internet or principal"`
	Limit      int    `json:"limit,omitempty" jsonschema:"maximum paths (default 20, at most 200)"`
}

type findingsIn struct {
	Severity   string `json:"severity,omitempty" jsonschema:"critical, high, medium or low (that severity and above)"`
	Rule       string `json:"rule,omitempty" jsonschema:"rule id, e.g. ATG-NET-001"`
	ResourceID string `json:"resource_id,omitempty" jsonschema:"only findings involving this resource"`
	Limit      int    `json:"limit,omitempty" jsonschema:"maximum findings (default 50, at most 500)"`
}

type iacIn struct {
	IDs            []string `json:"ids,omitempty" jsonschema:"ARM ids of the resources to generate"`
	ResourceGroups []string `json:"resource_groups,omitempty" jsonschema:"resource group names to generate"`
	Format         string   `json:"format,omitempty" jsonschema:"terraform, bicep or arm (default terraform)"`
}

type cypherIn struct {
	Query  string         `json:"query" jsonschema:"a read-only Cypher query; $tenant (tenant id) and $prefix (tenant uid prefix) are bound"`
	Params map[string]any `json:"params,omitempty" jsonschema:"query parameters"`
	Limit  int            `json:"limit,omitempty" jsonschema:"maximum rows (default and cap: the server's row cap)"`
}

func limit(v, def, max int) (int, error) {
	switch {
	case v < 0:
		return 0, fmt.Errorf("limit must be positive, got %d", v)
	case v == 0:
		return def, nil
	case v > max:
		return max, nil
	}
	return v, nil
}

func edgeTypes(in []string) ([]graph.EdgeType, error) {
	var out []graph.EdgeType
	for _, s := range in {
		t := graph.EdgeType(strings.ToUpper(strings.TrimSpace(s)))
		if _, ok := graph.EdgeSchemaFor(t); !ok {
			return nil, fmt.Errorf("unknown edge type %q (known: %v)", s, graph.EdgeTypes)
		}
		out = append(out, t)
	}
	return out, nil
}

func required(name, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s is required", name)
	}
	return nil
}

var errStop = errors.New("stop")

// summary is the short form of a node in tool results.
type summary struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Name  string `json:"name,omitempty"`
	Type  string `json:"type,omitempty"`
}

func summarize(n graph.Node) summary {
	s := summary{ID: n.ID, Label: string(n.Label)}
	if v, ok := n.Props[graph.PropID].(string); ok && v != "" {
		s.ID = v
	}
	for _, k := range []string{graph.PropName, "display_name", "user_principal_name", "role_name"} {
		if v, ok := n.Props[k].(string); ok && v != "" {
			s.Name = v
			break
		}
	}
	s.Type, _ = n.Props[graph.PropTypeDisplay].(string)
	if s.Type == "" {
		s.Type, _ = n.Props[graph.PropType].(string)
	}
	return s
}

func (s *server) getNode(ctx context.Context, id string) (graph.Node, error) {
	if err := required("id", id); err != nil {
		return graph.Node{}, err
	}
	n, err := s.o.Store.GetNode(ctx, s.tenant, id)
	if errors.Is(err, graph.ErrNotFound) {
		return n, fmt.Errorf("no node %q in tenant %s", id, s.tenant)
	}
	return n, err
}

func (s *server) register(srv *mcp.Server) {
	add(s, srv, &mcp.Tool{Name: "stats", Description: "Count the tenant's nodes by label, resources by type and relationships by type."},
		func(ctx context.Context, _ statsIn) (any, error) { return s.o.Store.Stats(ctx, s.tenant) })

	add(s, srv, &mcp.Tool{Name: "search_resources", Description: "Find Azure resources by type, name substring, tag, location, resource group or subscription."},
		func(ctx context.Context, in searchIn) (any, error) {
			n, err := limit(in.Limit, 50, 500)
			if err != nil {
				return nil, err
			}
			q := graph.NodeQuery{Labels: []graph.Label{graph.LabelResource}}
			if in.Type != "" {
				q.Types = []string{strings.ToLower(in.Type)}
			}
			if in.ResourceGroup != "" {
				q.ResourceGroups = []string{in.ResourceGroup}
			}
			if in.Subscription != "" {
				q.Subscriptions = []string{strings.TrimPrefix(strings.ToLower(in.Subscription), "/subscriptions/")}
			}
			tagK, tagV, hasV := strings.Cut(in.Tag, "=")
			var out []map[string]any
			err = s.o.Store.Nodes(ctx, s.tenant, q, func(nd graph.Node) error {
				if in.Name != "" && !strings.Contains(strings.ToLower(fmt.Sprint(nd.Props[graph.PropName])), strings.ToLower(in.Name)) {
					return nil
				}
				if in.Location != "" && !strings.EqualFold(strings.ReplaceAll(fmt.Sprint(nd.Props[graph.PropLocation]), " ", ""), strings.ReplaceAll(in.Location, " ", "")) {
					return nil
				}
				if in.Tag != "" {
					tags, _ := nd.Props[graph.PropTags].(map[string]any)
					v, ok := "", false
					for k, x := range tags {
						if strings.EqualFold(k, tagK) {
							v, ok = fmt.Sprint(x), true
						}
					}
					if !ok || (hasV && v != tagV) {
						return nil
					}
				}
				sm := summarize(nd)
				out = append(out, map[string]any{"id": sm.ID, "name": sm.Name, "type": sm.Type, "location": nd.Props[graph.PropLocation],
					"resource_group": nd.Props[graph.PropResourceGroup], "subscription_id": nd.Props[graph.PropSubscription]})
				if len(out) >= n {
					return errStop
				}
				return nil
			})
			if err != nil && !errors.Is(err, errStop) {
				return nil, err
			}
			return map[string]any{"count": len(out), "truncated": errors.Is(err, errStop), "resources": nonNil(out)}, nil
		})

	add(s, srv, &mcp.Tool{Name: "get_resource", Description: "Return one node (a resource with its full ARM JSON, or an Entra object, role assignment, …) with secret-like values redacted."},
		func(ctx context.Context, in idIn) (any, error) {
			n, err := s.getNode(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			return map[string]any{"id": n.ID, "label": n.Label, "props": posture.RedactProps(n.Props, s.o.Redact),
				"first_seen": n.FirstSeen, "last_seen": n.LastSeen}, nil
		})

	add(s, srv, &mcp.Tool{Name: "neighbours", Description: "List a node's relationships and the nodes at their other end."},
		func(ctx context.Context, in neighboursIn) (any, error) {
			n, err := s.getNode(ctx, in.ID)
			if err != nil {
				return nil, err
			}
			max, err := limit(in.Limit, 100, 1000)
			if err != nil {
				return nil, err
			}
			types, err := edgeTypes(in.EdgeTypes)
			if err != nil {
				return nil, err
			}
			dir := strings.ToLower(in.Direction)
			if dir == "" {
				dir = "both"
			}
			if dir != "out" && dir != "in" && dir != "both" {
				return nil, fmt.Errorf("direction must be out, in or both, got %q", in.Direction)
			}
			type nb struct {
				Direction string  `json:"direction"`
				Type      string  `json:"type"`
				Node      summary `json:"node"`
			}
			var out []nb
			collect := func(q graph.EdgeQuery, d string) error {
				return s.o.Store.Edges(ctx, s.tenant, q, func(e graph.Edge) error {
					other := e.To
					if d == "in" {
						other = e.From
					}
					on, err := s.o.Store.GetNode(ctx, s.tenant, other)
					if err != nil {
						on = graph.Node{ID: other}
					}
					out = append(out, nb{Direction: d, Type: string(e.Type), Node: summarize(on)})
					if len(out) >= max {
						return errStop
					}
					return nil
				})
			}
			if dir != "in" {
				err = collect(graph.EdgeQuery{Types: types, From: []string{n.ID}}, "out")
			}
			if (err == nil) && dir != "out" {
				err = collect(graph.EdgeQuery{Types: types, To: []string{n.ID}}, "in")
			}
			if err != nil && !errors.Is(err, errStop) {
				return nil, err
			}
			return map[string]any{"node": summarize(n), "truncated": errors.Is(err, errStop), "neighbours": nonNil(out)}, nil
		})

	add(s, srv, &mcp.Tool{Name: "shortest_path", Description: "Shortest path between two nodes, following relationships in either direction."},
		func(ctx context.Context, in pathIn) (any, error) { return s.shortestPath(ctx, in) })

	add(s, srv, &mcp.Tool{Name: "who_can_access", Description: "Effective role assignments on a resource, resource group or subscription: assignments at the scope and every parent scope, with group members expanded transitively."},
		func(ctx context.Context, in accessIn) (any, error) {
			if err := required("scope", in.Scope); err != nil {
				return nil, err
			}
			max, err := limit(in.Limit, 200, 2000)
			if err != nil {
				return nil, err
			}
			g, _, err := s.snapshot(ctx)
			if err != nil {
				return nil, err
			}
			acc, err := g.WhoCanAccess(in.Scope)
			if err != nil {
				return nil, err
			}
			total := len(acc)
			if len(acc) > max {
				acc = acc[:max]
			}
			return map[string]any{"scope": graph.NormalizeID(in.Scope), "total": total, "access": nonNil(acc)}, nil
		})

	add(s, srv, &mcp.Tool{Name: "exposure_paths", Description: "Shortest attack paths from the internet or from users (through groups and managed identities) to subscription control, key vault secrets and storage data."},
		func(ctx context.Context, in exposureIn) (any, error) {
			max, err := limit(in.Limit, 20, 200)
			if err != nil {
				return nil, err
			}
			tk, sk := strings.ToLower(in.TargetKind), strings.ToLower(in.SourceKind)
			if tk != "" && !slices.Contains([]string{posture.TargetSubscriptionOwner, posture.TargetKeyVaultSecrets, posture.TargetStorageData}, tk) {
				return nil, fmt.Errorf("target_kind must be subscription-owner, key-vault-secrets or storage-data, got %q", in.TargetKind)
			}
			if sk != "" && sk != "internet" && sk != "principal" {
				return nil, fmt.Errorf("source_kind must be internet or principal, got %q", in.SourceKind)
			}
			_, rep, err := s.snapshot(ctx)
			if err != nil {
				return nil, err
			}
			var out []posture.Path
			for _, p := range rep.Paths {
				if (tk == "" || p.TargetKind == tk) && (sk == "" || p.SourceKind == sk) {
					out = append(out, p)
				}
			}
			total := len(out)
			if len(out) > max {
				out = out[:max]
			}
			return map[string]any{"total": total, "paths": nonNil(out)}, nil
		})

	add(s, srv, &mcp.Tool{Name: "posture_findings", Description: "Security findings of the rule table (rule, severity, STRIDE, Microsoft cloud security benchmark control, evidence with secrets redacted, fix)."},
		func(ctx context.Context, in findingsIn) (any, error) {
			max, err := limit(in.Limit, 50, 500)
			if err != nil {
				return nil, err
			}
			sev := posture.Severity(strings.ToLower(in.Severity))
			if sev != "" && !slices.Contains(posture.Severities, sev) {
				return nil, fmt.Errorf("severity must be one of %v, got %q", posture.Severities, in.Severity)
			}
			if in.Rule != "" {
				if _, ok := posture.RuleByID(in.Rule); !ok {
					return nil, fmt.Errorf("unknown rule %q", in.Rule)
				}
			}
			_, rep, err := s.snapshot(ctx)
			if err != nil {
				return nil, err
			}
			var out []posture.Finding
			for _, f := range rep.Findings {
				if sev != "" && slices.Index(posture.Severities, f.Severity) > slices.Index(posture.Severities, sev) {
					continue
				}
				if in.Rule != "" && !strings.EqualFold(in.Rule, f.RuleID) {
					continue
				}
				if in.ResourceID != "" && !slices.ContainsFunc(f.Resources, func(r string) bool { return strings.EqualFold(r, in.ResourceID) }) {
					continue
				}
				out = append(out, f)
			}
			total := len(out)
			if len(out) > max {
				out = out[:max]
			}
			return map[string]any{"total": total, "summary": rep.Summary, "findings": nonNil(out)}, nil
		})

	add(s, srv, &mcp.Tool{Name: "generate_iac", Description: "Generate Terraform, Bicep or ARM for selected resources (by id or resource group); returns the files."},
		func(ctx context.Context, in iacIn) (any, error) {
			if len(in.IDs) == 0 && len(in.ResourceGroups) == 0 {
				return nil, errors.New("select resources with ids or resource_groups")
			}
			f := iac.FormatTerraform
			if in.Format != "" {
				var err error
				if f, err = iac.ParseFormat(in.Format); err != nil {
					return nil, err
				}
			}
			m, err := model.Build(ctx, s.o.Store, s.tenant, model.Filter{IDs: in.IDs, ResourceGroups: in.ResourceGroups})
			if err != nil {
				return nil, err
			}
			if len(m.Resources) == 0 {
				return nil, errs.New(errs.NotFound, "nothing to generate: no resources in the graph for this selection")
			}
			files, sum, err := iac.Generate(ctx, m, f, iac.Options{})
			if err != nil {
				return nil, err
			}
			const cap = 256 << 10
			out, size, truncated := map[string]string{}, 0, false
			for _, name := range files.Names() {
				if size+len(files[name]) > cap {
					truncated = true
					continue
				}
				size += len(files[name])
				out[name] = string(files[name])
			}
			return map[string]any{"summary": sum, "files": out, "truncated": truncated}, nil
		})

	add(s, srv, &mcp.Tool{Name: "cypher", Description: "Run a read-only Cypher query on the Neo4j store (read transaction, timeout, row cap; writes are refused). Bind $tenant / $prefix to stay in this tenant: nodes of other tenants are refused."},
		func(ctx context.Context, in cypherIn) (any, error) { return s.cypher(ctx, in) })
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// shortestPath is a bidirectional-agnostic BFS over the store, one Edges query per hop.
func (s *server) shortestPath(ctx context.Context, in pathIn) (any, error) {
	from, err := s.getNode(ctx, in.From)
	if err != nil {
		return nil, err
	}
	to, err := s.getNode(ctx, in.To)
	if err != nil {
		return nil, err
	}
	depth := in.MaxDepth
	switch {
	case depth < 0:
		return nil, fmt.Errorf("max_depth must be positive, got %d", depth)
	case depth == 0:
		depth = 6
	case depth > 10:
		depth = 10
	}
	types, err := edgeTypes(in.EdgeTypes)
	if err != nil {
		return nil, err
	}
	if len(types) == 0 {
		for _, t := range graph.EdgeTypes {
			if t != graph.EdgeLocatedIn && t != graph.EdgeTaggedWith {
				types = append(types, t)
			}
		}
	}
	type prev struct {
		node string
		edge graph.Edge
	}
	seen := map[string]prev{from.ID: {}}
	frontier := []string{from.ID}
	found := from.ID == to.ID
	for d := 0; d < depth && !found && len(frontier) > 0; d++ {
		var next []string
		visit := func(e graph.Edge, other, cur string) {
			if _, ok := seen[other]; ok {
				return
			}
			seen[other] = prev{node: cur, edge: e}
			next = append(next, other)
			if other == to.ID {
				found = true
			}
		}
		inFrontier := map[string]bool{}
		for _, f := range frontier {
			inFrontier[f] = true
		}
		if err := s.o.Store.Edges(ctx, s.tenant, graph.EdgeQuery{Types: types, From: frontier}, func(e graph.Edge) error {
			visit(e, e.To, e.From)
			return nil
		}); err != nil {
			return nil, err
		}
		if err := s.o.Store.Edges(ctx, s.tenant, graph.EdgeQuery{Types: types, To: frontier}, func(e graph.Edge) error {
			if inFrontier[e.To] {
				visit(e, e.From, e.To)
			}
			return nil
		}); err != nil {
			return nil, err
		}
		frontier = next
	}
	if !found {
		return map[string]any{"found": false, "max_depth": depth}, nil
	}
	type hop struct {
		Type      string `json:"type"`
		Direction string `json:"direction"` // forward: from the previous node to the next
	}
	var nodes []summary
	var hops []hop
	for cur := to.ID; ; {
		n, err := s.o.Store.GetNode(ctx, s.tenant, cur)
		if err != nil {
			n = graph.Node{ID: cur}
		}
		nodes = append(nodes, summarize(n))
		p := seen[cur]
		if p.node == "" {
			break
		}
		dir := "forward"
		if p.edge.From == cur {
			dir = "backward"
		}
		hops = append(hops, hop{Type: string(p.edge.Type), Direction: dir})
		cur = p.node
	}
	slices.Reverse(nodes)
	slices.Reverse(hops)
	return map[string]any{"found": true, "length": len(hops), "nodes": nodes, "edges": nonNil(hops)}, nil
}

// writeClause finds Cypher that writes (outside string literals); Neo4j's read transaction
// refuses writes anyway, this gives a clear message first.
var (
	writeClause = regexp.MustCompile(`(?i)\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD\s+CSV)\b|\bCALL\s+(db\.(create|index|clear)|apoc\.(create|merge|refactor|periodic|do|cypher\.run(write|many))|dbms\.)`)
	literals    = regexp.MustCompile(`'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|//[^\n]*`)
)

func (s *server) cypher(ctx context.Context, in cypherIn) (any, error) {
	if err := required("query", in.Query); err != nil {
		return nil, err
	}
	r, ok := s.o.Store.(CypherReader)
	if !ok {
		return nil, errors.New("cypher needs the Neo4j store (--graph bolt://…); this server runs on the embedded store")
	}
	if m := writeClause.FindString(literals.ReplaceAllString(in.Query, "''")); m != "" {
		return nil, fmt.Errorf("read-only: the query writes (%s); only reading queries are allowed", strings.ToUpper(m))
	}
	max, err := limit(in.Limit, s.o.CypherMaxRows, s.o.CypherMaxRows)
	if err != nil {
		return nil, err
	}
	params := map[string]any{}
	for k, v := range in.Params {
		params[k] = v
	}
	params["tenant"] = s.tenant
	params["prefix"] = s.tenant + "|"
	res, err := r.ReadQuery(ctx, in.Query, params, s.o.CypherTimeout, max, func(props map[string]any) error {
		if t, ok := props[graph.SysTenantID].(string); ok && t != s.tenant {
			return fmt.Errorf("the query returned data of another tenant; filter with n.tenant_id = $tenant")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, row := range res.Rows {
		for i, v := range row {
			row[i] = s.o.Redact(res.Columns[i], v)
		}
	}
	return res, nil
}
