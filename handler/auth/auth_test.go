package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNewKeyRoundTrip(t *testing.T) {
	key, entry, err := NewKey("dev", "alice", RoleUser)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "atg_dev_") || len(key) < len("atg_dev_")+43 {
		t.Fatalf("key %q: wrong shape", key)
	}
	if strings.Contains(entry.String(), key) || strings.Contains(entry.String(), key[8:]) {
		t.Fatal("entry contains the key")
	}
	entries, err := ParseEntries(" " + entry.String() + " ,")
	if err != nil || len(entries) != 1 {
		t.Fatalf("parse entries: %v %v", entries, err)
	}
	a, err := NewAuthenticator("dev", entries)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Authenticate(key)
	if err != nil || p.Name != "alice" || p.Role != RoleUser {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
}

func TestAuthenticateRejects(t *testing.T) {
	key, entry, _ := NewKey("dev", "alice", RoleUser)
	prodKey, prodEntry, _ := NewKey("prod", "bob", RoleAdmin)
	revoked, _, _ := NewKey("dev", "carol", RoleUser)
	a, _ := NewAuthenticator("dev", []Entry{entry, prodEntry})
	cases := []struct {
		name, key string
		want      error
	}{
		{"none", "", ErrNoKey},
		{"malformed", "not-a-key", ErrMalformedKey},
		{"short", "atg_dev_abc", ErrMalformedKey},
		{"bad env", "atg_test_" + key[8:], ErrMalformedKey},
		{"wrong env", prodKey, ErrWrongEnv},
		{"revoked", revoked, ErrUnknownKey},
		{"tampered", key[:len(key)-1] + "A", ErrUnknownKey},
	}
	for _, c := range cases {
		if c.name == "tampered" && strings.HasSuffix(key, "A") {
			c.key = key[:len(key)-1] + "B"
		}
		if _, err := a.Authenticate(c.key); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.want)
		}
	}
}

func TestParseEntriesErrors(t *testing.T) {
	h := sha256.Sum256([]byte("x"))
	hx := hex.EncodeToString(h[:])
	for _, s := range []string{"alice:user", "alice:root:" + hx, "al ice:user:" + hx, "alice:user:abcd",
		"alice:user:" + hx + ",bob:user:" + hx, "atg_dev_" + strings.Repeat("a", 43)} {
		if _, err := ParseEntries(s); err == nil {
			t.Errorf("ParseEntries(%q) accepted", s)
		}
	}
}

func TestKeyFromRequest(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer abc")
	if KeyFromRequest(r) != "abc" {
		t.Fatal("bearer")
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-API-Key", "xyz")
	if KeyFromRequest(r) != "xyz" {
		t.Fatal("x-api-key")
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Basic abc")
	if k := KeyFromRequest(r); k == "abc" || k == "" {
		t.Fatalf("basic scheme must yield an invalid key, got %q", k)
	}
}

func TestLimiter(t *testing.T) {
	now := time.Unix(0, 0)
	l := NewLimiter(2, 3)
	l.Now = func() time.Time { return now }
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d refused within burst", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || wait > 500*time.Millisecond {
		t.Fatalf("4th: ok=%v wait=%v, want refused with wait <= 500ms", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("other key limited")
	}
	now = now.Add(500 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("token not refilled after 500ms at 2/s")
	}
}
