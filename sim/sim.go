// Package sim is an Azure tenant simulator: ARM, Resource Graph and MS Graph over HTTP, with
// Azure's paging, error bodies, api-version validation, throttling and faults, serving a
// deterministic synthetic tenant (or ARM envelopes loaded from a directory). The real Azure SDK
// clients talk to it unchanged. See README.md in this directory.
package sim

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Simulator.
type Options struct {
	Resources     int   // resources in the first tenant (synthetic generator)
	Subscriptions int   // subscriptions per tenant (default 1)
	Seed          int64 // generator, fault and jitter seed
	Tenants       int   // >= 1; tenants after the first start empty (deployment targets)
	// PlantPosture adds a resource group of planted misconfigurations, compliant counterparts
	// and attack paths, listed in the truth file (posture_plant.go).
	PlantPosture bool
	// Governance adds two management groups under the tenant root group (the first
	// subscription in one, the rest in the other), policy assignments and resource locks.
	Governance bool
	// RichChildren adds a staging slot to every web app, an A record set to every private DNS
	// zone, a federated credential to every user-assigned identity and a SQL database to every
	// Cosmos DB account (truth resources beyond Resources).
	RichChildren bool
	// Users, Groups and ServicePrincipals size the first tenant's directory independently of
	// Resources (0: derived from Resources as before). ServicePrincipals counts application
	// service principals (app registrations and enterprise apps); managed identities come with
	// the resources. Set, they switch to realistic memberships (entra_scale.go).
	Users, Groups, ServicePrincipals int

	Throttle      string // "real" | "off" | "fast" (default "real")
	FastFactor    float64
	Latency       time.Duration
	LatencyJitter time.Duration
	Faults        float64 // fraction of requests that fault (deterministic with Seed)

	FromDir string // load ARM envelopes from a directory instead of generating (ids kept as they are)
	// FromRehome re-homes FromDir's envelopes into the first subscription and resource group
	// rg-imported (example payloads whose ids are placeholders).
	FromRehome bool
	// FromGraph replays a scanned tenant: an `atg graph export --format json` file (.gz too).
	FromGraph string
	// PlatformResources adds what Azure creates itself (private endpoint NICs, AKS node resource
	// groups with their scale sets, load balancers and public IPs) on top of Resources.
	PlatformResources bool
	GraphPrefix       string // MS Graph path prefix, default "/v1.0"
	PageSize          int    // ARM list page size (default 1000; subscriptions and child lists use it too)
	GraphPage         int    // MS Graph default page size (default 100)
	TLS               bool   // Start serves HTTPS with a generated self-signed certificate
	Logger            *slog.Logger
	// Now is the time source for throttling (tests inject a fake clock); default time.Now.
	Now func() time.Time
}

// Simulator is a simulated Azure cloud. It is safe for concurrent use.
type Simulator struct {
	opts  Options
	st    *store
	log   *slog.Logger
	clk   *clock
	thr   *throttler
	stats statsCounters

	attemptsMu sync.Mutex
	attempts   map[string]uint32 // per request identity, for deterministic faults
	opSeq      atomic.Uint64
	tlsCert    *tls.Certificate // set by Start with TLS: also the data-plane proxy's (dataplane.go)
}

