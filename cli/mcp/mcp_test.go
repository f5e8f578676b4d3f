package mcp_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/root"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/engine/graph/neo4jstore"
	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/engine/mcpserver"
	"github.com/atg-go/atg/engine/mcpserver/mcptest"
	"github.com/atg-go/atg/internal/testenv"
)

// TestMain runs the real atg command tree when re-executed as the MCP child process, so the
// stdio test drives the actual binary code path over real pipes.
func TestMain(m *testing.M) {
	if args := os.Getenv("ATG_MCP_TEST_ARGS"); args != "" {
		os.Exit(root.Run(context.Background(), cmdutil.System(), strings.Split(args, "\x1f")))
	}
	os.Exit(m.Run())
}

func seed(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "graph.db")
	ctx := context.Background()
	st, err := stores.Open(ctx, stores.Options{Graph: path})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	vnet := graphtest.Resource("s1", "rg1", "Microsoft.Network/virtualNetworks", "vnet")
	nic := graphtest.Resource("s1", "rg1", "Microsoft.Network/networkInterfaces", "nic")
	if err := st.UpsertNodes(ctx, "t1", "scan-1", []graph.Node{vnet, nic}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpsertEdges(ctx, "t1", "scan-1", []graph.Edge{graphtest.E(graph.EdgeConnectedTo, nic, vnet)}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStdio(t *testing.T) {
	path := seed(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "ATG_MCP_TEST_ARGS="+strings.Join([]string{"mcp", "--tenant-id", "t1", "--graph", path}, "\x1f"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	ctx := context.Background()
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "stdio-test", Version: "0"}, nil).Connect(ctx, &sdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v (stderr: %s)", err, stderr.String())
	}
	if got := cs.InitializeResult().ServerInfo.Name; got != "atg" {
		t.Errorf("server name %q", got)
	}
	lt, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(lt.Tools) != len(mcpserver.ToolNames) {
		t.Errorf("%d tools, want %d", len(lt.Tools), len(mcpserver.ToolNames))
	}
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "stats", Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Fatalf("stats: %v %+v", err, res)
	}
	if txt := res.Content[0].(*sdk.TextContent).Text; !strings.Contains(txt, "CONNECTED_TO") {
		t.Errorf("stats = %s", txt)
	}
	res, err = cs.CallTool(ctx, &sdk.CallToolParams{Name: "get_resource", Arguments: map[string]any{"id": "missing"}})
	if err != nil || !res.IsError {
		t.Fatalf("get_resource(missing): %v %+v", err, res)
	}
	res, err = cs.CallTool(ctx, &sdk.CallToolParams{Name: "search_resources", Arguments: map[string]any{"type": "microsoft.network/networkinterfaces"}})
	if err != nil || res.IsError || !strings.Contains(res.Content[0].(*sdk.TextContent).Text, `"count":1`) {
		t.Fatalf("search: %v %+v", err, res)
	}
	if err := cs.Close(); err != nil {
		t.Errorf("close: %v (stderr: %s)", err, stderr.String())
	}
	if strings.Contains(strings.ToLower(stderr.String()), "panic") {
		t.Errorf("child stderr: %s", stderr.String())
	}
}

// startChild runs `atg mcp args…` as a child process over real stdin/stdout pipes.
func startChild(t *testing.T, env []string, args ...string) *sdk.ClientSession {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), env...), "ATG_MCP_TEST_ARGS="+strings.Join(append([]string{"mcp"}, args...), "\x1f"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "stdio-conformance", Version: "0"}, nil).Connect(context.Background(), &sdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v (stderr: %s)", err, stderr.String())
	}
	t.Cleanup(func() {
		if err := cs.Close(); err != nil {
			t.Errorf("close: %v (stderr: %s)", err, stderr.String())
		}
		if strings.Contains(strings.ToLower(stderr.String()), "panic") {
			t.Errorf("child stderr: %s", stderr.String())
		}
	})
	return cs
}

// TestStdioConformanceBolt drives the whole conformance suite through the real command over
// stdio on the embedded store (the parent closes the file before the child opens it).
func TestStdioConformanceBolt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "graph.db")
	st, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	su := mcptest.Prepare(t, st, 3103, false)
	if err := st.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	mcptest.Run(t, startChild(t, nil, "--tenant-id", su.Tenant, "--graph", path), su)
}

// TestStdioConformanceNeo4j is the same over Neo4j.
func TestStdioConformanceNeo4j(t *testing.T) {
	uri, user, pw := testenv.RequireNeo4j(t)
	ctx := context.Background()
	st, err := neo4jstore.Open(ctx, neo4jstore.Options{URI: uri, User: user, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	su := mcptest.Prepare(t, st, 3104, true)
	defer su.Cleanup(st)
	mcptest.Run(t, startChild(t, []string{"NEO4J_USER=" + user, "NEO4J_PASSWORD=" + pw}, "--tenant-id", su.Tenant, "--graph", uri), su)
}

func TestUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	io := &cmdutil.IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}
	t.Setenv("ATG_TENANT_ID", "")
	if code := root.Run(context.Background(), io, []string{"mcp", "--graph", filepath.Join(t.TempDir(), "g.db")}); code != cmdutil.ExitUsage {
		t.Errorf("no tenant: exit %d, want %d (%s)", code, cmdutil.ExitUsage, errOut.String())
	}
	if code := root.Run(context.Background(), io, []string{"mcp", "--tenant-id", "t1", "--cypher-max-rows", "0"}); code != cmdutil.ExitUsage {
		t.Errorf("bad row cap: exit %d", code)
	}
}
