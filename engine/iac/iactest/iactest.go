// Package iactest loads the shared ARM example payloads as one tenant's graph nodes and offers
// an in-memory graph.Store, for the IaC and spec tests.
package iactest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/internal/repotest"
)

// TenantID is the tenant the examples are loaded into.
const TenantID = "11111111-2222-3333-4444-555555555555"

// ExamplesDir returns <repo root>/testdata/arm-examples.
func ExamplesDir() string { return repotest.ARMExamplesDir() }

// RepoRoot returns the repository root.
func RepoRoot() string { return repotest.Root() }

type manifestEntry struct {
	File       string `json:"file"`
	Type       string `json:"type"`
	APIVersion string `json:"api_version"`
}

// Envelope is one example payload with its api-version.
type Envelope struct {
	File       string
	APIVersion string
	Body       map[string]any
}

// LoadEnvelopes reads every example payload in dir (sorted by file name).
func LoadEnvelopes(dir string) ([]Envelope, error) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	var man []manifestEntry
	if err := json.Unmarshal(b, &man); err != nil {
		return nil, fmt.Errorf("parse manifest: %w", err)
	}
	sort.Slice(man, func(i, j int) bool { return man[i].File < man[j].File })
	var out []Envelope
	for _, e := range man {
		raw, err := os.ReadFile(filepath.Join(dir, e.File))
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", e.File, err)
		}
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			return nil, fmt.Errorf("parse %s: %w", e.File, err)
		}
		out = append(out, Envelope{File: e.File, APIVersion: e.APIVersion, Body: body})
	}
	return out, nil
}

// LoadNodes reads the examples as graph nodes of one tenant.
func LoadNodes(dir string) ([]graph.Node, error) {
	envs, err := LoadEnvelopes(dir)
	if err != nil {
		return nil, err
	}
	nodes := make([]graph.Node, 0, len(envs))
	for _, e := range envs {
		env := make(map[string]any, len(e.Body)+1)
		for k, v := range e.Body {
			env[k] = v
		}
		env["apiVersion"] = e.APIVersion
		nodes = append(nodes, discover.NodeFromARM(TenantID, env))
	}
	return nodes, nil
}

// NodeFromARM builds a graph node from an ARM envelope (a minimal stand-in for
// discover.NodeFromARM, kept for synthetic benchmarks that need no rule semantics).
func NodeFromARM(tenantID string, env map[string]any, apiVersion string) graph.Node {
	id, _ := env["id"].(string)
	typ, _ := env["type"].(string)
	props := map[string]any{
		graph.PropID:          id,
		graph.PropName:        env["name"],
		graph.PropType:        strings.ToLower(typ),
		graph.PropTypeDisplay: typ,
		graph.PropAPIVersion:  apiVersion,
	}
	lid := strings.ToLower(id)
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		switch strings.ToLower(segs[i]) {
		case "subscriptions":
			if _, ok := props[graph.PropSubscription]; !ok {
				props[graph.PropSubscription] = segs[i+1]
			}
		case "resourcegroups":
			if _, ok := props[graph.PropResourceGroup]; !ok {
				props[graph.PropResourceGroup] = segs[i+1]
			}
		}
	}
	for k, pk := range map[string]string{"location": graph.PropLocation, "kind": graph.PropKind, "sku": graph.PropSKU,
		"identity": graph.PropIdentity, "zones": graph.PropZones, "managedBy": graph.PropManagedBy, "plan": graph.PropPlan,
		"tags": graph.PropTags, "systemData": graph.PropSystemData, "properties": graph.PropProperties} {
		if v, ok := env[k]; ok {
			props[pk] = v
		}
	}
	label := graph.LabelResource
	switch strings.ToLower(typ) {
	case "microsoft.resources/resourcegroups":
		label = graph.LabelResourceGroup
	case "microsoft.authorization/roleassignments":
		label = graph.LabelRoleAssignment
		p, _ := env["properties"].(map[string]any)
		props["principal_id"] = p["principalId"]
		props["principal_type"] = p["principalType"]
		props["role_definition_id"] = p["roleDefinitionId"]
		props["scope"] = p["scope"]
	case "microsoft.authorization/roledefinitions":
		label = graph.LabelRoleDefinition
		p, _ := env["properties"].(map[string]any)
		props["role_name"] = p["roleName"]
		props["role_type"] = p["type"]
	}
	return graph.Node{Label: label, ID: lid, TenantID: tenantID, Props: props}
}

// MemStore is an in-memory graph.Store for tests (nodes only; edges are kept but not queried by key).
type MemStore struct {
	nodes map[string]map[string]graph.Node
	edges map[string][]graph.Edge
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{nodes: map[string]map[string]graph.Node{}, edges: map[string][]graph.Edge{}}
}

var _ graph.Store = (*MemStore)(nil)

