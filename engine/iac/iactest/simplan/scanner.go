package simplan

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/sim"
)

// Scanner scans the simulator's tenants (over its TLS, trusting its certificate) into a scratch
// embedded graph; the plan-clean and the apply round-trip harnesses share it.
type Scanner struct {
	Store *boltstore.Store
	srv   *sim.Server
	hc    *http.Client
	log   *slog.Logger
	tmp   string
}

// NewScanner opens a scratch graph in a new temporary directory; Close removes it.
func NewScanner(ctx context.Context, srv *sim.Server, log *slog.Logger) (*Scanner, error) {
	tmp, err := os.MkdirTemp("", "atg-simscan-")
	if err != nil {
		return nil, err
	}
	st, err := boltstore.Open(filepath.Join(tmp, "graph.db"), boltstore.Options{NoSync: true})
	if err != nil {
		_ = os.RemoveAll(tmp)
		return nil, err
	}
	if err := st.Init(ctx); err != nil {
		_ = st.Close(context.Background())
		_ = os.RemoveAll(tmp)
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CertPEM)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	return &Scanner{Store: st, srv: srv, hc: hc, log: log, tmp: tmp}, nil
}

// Scan runs a full scan of tenant (identities and RBAC included); a scan with failures is an error.
func (s *Scanner) Scan(ctx context.Context, tenant string) (scan.Result, error) {
	clients, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: s.srv.ARMEndpoint, MSGraph: s.srv.MSGraphEndpoint},
		TenantID: tenant, Logger: s.log, Transport: s.hc, Throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond}})
	if err != nil {
		return scan.Result{}, err
	}
	res, err := (&scan.Engine{Store: s.Store, Azure: clients, Logger: s.log, Concurrency: 16}).Run(ctx,
		scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true})
	if err != nil {
		return res, fmt.Errorf("scan %s: %w", tenant, err)
	}
	if len(res.Failures) > 0 {
		return res, fmt.Errorf("scan %s: %d failures, first %+v", tenant, len(res.Failures), res.Failures[0])
	}
	return res, nil
}

// Close closes the graph and removes its directory.
func (s *Scanner) Close() {
	_ = s.Store.Close(context.Background())
	_ = os.RemoveAll(s.tmp)
}
