package httpapi

import (
	"net/http/httptest"
	"testing"
)

func TestClientAddr(t *testing.T) {
	for _, c := range []struct{ remote, xff, want string }{
		{"203.0.113.9:5555", "", "203.0.113.9"},
		{"203.0.113.9:5555", "198.51.100.1", "203.0.113.9"}, // a direct client cannot pick its bucket
		{"127.0.0.1:4000", "198.51.100.1, 198.51.100.2:1234", "198.51.100.2"},
		{"[::1]:4000", "", "::1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := clientAddr(r); got != c.want {
			t.Errorf("clientAddr(%s, %q) = %q, want %q", c.remote, c.xff, got, c.want)
		}
	}
}