func (s *MemStore) Init(context.Context) error { return nil }
func (s *MemStore) UpsertNodes(_ context.Context, tenantID, scanID string, nodes []graph.Node) error {
	if s.nodes[tenantID] == nil {
		s.nodes[tenantID] = map[string]graph.Node{}
	}
	for _, n := range nodes {
		n.TenantID = tenantID
		n.LastSeen = scanID
		s.nodes[tenantID][n.ID] = n
	}
	return nil
}
func (s *MemStore) UpsertEdges(_ context.Context, tenantID, scanID string, edges []graph.Edge) (int, error) {
	s.edges[tenantID] = append(s.edges[tenantID], edges...)
	return 0, nil
}
func (s *MemStore) GetNode(_ context.Context, tenantID, id string) (graph.Node, error) {
	n, ok := s.nodes[tenantID][id]
	if !ok {
		return graph.Node{}, graph.ErrNotFound
	}
	return n, nil
}
func (s *MemStore) Nodes(ctx context.Context, tenantID string, q graph.NodeQuery, fn func(graph.Node) error) error {
	ids := make([]string, 0, len(s.nodes[tenantID]))
	for id := range s.nodes[tenantID] {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		n := s.nodes[tenantID][id]
		if len(q.Labels) > 0 && !containsLabel(q.Labels, n.Label) {
			continue
		}
		if err := fn(n); err != nil {
			return err
		}
	}
	return nil
}
func containsLabel(ls []graph.Label, l graph.Label) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}
func (s *MemStore) Edges(_ context.Context, tenantID string, q graph.EdgeQuery, fn func(graph.Edge) error) error {
	edges := append([]graph.Edge(nil), s.edges[tenantID]...)
	sort.Slice(edges, func(i, j int) bool { return edges[i].Key() < edges[j].Key() })
	for _, e := range edges {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}
func (s *MemStore) Stats(context.Context, string) (graph.Stats, error) { return graph.Stats{}, nil }
func (s *MemStore) DeleteStale(context.Context, string, string, graph.Scope) (graph.DeleteResult, error) {
	return graph.DeleteResult{}, nil
}
func (s *MemStore) NodeHeads(ctx context.Context, tenantID string, fn func(graph.NodeHead) error) error {
	return s.Nodes(ctx, tenantID, graph.NodeQuery{}, func(n graph.Node) error {
		return fn(graph.NodeHead{Label: n.Label, ID: n.ID, FirstSeen: n.FirstSeen, LastSeen: n.LastSeen})
	})
}
func (s *MemStore) DeleteNodes(context.Context, string, []string) (graph.DeleteResult, error) {
	return graph.DeleteResult{}, nil
}
func (s *MemStore) DeleteEdges(context.Context, string, []graph.Edge) (int, error) { return 0, nil }
func (s *MemStore) DeleteTenant(_ context.Context, tenantID string) error {
	delete(s.nodes, tenantID)
	delete(s.edges, tenantID)
	return nil
}
func (s *MemStore) Tenants(context.Context) ([]string, error) {
	var out []string
	for t := range s.nodes {
		out = append(out, t)
	}
	sort.Strings(out)
	return out, nil
}
func (s *MemStore) Ping(context.Context) error  { return nil }
func (s *MemStore) Close(context.Context) error { return nil }

// PlantSecrets adds secrets to the first Microsoft.Web/sites node (app settings, connection
// strings, a password) and returns the secret strings that must never appear in output.
func PlantSecrets(nodes []graph.Node) []string {
	for _, n := range nodes {
		if n.Props[graph.PropType] != "microsoft.web/sites" {
			continue
		}
		props, _ := n.Props[graph.PropProperties].(map[string]any)
		sc, _ := props["siteConfig"].(map[string]any)
		if sc == nil {
			sc = map[string]any{}
			props["siteConfig"] = sc
		}
		sc["appSettings"] = []any{
			map[string]any{"name": "STORAGE", "value": "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=SECRETVALUE123=="},
			map[string]any{"name": "DB_PASSWORD", "value": "HunterTwo-PLANTED-7"},
			map[string]any{"name": "WEBSITE_RUN_FROM_PACKAGE", "value": "1"},
		}
		sc["connectionStrings"] = []any{map[string]any{"name": "db", "type": "SQLAzure",
			"connectionString": "Server=tcp:x.database.windows.net;Password=PlantedPw-99;"}}
		props["password"] = "PLANTED-PASSWORD-42"
		props["sasUrl"] = "https://x.blob.core.windows.net/c?sv=2022-11-02&sig=PLANTEDSIG%3D"
		return []string{"SECRETVALUE123", "HunterTwo-PLANTED-7", "PlantedPw-99", "PLANTED-PASSWORD-42", "PLANTEDSIG"}
	}
	return nil
}

// SecretsCorpusDir holds envelopes with planted secrets (testdata/secrets-corpus): manifest.json
// like the examples' plus planted.json.
func SecretsCorpusDir() string { return repotest.Testdata("secrets-corpus") }

// Planted is one secret planted in the corpus: where (resource id + JSON path), in which form,
// and the text that must never appear in any output.
type Planted struct {
	ID     string `json:"id"`
	Path   string `json:"path"`
	Form   string `json:"form"`
	Secret string `json:"secret"`
}

// LoadSecretsCorpus reads the corpus as graph nodes of tenantID (through discover.NodeFromARM, as
// the scan builds them) and the planted secrets.
func LoadSecretsCorpus(tenantID string) ([]graph.Node, []Planted, error) {
	dir := SecretsCorpusDir()
	envs, err := LoadEnvelopes(dir)
	if err != nil {
		return nil, nil, err
	}
	var nodes []graph.Node
	for _, e := range envs {
		env := map[string]any{"apiVersion": e.APIVersion}
		for k, v := range e.Body {
			env[k] = v
		}
		nodes = append(nodes, discover.NodeFromARM(tenantID, env))
	}
	b, err := os.ReadFile(filepath.Join(dir, "planted.json"))
	if err != nil {
		return nil, nil, err
	}
	var p []Planted
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, nil, fmt.Errorf("parse planted.json: %w", err)
	}
	return nodes, p, nil
}

// CorpusDir returns <repo root>/testdata/arm-corpus: one Microsoft example GET response per ARM
// type (see its README.md).
func CorpusDir() string { return filepath.Join(repotest.Root(), "testdata", "arm-corpus") }
