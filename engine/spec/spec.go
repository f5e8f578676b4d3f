// Package spec writes and reads the tenant specification: a Markdown document a person can read
// (tenant summary, per subscription and resource group the resources with their key settings,
// relationships, identities and role assignments, counts by type) that ends in one fenced json
// block holding the machine-readable spec: the IaC model (writable properties, symbolic
// references), which create-tenant consumes.
package spec

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/errs"
)

// FormatVersion identifies the JSON spec format.
const FormatVersion = "atg-spec/v1"

// Spec is the machine-readable tenant specification.
type Spec struct {
	Format     string       `json:"format"`
	Tenant     Tenant       `json:"tenant"`
	Anonymized bool         `json:"anonymized,omitempty"`
	Model      *model.Model `json:"model"`
	Principals []Principal  `json:"principals,omitempty"`
	// Relationships are the graph edges between resources in the spec, by key.
	Relationships []Relationship `json:"relationships,omitempty"`
	// Directory holds devices, directory roles, applications and the Entra relationships.
	Directory *Directory `json:"directory,omitempty"`
	// Governance holds management groups, policy assignments and locks.
	Governance *Governance `json:"governance,omitempty"`
}

// Tenant summarises the source tenant.
type Tenant struct {
	ID            string         `json:"id"`
	DisplayName   string         `json:"display_name,omitempty"`
	DefaultDomain string         `json:"default_domain,omitempty"`
	Subscriptions []Subscription `json:"subscriptions,omitempty"`
}

// Subscription is one subscription of the tenant.
type Subscription struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// Principal is an Entra object (no secrets): users, groups, service principals.
type Principal struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	DisplayName string `json:"display_name,omitempty"`
}

// Relationship is one edge between two spec resources.
type Relationship struct {
	From string `json:"from"`
	Type string `json:"type"`
	To   string `json:"to"`
}

// Options tune Build.
type Options struct {
	Filter    model.Filter
	Anonymize bool
	// Seed keys the pseudonyms; default: derived from the tenant id.
	Seed string
}

// Build reads the tenant's graph and returns its spec.
func Build(ctx context.Context, store graph.Store, tenantID string, opts Options) (*Spec, error) {
	var nodes []graph.Node
	if err := store.Nodes(ctx, tenantID, graph.NodeQuery{}, func(n graph.Node) error {
		nodes = append(nodes, n)
		return ctx.Err()
	}); err != nil {
		return nil, fmt.Errorf("read nodes of tenant %s: %w", tenantID, err)
	}
	var edges []graph.Edge
	if err := store.Edges(ctx, tenantID, graph.EdgeQuery{}, func(e graph.Edge) error {
		edges = append(edges, e)
		return ctx.Err()
	}); err != nil {
		return nil, fmt.Errorf("read edges of tenant %s: %w", tenantID, err)
	}
	return FromGraph(tenantID, nodes, edges, opts)
}

