package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Where key entries come from, and how they are kept current.
//
// ATG_API_KEYS is the value a service instance starts with. In Azure it is a Key Vault
// reference the platform resolves when the host starts; while the secret does not exist the
// setting holds the literal "@Microsoft.KeyVault(...)" text. That is not an error: it means
// "no keys yet" — every API call answers 401 and /health says why (degraded).
//
// ATG_API_KEYS_SOURCE (optional) is where the entries are re-read every ATG_API_KEYS_TTL, so a
// key added to or removed from the secret takes effect within the TTL, without a restart: a Key
// Vault secret URL (read with the service identity) or file:<path>. A read that fails, or
// entries that do not parse, keep the last good entries (a typo in the secret locks nobody out)
// and show in /health.

// ErrSecretNotFound is what a Source returns when the secret or file does not exist (yet).
var ErrSecretNotFound = errors.New("secret not found")

// Source reads the raw ATG_API_KEYS text.
type Source interface {
	Load(ctx context.Context) (string, error)
	String() string // where, for logs and health (never the value)
}

// IsUnresolvedReference reports whether v is an App Service Key Vault reference the platform
// could not resolve (the secret is missing or the identity cannot read it).
func IsUnresolvedReference(v string) bool {
	return strings.HasPrefix(strings.TrimSpace(v), "@Microsoft.KeyVault(")
}

// NewSource parses ATG_API_KEYS_SOURCE: "https://<vault>/secrets/<name>" (Key Vault, read with
// cred) or "file:<path>". client may be nil (http.DefaultClient).
func NewSource(spec string, cred azcore.TokenCredential, client *http.Client) (Source, error) {
	switch {
	case strings.HasPrefix(spec, "file:"):
		p := strings.TrimPrefix(spec, "file:")
		if p == "" {
			return nil, errors.New("file: source needs a path")
		}
		return fileSource(p), nil
	case strings.HasPrefix(spec, "https://"), strings.HasPrefix(spec, "http://127.0.0.1"), strings.HasPrefix(spec, "http://localhost"):
		u, err := url.Parse(spec)
		if err != nil || !strings.HasPrefix(u.Path, "/secrets/") || len(strings.Split(strings.Trim(u.Path, "/"), "/")) < 2 {
			return nil, fmt.Errorf("%q: want https://<vault>.vault.azure.net/secrets/<name>", spec)
		}
		if cred == nil {
			return nil, errors.New("a Key Vault source needs a credential")
		}
		if client == nil {
			client = http.DefaultClient
		}
		u.RawQuery = ""
		return &keyVaultSource{url: u.String(), cred: cred, client: client}, nil
	}
	return nil, fmt.Errorf("%q: want a Key Vault secret URL (https://…/secrets/<name>) or file:<path>", spec)
}

type fileSource string

func (f fileSource) String() string { return "file:" + string(f) }

func (f fileSource) Load(context.Context) (string, error) {
	b, err := os.ReadFile(string(f))
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%s: %w", f.String(), ErrSecretNotFound)
	}
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// keyVaultSource reads one secret's current version through the Key Vault REST API.
type keyVaultSource struct {
	url    string
	cred   azcore.TokenCredential
	client *http.Client
}

func (k *keyVaultSource) String() string { return k.url }

