package handler

import (
	"context"
	"github.com/atg-go/atg/handler/executors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/engine/mcpserver"
	"github.com/atg-go/atg/handler/httpapi"
)

type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+k.key)
	return http.DefaultTransport.RoundTrip(r)
}

// TestMCPOverHTTP drives /api/v1/mcp with the SDK's Streamable HTTP client: the key is
// required, the tenant is validated, and the tools answer for that tenant only.
func TestMCPOverHTTP(t *testing.T) {
	ctx := context.Background()
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	vnet := graphtest.Resource("s1", "rg1", "Microsoft.Network/virtualNetworks", "vnet-mcp")
	if err := st.UpsertNodes(ctx, tenant, "scan-1", []graph.Node{vnet}); err != nil {
		t.Fatal(err)
	}
	other := graphtest.Resource("s1", "rg1", "Microsoft.Network/virtualNetworks", "vnet-other")
	if err := st.UpsertNodes(ctx, "99999999-2222-3333-4444-555555555555", "scan-1", []graph.Node{other}); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, func(d *httpapi.Deps) { d.MCPServer = executors.MCPServers(st, nil) })
	srv := httptest.NewServer(f.h)
	defer srv.Close()
	url := srv.URL + "/api/v1/mcp?tenant_id=" + tenant

	// no key: 401 before any MCP processing
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no key: %d", resp.StatusCode)
	}
	// a bad tenant: 400 in the API's error shape
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/mcp?tenant_id=nope", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+f.keys["alice"])
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("bad tenant: %d", resp.StatusCode)
	}

	cs, err := mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "0"}, nil).Connect(ctx,
		&mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: keyTransport{f.keys["alice"]}}, DisableStandaloneSSE: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	lt, err := cs.ListTools(ctx, nil)
	if err != nil || len(lt.Tools) != len(mcpserver.ToolNames) {
		t.Fatalf("tools/list: %v %d", err, len(lt.Tools))
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "search_resources", Arguments: map[string]any{"type": "microsoft.network/virtualnetworks"}})
	if err != nil || res.IsError {
		t.Fatalf("search: %v %+v", err, res)
	}
	text := res.Content[0].(*mcp.TextContent).Text
	if !strings.Contains(text, "vnet-mcp") || strings.Contains(text, "vnet-other") {
		t.Errorf("search is not tenant-scoped: %s", text)
	}
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "get_resource", Arguments: map[string]any{"id": other.ID}})
	if err != nil || !res.IsError {
		t.Errorf("another tenant's node: %v %+v", err, res)
	}
}