// FromGraph builds the spec from nodes and edges.
func FromGraph(tenantID string, nodes []graph.Node, edges []graph.Edge, opts Options) (*Spec, error) {
	sp := &Spec{Format: FormatVersion, Tenant: Tenant{ID: tenantID}}
	var anon *anonymizer
	if opts.Anonymize {
		seed := opts.Seed
		if seed == "" {
			seed = tenantID
		}
		anon = newAnonymizer(seed)
		// edges reference node ids: translate them with the same map
		orig := nodes
		nodes = anon.nodes(nodes)
		idMap := make(map[string]string, len(orig))
		for i := range orig {
			idMap[orig[i].ID] = nodes[i].ID
		}
		for i := range edges {
			edges[i].From, edges[i].To = idMap[edges[i].From], idMap[edges[i].To]
		}
		sp.Tenant.ID = anon.guid("tenant|" + tenantID)
		sp.Anonymized = true
	}
	for _, n := range nodes {
		switch n.Label {
		case graph.LabelTenant:
			sp.Tenant.DisplayName, _ = n.Props["display_name"].(string)
			sp.Tenant.DefaultDomain, _ = n.Props["default_domain"].(string)
		case graph.LabelSubscription:
			s := Subscription{}
			s.ID, _ = n.Props["subscription_id"].(string)
			if s.ID == "" {
				s.ID = strings.TrimPrefix(n.ID, "/subscriptions/")
			}
			s.Name, _ = n.Props["name"].(string)
			sp.Tenant.Subscriptions = append(sp.Tenant.Subscriptions, s)
		case graph.LabelUser, graph.LabelGroup, graph.LabelServicePrincipal:
			p := Principal{ID: n.ID, Kind: string(n.Label)}
			p.DisplayName, _ = n.Props["display_name"].(string)
			sp.Principals = append(sp.Principals, p)
		}
	}
	sort.Slice(sp.Tenant.Subscriptions, func(i, j int) bool { return sp.Tenant.Subscriptions[i].ID < sp.Tenant.Subscriptions[j].ID })
	sort.Slice(sp.Principals, func(i, j int) bool { return sp.Principals[i].ID < sp.Principals[j].ID })
	m, err := model.BuildFromNodes(sp.Tenant.ID, nodes, opts.Filter)
	if err != nil {
		return nil, err
	}
	if anon != nil {
		m.TenantID = sp.Tenant.ID
	}
	sp.Model = m
	keyOf := map[string]string{}
	for _, r := range m.Resources {
		keyOf[graph.NormalizeID(r.ID)] = r.Key
	}
	seen := map[Relationship]bool{}
	for _, e := range edges {
		if e.Type == graph.EdgeTaggedWith || e.Type == graph.EdgeLocatedIn {
			continue
		}
		f, t := keyOf[e.From], keyOf[e.To]
		if f == "" || t == "" {
			continue
		}
		rel := Relationship{From: f, Type: string(e.Type), To: t}
		if !seen[rel] {
			seen[rel] = true
			sp.Relationships = append(sp.Relationships, rel)
		}
	}
	// references in the model are relationships too (for graphs without rule edges)
	for _, r := range m.Resources {
		for _, ref := range r.References {
			if ref.TargetKey == "" || ref.TargetKey == r.Key {
				continue
			}
			rel := Relationship{From: r.Key, Type: string(graph.EdgeReferences), To: ref.TargetKey}
			dup := false
			for x := range seen {
				if x.From == rel.From && x.To == rel.To {
					dup = true
					break
				}
			}
			if !dup && !seen[rel] {
				seen[rel] = true
				sp.Relationships = append(sp.Relationships, rel)
			}
		}
	}
	sp.Directory = buildDirectory(nodes, edges)
	sp.Governance = buildGovernance(nodes, edges)
	sort.Slice(sp.Relationships, func(i, j int) bool {
		a, b := sp.Relationships[i], sp.Relationships[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.To < b.To
	})
	return sp, nil
}

// JSON encodes the spec (indented, deterministic).
func (s *Spec) JSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	return b.Bytes(), nil
}

// ErrNoSpec is returned by Parse when the input holds no spec.
var ErrNoSpec = errs.New(errs.Invalid, "spec: no json spec found")

// Parse reads a spec from its Markdown document (the last ```json block) or from bare JSON.
func Parse(data []byte) (*Spec, error) {
	trimmed := bytes.TrimSpace(data)
	if !bytes.HasPrefix(trimmed, []byte("{")) {
		start := bytes.LastIndex(data, []byte("\n```json\n"))
		if start < 0 {
			if bytes.HasPrefix(data, []byte("```json\n")) {
				start = -1
			} else {
				return nil, ErrNoSpec
			}
		}
		rest := data[start+len("\n```json\n"):]
		end := bytes.Index(rest, []byte("\n```"))
		if end < 0 {
			return nil, fmt.Errorf("%w: unterminated json block", ErrNoSpec)
		}
		trimmed = rest[:end]
	}
	var s Spec
	if err := json.Unmarshal(trimmed, &s); err != nil {
		return nil, fmt.Errorf("parse spec: %w", err)
	}
	if s.Format != FormatVersion {
		return nil, fmt.Errorf("spec: unsupported format %q (want %s)", s.Format, FormatVersion)
	}
	if s.Model == nil {
		return nil, fmt.Errorf("spec: no model")
	}
	return &s, nil
}
