// Package mcpserver exposes the graph to agents as a Model Context Protocol server (official Go
// SDK): stats, resource search and retrieval (secrets redacted), neighbours, shortest paths,
// who-can-access, exposure paths, posture findings, IaC for a selection and read-only Cypher
// (Neo4j). One server is bound to one tenant; every tool reads only that tenant.
package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/neo4jstore"
	"github.com/atg-go/atg/engine/posture"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/internal/buildinfo"
)

// Options configure a server.
type Options struct {
	Store    graph.Store
	TenantID string
	// Redact masks secret-like values in returned JSON (default posture.DefaultRedactor).
	Redact posture.Redactor
	Logger *slog.Logger
	// SnapshotTTL is how long the in-memory snapshot behind who-can-access, exposure paths
	// and posture findings is reused (default 1 minute).
	SnapshotTTL time.Duration
	// CypherTimeout and CypherMaxRows bound the cypher tool (defaults 10 s, 1000 rows).
	CypherTimeout time.Duration
	CypherMaxRows int
	// Now is the clock posture rules compare credential dates with (default time.Now).
	Now func() time.Time
}

// CypherReader is what the cypher tool needs from a store (the Neo4j store has it).
type CypherReader interface {
	ReadQuery(ctx context.Context, query string, params map[string]any, timeout time.Duration, maxRows int,
		check func(props map[string]any) error) (neo4jstore.ReadResult, error)
}

type server struct {
	o      Options
	tenant string
	mu     sync.Mutex
	snap   *posture.Graph
	snapAt time.Time
	rep    *posture.Report
}

// New returns the MCP server with every tool registered.
func New(o Options) (*mcp.Server, error) {
	if o.Store == nil {
		return nil, errors.New("mcp: no graph store")
	}
	t, err := graph.CheckTenant(o.TenantID)
	if err != nil {
		return nil, fmt.Errorf("mcp: %w", err)
	}
	if o.Redact == nil {
		o.Redact = posture.DefaultRedactor
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.SnapshotTTL <= 0 {
		o.SnapshotTTL = time.Minute
	}
	if o.CypherTimeout <= 0 {
		o.CypherTimeout = 10 * time.Second
	}
	if o.CypherMaxRows <= 0 {
		o.CypherMaxRows = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &server{o: o, tenant: t}
	srv := mcp.NewServer(&mcp.Implementation{Name: "atg", Title: "Azure Tenant Grapher", Version: buildinfo.Get().Version},
		&mcp.ServerOptions{Instructions: "Read-only tools over the Azure tenant graph of tenant " + t +
			": resources with their full ARM JSON (secrets redacted), relationships, RBAC, security findings and attack paths."})
	s.register(srv)
	return srv, nil
}

// ToolNames lists the tools New registers (cypher answers with a tool error on the embedded store).
var ToolNames = []string{"stats", "search_resources", "get_resource", "neighbours", "shortest_path", "who_can_access",
	"exposure_paths", "posture_findings", "generate_iac", "cypher"}

// add registers a typed tool whose handler errors and panics become tool errors, never a
// crashed server.
func add[In any](s *server, srv *mcp.Server, t *mcp.Tool, h func(ctx context.Context, in In) (any, error)) {
	t.Annotations = &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: new(bool)}
	mcp.AddTool(srv, t, func(ctx context.Context, _ *mcp.CallToolRequest, in In) (res *mcp.CallToolResult, out any, err error) {
		defer func() {
			if r := recover(); r != nil {
				s.o.Logger.Error("mcp: tool panicked", "tool", t.Name, "panic", r, "stack", string(debug.Stack()))
				res, out, err = nil, nil, fmt.Errorf("internal error in tool %s", t.Name)
			}
		}()
		out, err = h(ctx, in)
		if err != nil {
			s.o.Logger.Debug("mcp: tool error", "tool", t.Name, "err", err)
			return nil, nil, err
		}
		return nil, out, nil
	})
}

// snapshot returns the tenant snapshot and its posture report, reloaded after SnapshotTTL.
func (s *server) snapshot(ctx context.Context) (*posture.Graph, *posture.Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap != nil && time.Since(s.snapAt) < s.o.SnapshotTTL {
		return s.snap, s.rep, nil
	}
	g, err := posture.Load(ctx, s.o.Store, s.tenant)
	if err != nil {
		return nil, nil, err
	}
	if g.NodeCount() == 0 {
		return nil, nil, errs.Errorf(errs.NotFound, "tenant %s has no graph (scan it first)", s.tenant)
	}
	rep, err := posture.Run(ctx, g, posture.Options{Now: s.o.Now(), Redact: s.o.Redact, MaxPaths: 1000})
	if err != nil {
		return nil, nil, err
	}
	s.snap, s.rep, s.snapAt = g, rep, time.Now()
	return g, rep, nil
}