// New builds a simulator and its tenants.
func New(opts Options) (*Simulator, error) {
	if opts.Tenants <= 0 {
		opts.Tenants = 1
	}
	if opts.Subscriptions <= 0 {
		opts.Subscriptions = 1
	}
	if opts.Resources < 0 {
		return nil, errors.New("sim: resources must be >= 0")
	}
	if opts.Users < 0 || opts.Groups < 0 || opts.ServicePrincipals < 0 {
		return nil, errors.New("sim: users, groups and service principals must be >= 0")
	}
	if opts.Faults < 0 || opts.Faults > 1 {
		return nil, fmt.Errorf("sim: faults must be within [0,1], got %v", opts.Faults)
	}
	switch opts.Throttle {
	case "":
		opts.Throttle = "real"
	case "real", "off", "fast":
	default:
		return nil, fmt.Errorf("sim: throttle must be real, off or fast, got %q", opts.Throttle)
	}
	if opts.FastFactor <= 0 {
		opts.FastFactor = 50
	}
	if opts.GraphPrefix == "" {
		opts.GraphPrefix = "/v1.0"
	}
	opts.GraphPrefix = "/" + strings.Trim(opts.GraphPrefix, "/")
	if opts.PageSize <= 0 {
		opts.PageSize = 1000
	}
	if opts.GraphPage <= 0 {
		opts.GraphPage = 100
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Simulator{opts: opts, st: newStore(), log: opts.Logger, attempts: map[string]uint32{}}
	s.st.governance = opts.Governance
	scale := 1.0
	if opts.Throttle == "fast" {
		scale = opts.FastFactor
	}
	s.clk = newClock(opts.Now, scale)
	s.thr = newThrottler(s.clk, opts.Throttle != "off")
	s.stats.init()
	s.st.changes.now = opts.Now
	if err := s.build(); err != nil {
		return nil, err
	}
	s.st.changes.on = true // what build made is the initial state, not a change
	return s, nil
}

// build creates tenants and subscriptions, then generates or loads the first tenant.
func (s *Simulator) build() error {
	g := &gen{rng: newRand(s.opts.Seed, 1)}
	var first []*subscription
	start := 0
	if s.opts.FromGraph != "" {
		if s.opts.FromDir != "" {
			return errors.New("sim: --from and --from-graph are exclusive")
		}
		ex, err := readGraphExport(s.opts.FromGraph)
		if err != nil {
			return err
		}
		t, n, err := loadGraph(s.st, ex)
		if err != nil {
			return err
		}
		s.log.Info("sim: replaying a graph export", "file", s.opts.FromGraph, "tenant", t.id, "arm_objects", n, "identities", len(t.objects))
		start = 1
	}
	for i := start; i < s.opts.Tenants; i++ {
		tid := g.uuid()
		dom := fmt.Sprintf("contoso%d.onmicrosoft.com", i)
		if i == 0 {
			dom = "contoso.onmicrosoft.com"
		}
		t := newTenant(tid, fmt.Sprintf("Contoso Sim %d", i), dom)
		s.st.addTenant(t)
		for j := 0; j < s.opts.Subscriptions; j++ {
			if i == 0 && s.opts.FromDir != "" && !s.opts.FromRehome {
				break // the loaded envelopes bring their own subscriptions
			}
			name := fmt.Sprintf("%s-sub-%d", []string{"prod", "nonprod", "shared", "sandbox"}[j%4], j)
			if i > 0 {
				name = fmt.Sprintf("target%d-sub-%d", i, j)
			}
			sub := s.st.addSubscription(t, g.uuid(), name)
			if i == 0 {
				first = append(first, sub)
			}
		}
	}
	t0 := s.st.tenants[0]
	if s.opts.FromGraph != "" {
		return nil
	}
	if s.opts.FromDir != "" {
		var target *subscription
		if len(first) > 0 {
			target = first[0]
		}
		n, err := loadDir(s.st, t0, target, s.opts.FromDir, s.opts.FromRehome)
		if err != nil {
			return err
		}
		s.log.Info("sim: loaded ARM envelopes", "dir", s.opts.FromDir, "resources", n)
		return nil
	}
	generateTenant(s.st, t0, first, s.opts.Resources, s.opts.Seed, entraScale{s.opts.Users, s.opts.Groups, s.opts.ServicePrincipals})
	generateDirectoryExtras(t0, s.opts.Seed)
	generateGrants(s.st, t0, s.opts.Seed)
	if s.opts.RichChildren {
		addRichChildren(s.st, t0)
	}
	if s.opts.PlatformResources {
		addPlatformResources(s.st, t0, s.opts.Seed)
	}
	if s.opts.PlantPosture {
		t0.posture = plantPosture(s.st, t0, first[0], s.opts.Seed)
	}
	s.log.Info("sim: generated tenant", "tenant", t0.id, "resources", s.opts.Resources, "subscriptions", len(first))
	return nil
}

// TenantIDs lists the simulated tenants, the first (generated) one first.
func (s *Simulator) TenantIDs() []string {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]string, len(s.st.tenants))
	for i, t := range s.st.tenants {
		out[i] = t.id
	}
	return out
}

// SubscriptionIDs lists a tenant's subscription GUIDs.
func (s *Simulator) SubscriptionIDs(tenantID string) []string {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	if t := s.st.tenantBy[strings.ToLower(tenantID)]; t != nil {
		return append([]string(nil), t.subs...)
	}
	return nil
}

// DeleteResource removes a resource (any ARM id the simulator holds, case-insensitive) with its
// child and extension resources, as a re-scan test's "deleted in Azure" step.
func (s *Simulator) DeleteResource(id string) error {
	key := strings.TrimSuffix(strings.ToLower(id), "/")
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if p, ok := parsePath(key); ok && p.ns == "" && p.rg != "" && !p.collection {
		if s.st.deleteRG(p.sub, p.rg) {
			return nil
		}
	}
	if s.st.remove(key) == 0 {
		return fmt.Errorf("sim: delete %s: %w", id, ErrNotFound)
	}
	return nil
}

// ErrNotFound is returned for ids the simulator does not hold.
var ErrNotFound = errors.New("not found")

// Server is a running simulator.
type Server struct {
	ARMEndpoint     string
	MSGraphEndpoint string
	TenantIDs       []string
	// CertPEM is the self-signed certificate when serving TLS (nil otherwise).
	CertPEM []byte
	srv     *http.Server
	done    chan error
}

// Start listens on addr ("127.0.0.1:0" picks a port) and serves until Close.
func (s *Simulator) Start(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sim: listen %s: %w", addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	scheme := "http"
	out := &Server{srv: srv, done: make(chan error, 1), TenantIDs: s.TenantIDs()}
	if s.opts.TLS {
		cert, pem, err := selfSignedCert(ln.Addr())
		if err != nil {
			ln.Close()
			return nil, err
		}
		out.CertPEM = pem
		s.tlsCert = &cert
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	out.ARMEndpoint = base
	out.MSGraphEndpoint = base
	go func() {
		err := srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		out.done <- err
	}()
	return out, nil
}

// Close shuts the server down gracefully.
func (sv *Server) Close(ctx context.Context) error {
	if err := sv.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("sim: shutdown: %w", err)
	}
	return <-sv.done
}

// hash64 mixes the seed with parts into a deterministic 64-bit value.
func hash64(seed int64, parts ...string) uint64 {
	h := fnv.New64a()
	var b [8]byte
	for i := 0; i < 8; i++ {
		b[i] = byte(seed >> (8 * i))
	}
	h.Write(b[:])
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	x := h.Sum64()
	// splitmix finaliser for better low bits
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