func (k *keyVaultSource) Load(ctx context.Context) (string, error) {
	tok, err := k.cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://vault.azure.net/.default"}})
	if err != nil {
		return "", fmt.Errorf("key vault token: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url+"?api-version=7.4", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	resp, err := k.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", k.url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", k.url, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return "", fmt.Errorf("%s: %w", k.url, ErrSecretNotFound)
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("reading %s: HTTP %d", k.url, resp.StatusCode) // the body may echo details; not logged
	}
	var v struct {
		Value *string `json:"value"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.Value == nil {
		return "", fmt.Errorf("reading %s: no secret value in the answer", k.url)
	}
	return *v.Value, nil
}

// KeyState is what /health reports about the key entries.
type KeyState struct {
	Status  string    // ok | none | unresolved_reference | stale
	Entries int       // entries in use
	Reason  string    // why Status is not ok (never a key or an entry)
	Loaded  time.Time // when the entries in use were read
}

// Degraded reports whether the state must turn /health degraded.
func (s KeyState) Degraded() bool { return s.Status == "unresolved_reference" || s.Status == "stale" }

type keySnapshot struct {
	auth    *Authenticator
	entries []Entry
	state   KeyState
}

func (k *Keys) snapshot(entries []Entry, st KeyState) *keySnapshot {
	a, _ := NewAuthenticator(k.env, entries) // env validated in NewKeys
	return &keySnapshot{auth: a, entries: entries, state: st}
}

// Keys authenticates against key entries that may change while the service runs.
type Keys struct {
	env   string
	src   Source // nil: the initial entries only
	ttl   time.Duration
	now   func() time.Time
	log   *slog.Logger
	cur   atomic.Pointer[keySnapshot]
	mu    sync.Mutex // one refresh at a time (never held by Authenticate or State)
	busy  atomic.Bool
	tried atomic.Int64 // unix nanoseconds of the last refresh attempt
}

// KeysOptions configure NewKeys.
type KeysOptions struct {
	Environment string
	Initial     string        // ATG_API_KEYS as the process got it
	Source      Source        // nil: Initial only
	TTL         time.Duration // <= 0: one minute
	Now         func() time.Time
	Logger      *slog.Logger
}

// NewKeys parses the initial entries (an unresolved Key Vault reference counts as none) and,
// with a source, reads it once (failures are kept in the state, not returned: the service
// starts either way). Malformed initial entries are an error: a setting typed by hand.
func NewKeys(ctx context.Context, o KeysOptions) (*Keys, error) {
	if !validEnv(o.Environment) {
		return nil, fmt.Errorf("environment %q: want dev, int or prod", o.Environment)
	}
	k := &Keys{env: o.Environment, src: o.Source, ttl: o.TTL, now: o.Now, log: o.Logger}
	if k.ttl <= 0 {
		k.ttl = time.Minute
	}
	if k.now == nil {
		k.now = time.Now
	}
	if k.log == nil {
		k.log = slog.New(slog.DiscardHandler)
	}
	state := KeyState{Status: "ok", Loaded: k.now()}
	var entries []Entry
	if IsUnresolvedReference(o.Initial) {
		state.Status = "unresolved_reference"
		state.Reason = "ATG_API_KEYS is an unresolved Key Vault reference: the secret (atg-api-keys) does not exist yet or the service identity cannot read it; every API call answers 401 until it has entries"
	} else {
		var err error
		if entries, err = ParseEntries(o.Initial); err != nil {
			return nil, fmt.Errorf("ATG_API_KEYS: %w", err)
		}
	}
	if len(entries) == 0 && state.Status == "ok" {
		state.Status = "none"
		state.Reason = "no API key entries configured: every API call answers 401"
	}
	state.Entries = len(entries)
	k.cur.Store(k.snapshot(entries, state))
	if k.src != nil {
		rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		_ = k.Refresh(rctx)
	}
	return k, nil
}

// State returns the current key state. Like Authenticate it starts a re-read in the background
// when the TTL has passed, so /health (polled without a key, e.g. by the deploy smoke test) sees
// a secret that appeared since.
func (k *Keys) State() KeyState {
	k.maybeRefresh()
	return k.cur.Load().state
}

// Authenticate checks key against the current entries, starting a re-read in the background
// when the TTL has passed (the request is answered with the entries in hand).
func (k *Keys) Authenticate(key string) (Principal, error) {
	k.maybeRefresh()
	return k.cur.Load().auth.Authenticate(key)
}

func (k *Keys) maybeRefresh() {
	if k.src == nil || !k.due() || !k.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer k.busy.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		_ = k.Refresh(ctx)
	}()
}

func (k *Keys) due() bool {
	return k.now().Sub(time.Unix(0, k.tried.Load())) >= k.ttl
}

// Refresh re-reads the source now. On failure the entries in use stay and the state says why.
func (k *Keys) Refresh(ctx context.Context) error {
	if k.src == nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	loaded := k.now()
	k.tried.Store(loaded.UnixNano())
	prev := k.cur.Load()
	raw, err := k.src.Load(ctx)
	var entries []Entry
	if err == nil {
		if IsUnresolvedReference(raw) {
			err = errors.New("the source holds a Key Vault reference, not entries")
		} else if entries, err = ParseEntries(raw); err != nil {
			err = fmt.Errorf("entries do not parse: %w", err)
		}
	}
	if err != nil {
		st := prev.state
		switch {
		case errors.Is(err, ErrSecretNotFound) && prev.state.Entries == 0:
			// Still no keys: an unresolved reference stays degraded, an empty setting stays "none".
			if st.Status == "unresolved_reference" {
				st.Reason = "ATG_API_KEYS is an unresolved Key Vault reference and the secret " + k.src.String() + " does not exist yet: every API call answers 401 until it has entries"
			} else {
				st.Status, st.Reason = "none", "the API key secret "+k.src.String()+" does not exist yet: every API call answers 401"
			}
		default:
			st.Status = "stale"
			st.Reason = fmt.Sprintf("cannot re-read API key entries from %s (%v); using the %d entries read at %s", k.src, err, prev.state.Entries, prev.state.Loaded.UTC().Format(time.RFC3339))
		}
		k.cur.Store(&keySnapshot{auth: prev.auth, entries: prev.entries, state: st})
		k.log.Error("re-reading API key entries failed; keeping the last good ones", "source", k.src.String(), "entries", prev.state.Entries, "err", err)
		return err
	}
	st := KeyState{Status: "ok", Entries: len(entries), Loaded: loaded}
	if len(entries) == 0 {
		st.Status, st.Reason = "none", "no API key entries configured: every API call answers 401"
	}
	if st.Entries != prev.state.Entries || prev.state.Status != st.Status {
		k.log.Info("API key entries reloaded", "source", k.src.String(), "entries", st.Entries)
	}
	k.cur.Store(k.snapshot(entries, st))
	return nil
}

// Entries returns the entries in use (for the admin keys listing; never log their hashes).
func (k *Keys) Entries() []Entry {
	return append([]Entry(nil), k.cur.Load().entries...)
}
