// Package mcptest is the conformance suite of the MCP server: a simulated tenant with planted
// posture truth scanned into a store, then every tool called with good and bad arguments through
// any client session (in-memory, or the real command over stdio).
package mcptest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/mcpserver"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// Setup is a scanned tenant and the planted ids the suite calls tools with.
type Setup struct {
	Tenant                     string
	Truth                      *sim.PostureTruth
	Neo4j                      bool
	Other                      string // a second tenant with one node the cypher tool must refuse (Neo4j)
	kvWeak, vmSSH, guest, site string
}

// Prepare scans a simulated tenant with planted posture truth into st and finds the ids the
// suite needs; on Neo4j it also writes a node of another tenant (Setup.Other). The seed picks
// the tenant ids: tests that may run at the same time on one Neo4j use different seeds.
func Prepare(t *testing.T, st graph.Store, seed int64, neo4j bool) Setup {
	t.Helper()
	ctx := context.Background()
	s, srv := simtest.Start(t, sim.Options{Resources: 80, Seed: seed, Throttle: "off", PlantPosture: true})
	tenant := srv.TenantIDs[0]
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint}, TenantID: tenant,
		Throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&scan.Engine{Store: st, Azure: c, Concurrency: 8}).Run(ctx,
		scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true}); err != nil {
		t.Fatal(err)
	}
	other := fmt.Sprintf("other-tenant-mcp-%d", seed)
	if neo4j {
		n := graph.Node{Label: graph.LabelResource, ID: "/subscriptions/x/resourcegroups/y/providers/a.b/c/other", Props: map[string]any{"name": "other"}}
		if err := st.UpsertNodes(ctx, other, "scan-1", []graph.Node{n}); err != nil {
			t.Fatal(err)
		}
	}
	su := Setup{Tenant: tenant, Truth: s.Truth().Tenants[0].Posture, Neo4j: neo4j, Other: other}
	for _, f := range su.Truth.Findings {
		switch {
		case f.Rule == "ATG-DP-001":
			su.kvWeak = f.Resource
		case f.Rule == "ATG-NET-001" && strings.Contains(f.Resource, "vm-ssh-"):
			su.vmSSH = f.Resource
		}
	}
	for _, p := range su.Truth.Paths {
		if p.SourceKind == "principal" {
			su.guest = p.Steps[0]
		}
	}
	_ = st.Nodes(ctx, tenant, graph.NodeQuery{Types: []string{"microsoft.web/sites"}}, func(n graph.Node) error {
		b, _ := json.Marshal(n.Props)
		if su.site == "" && strings.Contains(string(b), "STORAGE_CONNECTION_STRING") {
			su.site = n.ID
		}
		return nil
	})
	if su.kvWeak == "" || su.vmSSH == "" || su.guest == "" || su.site == "" {
		t.Fatalf("planted truth incomplete: %+v", su)
	}
	return su
}

// Cleanup deletes what Prepare wrote (call it with a store that is open).
func (su Setup) Cleanup(st graph.Store) {
	_ = st.DeleteTenant(context.Background(), su.Tenant)
	if su.Neo4j {
		_ = st.DeleteTenant(context.Background(), su.Other)
	}
}

// call invokes a tool and returns its text content and whether it was a tool error; a
// protocol error fails the test (bad arguments must be tool errors).
func call(t *testing.T, cs *mcp.ClientSession, name string, args any) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s(%v): protocol error %v", name, args, err)
	}
	var b strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			b.WriteString(tc.Text)
		}
	}
	return b.String(), res.IsError
}

type toolCase struct {
	tool string
	args any
	ok   bool
	want []string // substrings of the text result
	not  []string // substrings that must not appear
}

