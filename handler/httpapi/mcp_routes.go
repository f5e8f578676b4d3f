package httpapi

import (
	"context"
	"net/http"
	"sync"

	"github.com/gorilla/mux"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/errs"
)

// mcpTenantContextKey carries the validated tenant from the route to the SDK's getServer.
type mcpTenantContextKey struct{}

// registerMCPRoutes exposes the `atg mcp` tools over the MCP Streamable HTTP transport at
// /api/v1/mcp?tenant_id=T, behind the API key like every other route (stateless: each POST
// carries its own JSON-RPC exchange). One MCP server per tenant is built on first use.
func (s *server) registerMCPRoutes(r *mux.Router) {
	var mu sync.Mutex
	servers := map[string]*mcp.Server{}
	h := mcp.NewStreamableHTTPHandler(func(req *http.Request) *mcp.Server {
		tenant, _ := req.Context().Value(mcpTenantContextKey{}).(string)
		mu.Lock()
		defer mu.Unlock()
		if srv := servers[tenant]; srv != nil {
			return srv
		}
		srv, err := s.MCPServer(tenant)
		if err != nil {
			s.Logger.Warn("mcp: building the server", "tenant", tenant, "err", err)
			return nil
		}
		servers[tenant] = srv
		return srv
	}, &mcp.StreamableHTTPOptions{Stateless: true, JSONResponse: true, Logger: s.Logger})
	r.Handle("/mcp", s.handle(func(w http.ResponseWriter, req *http.Request) error {
		if s.MCPServer == nil {
			return errs.Errorf(errs.NotImplemented, "the MCP endpoint needs a graph store")
		}
		q := &api.PostureRequest{TenantID: req.URL.Query().Get("tenant_id")}
		if err := validate(q); err != nil {
			return err
		}
		if err := authorizeTenants(req, q.TenantID); err != nil {
			return err // the tools read one tenant's graph: only a key scoped to it may ask
		}
		h.ServeHTTP(w, req.WithContext(context.WithValue(req.Context(), mcpTenantContextKey{}, q.TenantID)))
		return nil
	})).Methods(http.MethodPost, http.MethodGet, http.MethodDelete)
}
