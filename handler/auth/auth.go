// Package auth authenticates API keys and rate-limits them.
//
// A key is `atg_<env>_<43+ url-safe random chars>`. The service never holds keys: its
// configuration (ATG_API_KEYS) lists entries `name:role:sha256hex[:scope]` separated by
// commas, where scope is the tenant ids the key may act on joined by '+', or '*' (all tenants,
// admin keys only). Presented keys are hashed and compared in constant time with every entry.
// An entry without a scope (written before scopes existed) keeps working for an admin key
// (all tenants); a user key without one is refused until it is re-issued with --tenant.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/atg-go/atg/errs"
)

// Role is a key's role.
type Role string

// Roles.
const (
	RoleUser  Role = "user"
	RoleAdmin Role = "admin"
)

// Environments a key may belong to.
var Environments = []string{"dev", "int", "prod"}

// AllTenants is the scope of a key that may act on every tenant (admin keys only).
const AllTenants = "*"

// Principal is the authenticated caller.
type Principal struct {
	Name string
	Role Role
	// Tenants are the lower-cased tenant ids the key may act on; ["*"] is all tenants; nil is a
	// user key without a scope (refused by the API).
	Tenants []string
}

// IsAdmin reports whether p may see every job.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// Scoped reports whether p carries a tenant scope (every admin key does: an admin entry
// without one means all tenants).
func (p Principal) Scoped() bool { return len(p.Tenants) > 0 }

// MayAccess reports whether p may act on tenant (scan it, read or generate from its graph,
// use it as a create-tenant source or target, read its jobs).
func (p Principal) MayAccess(tenant string) bool {
	tenant = strings.ToLower(strings.TrimSpace(tenant))
	for _, t := range p.Tenants {
		if t == AllTenants || t == tenant {
			return true
		}
	}
	return false
}

// Entry is one configured key: its owner name, role, the SHA-256 of the key and its tenant
// scope (nil: none recorded).
type Entry struct {
	Name    string
	Role    Role
	Hash    [sha256.Size]byte
	Tenants []string
}

// String renders the config form name:role:sha256hex[:scope].
func (e Entry) String() string {
	s := e.Name + ":" + string(e.Role) + ":" + hex.EncodeToString(e.Hash[:])
	if len(e.Tenants) > 0 {
		s += ":" + strings.Join(e.Tenants, "+")
	}
	return s
}

var tenantRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// ParseScope checks and normalises a key's tenant scope: tenant ids (GUIDs, lower-cased,
// de-duplicated, sorted) or "*" alone, which only an admin key may have.
func ParseScope(role Role, tenants []string) ([]string, error) {
	set := map[string]bool{}
	for _, t := range tenants {
		t = strings.ToLower(strings.TrimSpace(t))
		switch {
		case t == AllTenants:
			if role != RoleAdmin {
				return nil, errors.New("tenant scope '*' (all tenants) is for admin keys only")
			}
		case !tenantRE.MatchString(t):
			return nil, fmt.Errorf("tenant %q: want a tenant id (GUID) or '*'", t)
		}
		set[t] = true
	}
	if set[AllTenants] && len(set) > 1 {
		return nil, errors.New("tenant scope '*' already covers every tenant; give it alone")
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	sort.Strings(out)
	return out, nil
}

var (
	keyRE  = regexp.MustCompile(`^atg_(dev|int|prod)_([A-Za-z0-9_-]{43,})$`)
	nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
)

// ValidName reports whether a key name is acceptable (it becomes a Table partition key).
func ValidName(name string) bool { return nameRE.MatchString(name) }

// ParseEntries parses ATG_API_KEYS. Blank items are ignored; every other item must be valid.
func ParseEntries(s string) ([]Entry, error) {
	var out []Entry
	seen := map[string]bool{}
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.Split(item, ":")
		if len(parts) != 3 && len(parts) != 4 {
			return nil, fmt.Errorf("api key entry %d: want name:role:sha256hex[:tenant+tenant…|*]", i+1)
		}
		name, role, hx := parts[0], Role(parts[1]), strings.ToLower(parts[2])
		if !ValidName(name) {
			return nil, fmt.Errorf("api key entry %d: invalid name %q", i+1, name)
		}
		if role != RoleUser && role != RoleAdmin {
			return nil, fmt.Errorf("api key entry %d (%s): role %q: want user or admin", i+1, name, role)
		}
		b, err := hex.DecodeString(hx)
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("api key entry %d (%s): hash must be 64 hex chars (sha256 of the key, never the key)", i+1, name)
		}
		if seen[hx] {
			return nil, fmt.Errorf("api key entry %d (%s): duplicate hash", i+1, name)
		}
		seen[hx] = true
		e := Entry{Name: name, Role: role}
		copy(e.Hash[:], b)
		if len(parts) == 4 {
			if e.Tenants, err = ParseScope(role, strings.Split(parts[3], "+")); err != nil {
				return nil, fmt.Errorf("api key entry %d (%s): %w", i+1, name, err)
			}
			if len(e.Tenants) == 0 {
				return nil, fmt.Errorf("api key entry %d (%s): empty tenant scope", i+1, name)
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// NewKey generates a key for env and its entry, scoped to tenants (tenant ids, or "*" for an
// admin key). A user key needs at least one tenant to be usable.
func NewKey(env, name string, role Role, tenants ...string) (key string, entry Entry, err error) {
	if !validEnv(env) {
		return "", Entry{}, fmt.Errorf("environment %q: want dev, int or prod", env)
	}
	if !ValidName(name) {
		return "", Entry{}, fmt.Errorf("name %q: want 1-64 of letters, digits, '.', '_', '-', starting with a letter or digit", name)
	}
	if role != RoleUser && role != RoleAdmin {
		return "", Entry{}, fmt.Errorf("role %q: want user or admin", role)
	}
	b := make([]byte, 32) // 43 base64url chars
	if _, err := rand.Read(b); err != nil {
		return "", Entry{}, fmt.Errorf("generating key: %w", err)
	}
	scope, err := ParseScope(role, tenants)
	if err != nil {
		return "", Entry{}, err
	}
	if len(scope) == 0 {
		scope = nil
	}
	key = "atg_" + env + "_" + base64.RawURLEncoding.EncodeToString(b)
	return key, Entry{Name: name, Role: role, Hash: sha256.Sum256([]byte(key)), Tenants: scope}, nil
}

func validEnv(env string) bool {
	for _, e := range Environments {
		if e == env {
			return true
		}
	}
	return false
}

// Authenticator checks presented keys against the configured entries.
type Authenticator struct {
	env     string
	entries []Entry
}

// NewAuthenticator returns an Authenticator for the service environment env.
func NewAuthenticator(env string, entries []Entry) (*Authenticator, error) {
	if !validEnv(env) {
		return nil, fmt.Errorf("environment %q: want dev, int or prod", env)
	}
	return &Authenticator{env: env, entries: entries}, nil
}

// ErrNoKey etc. are the reasons a key is refused (all render as 401 unauthorized).
var (
	ErrNoKey        = errors.New("no API key")
	ErrMalformedKey = errors.New("malformed API key")
	ErrWrongEnv     = errors.New("API key of another environment")
	ErrUnknownKey   = errors.New("unknown or revoked API key")
)

// KeyFromRequest returns the key from `Authorization: Bearer` or `X-API-Key`.
func KeyFromRequest(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
			return strings.TrimSpace(h[7:])
		}
		return "\x00invalid-scheme"
	}
	return strings.TrimSpace(r.Header.Get("X-API-Key"))
}

// Authenticate returns the principal for key, or an error wrapping one of the Err* reasons.
func (a *Authenticator) Authenticate(key string) (Principal, error) {
	if key == "" {
		return Principal{}, ErrNoKey
	}
	m := keyRE.FindStringSubmatch(key)
	if m == nil {
		return Principal{}, ErrMalformedKey
	}
	if m[1] != a.env {
		return Principal{}, ErrWrongEnv
	}
	h := sha256.Sum256([]byte(key))
	found := -1
	for i := range a.entries { // no early exit: constant time in the number of entries
		if subtle.ConstantTimeCompare(h[:], a.entries[i].Hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, ErrUnknownKey
	}
	e := a.entries[found]
	p := Principal{Name: e.Name, Role: e.Role, Tenants: e.Tenants}
	if p.Tenants == nil && p.Role == RoleAdmin {
		p.Tenants = []string{AllTenants} // entries from before scopes: admin keys keep all tenants
	}
	return p, nil
}

// ErrUnscoped is the refusal of a user key whose entry has no tenant scope.
func ErrUnscoped(name string) error {
	return errs.Errorf(errs.Forbidden, "API key %s has no tenant scope (its entry predates key scopes); "+
		"ask an admin to re-issue it with `atg keys new --name %s --tenant <tenant id>` and replace its ATG_API_KEYS entry", name, name)
}

// AuthError turns an authentication failure into the API error (one message for all reasons
// except a wrong environment, which is safe and useful to name).
func AuthError(err error) error {
	msg := "a valid API key is required (Authorization: Bearer <key> or X-API-Key)"
	if errors.Is(err, ErrWrongEnv) {
		msg = "the API key belongs to another environment"
	}
	return errs.Wrap(errs.Unauthorized, err, msg)
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the principal in ctx.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Limiter is a per-key token bucket: Rate tokens per second, bursts up to Burst.
type Limiter struct {
	Rate  float64
	Burst float64
	Now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter returns a limiter; rate <= 0 disables limiting.
func NewLimiter(rate, burst float64) *Limiter {
	if burst < 1 {
		burst = 1
	}
	return &Limiter{Rate: rate, Burst: burst, Now: time.Now, buckets: map[string]*bucket{}}
}

// Allow takes a token for name; when none is left it returns false and how long until one is.
func (l *Limiter) Allow(name string) (bool, time.Duration) {
	if l == nil || l.Rate <= 0 {
		return true, 0
	}
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[name]
	if !ok {
		b = &bucket{tokens: l.Burst, last: now}
		l.buckets[name] = b
	}
	b.tokens += now.Sub(b.last).Seconds() * l.Rate
	if b.tokens > l.Burst {
		b.tokens = l.Burst
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.Rate * float64(time.Second))
	return false, wait
}