// Run drives every tool through the session: initialize result, tools/list, good and bad
// arguments (bad ones must be tool errors, never protocol errors or a dead session).
func Run(t *testing.T, cs *mcp.ClientSession, su Setup) {
	ctx := context.Background()
	kvWeak, vmSSH, guest, site, neo4j := su.kvWeak, su.vmSSH, su.guest, su.site, su.Neo4j
	if cs.InitializeResult() == nil || cs.InitializeResult().ServerInfo.Name != "atg" {
		t.Fatalf("initialize: %+v", cs.InitializeResult())
	}
	lt, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range lt.Tools {
		names = append(names, tl.Name)
		if tl.InputSchema == nil || tl.Description == "" {
			t.Errorf("tool %s lacks a schema or description", tl.Name)
		}
	}
	if strings.Join(names, ",") != strings.Join(sortedCopy(mcpserver.ToolNames), ",") {
		t.Errorf("tools/list = %v, want %v", names, mcpserver.ToolNames)
	}

	cases := []toolCase{
		{tool: "stats", args: map[string]any{}, ok: true, want: []string{`"Resource"`, "USES_IDENTITY"}},
		{tool: "stats", args: map[string]any{"bogus": 1}, ok: false},
		{tool: "search_resources", args: map[string]any{"type": "Microsoft.KeyVault/vaults", "name": "kv-weak"}, ok: true, want: []string{kvWeak}},
		{tool: "search_resources", args: map[string]any{"tag": "purpose=posture-ground-truth"}, ok: true, want: []string{`"count":0`}},
		{tool: "search_resources", args: map[string]any{"limit": -1}, ok: false},
		{tool: "search_resources", args: map[string]any{"limit": "ten"}, ok: false},
		{tool: "get_resource", args: map[string]any{"id": strings.ToUpper(kvWeak)}, ok: true, want: []string{"enableSoftDelete"}},
		{tool: "get_resource", args: map[string]any{"id": "/subscriptions/nope"}, ok: false, want: []string{"no node"}},
		{tool: "get_resource", args: map[string]any{}, ok: false},
		{tool: "neighbours", args: map[string]any{"id": vmSSH, "direction": "out"}, ok: true, want: []string{"USES_IDENTITY", "USES"}},
		{tool: "neighbours", args: map[string]any{"id": vmSSH, "direction": "sideways"}, ok: false},
		{tool: "neighbours", args: map[string]any{"id": vmSSH, "edge_types": []string{"NOT_AN_EDGE"}}, ok: false},
		{tool: "shortest_path", args: map[string]any{"from": guest, "to": kvWeak}, ok: true, want: []string{`"found":true`, "MEMBER_OF"}},
		{tool: "shortest_path", args: map[string]any{"from": guest, "to": "missing"}, ok: false},
		{tool: "shortest_path", args: map[string]any{"from": guest, "to": kvWeak, "max_depth": -2}, ok: false},
		{tool: "who_can_access", args: map[string]any{"scope": kvWeak}, ok: true, want: []string{guest, "Key Vault Secrets User", `"via_group"`}},
		{tool: "who_can_access", args: map[string]any{"scope": "/subscriptions/x/resourceGroups/none"}, ok: false},
		{tool: "exposure_paths", args: map[string]any{"source_kind": "internet"}, ok: true, want: []string{"subscription-owner", "storage-data"}},
		{tool: "exposure_paths", args: map[string]any{"target_kind": "moon"}, ok: false},
		{tool: "posture_findings", args: map[string]any{"rule": "ATG-NET-001"}, ok: true, want: []string{vmSSH, "NS-1"}},
		{tool: "posture_findings", args: map[string]any{"severity": "apocalyptic"}, ok: false},
		{tool: "posture_findings", args: map[string]any{"rule": "ATG-NOPE"}, ok: false},
		{tool: "generate_iac", args: map[string]any{"ids": []string{kvWeak}}, ok: true, want: []string{"main.tf", "kv-weak"}},
		{tool: "generate_iac", args: map[string]any{"ids": []string{kvWeak}, "format": "cobol"}, ok: false},
		{tool: "generate_iac", args: map[string]any{}, ok: false},
		{tool: "cypher", args: map[string]any{"query": "CREATE (n:AtgProbe) RETURN n"}, ok: false},
		{tool: "cypher", args: map[string]any{}, ok: false},
	}
	cases = append(cases, toolCase{tool: "get_resource", args: map[string]any{"id": site}, ok: true,
		want: []string{"STORAGE_CONNECTION_STRING"}, not: []string{sim.FakeSecretAccountKey}})
	if neo4j {
		cases = append(cases,
			toolCase{tool: "cypher", args: map[string]any{"query": "MATCH (n:Resource) WHERE n.uid STARTS WITH $prefix AND n.type = $t RETURN n.name AS name ORDER BY name", "params": map[string]any{"t": "microsoft.keyvault/vaults"}}, ok: true, want: []string{"kv-weak"}},
			toolCase{tool: "cypher", args: map[string]any{"query": "MATCH (n:Resource) WHERE n.uid STARTS WITH $prefix RETURN n.name LIMIT 50", "limit": 3}, ok: true, want: []string{`"truncated":true`}},
			toolCase{tool: "cypher", args: map[string]any{"query": "MATCH (n) WHERE n.tenant_id = '" + su.Other + "' RETURN n"}, ok: false, want: []string{"another tenant"}},
			toolCase{tool: "cypher", args: map[string]any{"query": "MATCH (n RETURN n"}, ok: false},
			toolCase{tool: "cypher", args: map[string]any{"query": "match (n) detach delete n"}, ok: false, want: []string{"read-only"}},
		)
	} else {
		cases = append(cases, toolCase{tool: "cypher", args: map[string]any{"query": "MATCH (n) RETURN n LIMIT 1"}, ok: false, want: []string{"Neo4j"}})
	}
	seen := map[string]bool{}
	for _, c := range cases {
		text, isErr := call(t, cs, c.tool, c.args)
		seen[c.tool] = true
		if isErr == c.ok {
			t.Errorf("%s(%v): tool error = %v, want %v: %.300s", c.tool, c.args, isErr, !c.ok, text)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
				t.Errorf("%s(%v): result lacks %q: %.500s", c.tool, c.args, w, text)
			}
		}
		for _, w := range c.not {
			if strings.Contains(text, w) {
				t.Errorf("%s(%v): result contains %q", c.tool, c.args, w)
			}
		}
	}
	for _, n := range mcpserver.ToolNames {
		if !seen[n] {
			t.Errorf("tool %s not exercised", n)
		}
	}
	// unknown tools are protocol errors, and the session survives them
	if _, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "drop_database", Arguments: map[string]any{}}); err == nil {
		t.Error("an unknown tool was accepted")
	}
	if _, isErr := call(t, cs, "stats", map[string]any{}); isErr {
		t.Error("the session broke after an unknown tool")
	}
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
