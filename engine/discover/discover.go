// Package discover reads an Azure tenant: subscriptions, Resource Graph pages of resources and
// resource groups, the ARM child walk for child types Resource Graph does not list (driven by the
// child-collection tree of engine/discover/childtree, generated from the REST API specs), role
// assignments and definitions, policy assignments and locks in bulk, the management group
// hierarchy, and Entra objects via MS Graph (users, groups, service principals, applications,
// devices, administrative units, owners, directory roles, consent grants, app role
// assignments). It turns what it reads into graph nodes shaped as engine/graph/doc.go documents.
// It writes nothing: callers (engine/scan) store the nodes.
package discover

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/atg-go/atg/engine/azure"
)

// Failure is one thing that could not be discovered after retries. Nothing is silently lost:
// every error of a resource, collection or scope becomes a Failure.
type Failure struct {
	Scope   string `json:"scope"`   // subscription id, "entra", "tenant", …
	ID      string `json:"id"`      // the resource / collection / request that failed
	Code    string `json:"code"`    // ARM / Graph error code or HTTP status text
	Message string `json:"message"` // human-readable
}

// FailureFrom turns an error into a Failure.
func FailureFrom(scope, id string, err error) Failure {
	status, code := azure.ErrorCode(err)
	msg := err.Error()
	if status != 0 {
		msg = fmt.Sprintf("HTTP %d: %s", status, firstLine(msg))
	}
	return Failure{Scope: scope, ID: id, Code: code, Message: msg}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "---") {
			if len(l) > 300 {
				l = l[:300]
			}
			return l
		}
	}
	return s
}

// Discoverer reads one tenant through Clients.
type Discoverer struct {
	Azure  *azure.Clients
	Logger *slog.Logger
	// Concurrency bounds concurrent list calls (child walk, group members); default 16.
	Concurrency int

	provMu    sync.Mutex
	providers map[string]*providerCache // one cache per process (see Types)
}

// New returns a Discoverer.
func New(c *azure.Clients, logger *slog.Logger, concurrency int) *Discoverer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if concurrency <= 0 {
		concurrency = 16
	}
	return &Discoverer{Azure: c, Logger: logger, Concurrency: concurrency, providers: map[string]*providerCache{}}
}

// Sink collects what a discovery step found; it is safe for concurrent use.
type Sink struct {
	mu       sync.Mutex
	Failures []Failure
}

// Fail records a failure.
func (s *Sink) Fail(f Failure) {
	s.mu.Lock()
	s.Failures = append(s.Failures, f)
	s.mu.Unlock()
}

// Failed returns a copy of the failures.
func (s *Sink) Failed() []Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Failure(nil), s.Failures...)
}

// str reads a string field of a JSON object.
func str(m map[string]any, k string) string {
	if m == nil {
		return ""
	}
	s, _ := m[k].(string)
	return s
}

// obj reads an object field of a JSON object.
func obj(m map[string]any, k string) map[string]any {
	if m == nil {
		return nil
	}
	o, _ := m[k].(map[string]any)
	return o
}
