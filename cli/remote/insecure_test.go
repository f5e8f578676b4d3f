package remote

import (
	"io"
	"strings"
	"testing"

	"github.com/atg-go/atg/config"
)

// TestPlainHTTPKeyRefused: the key is never sent over http:// to a non-loopback host unless
// --insecure says so.
func TestPlainHTTPKeyRefused(t *testing.T) {
	const key = "atg_dev_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	for _, c := range []struct {
		url      string
		insecure bool
		ok       bool
	}{
		{"http://atg.example.com", false, false},
		{"http://10.0.0.5:8080", false, false},
		{"http://atg.example.com", true, true},
		{"https://atg.example.com", false, true},
		{"http://127.0.0.1:8080", false, true},
		{"http://localhost:8080", false, true},
		{"http://[::1]:8080", false, true},
	} {
		fl := &Flags{ServiceURL: c.url, APIKey: key, Insecure: c.insecure}
		_, _, err := fl.Client(&config.Config{}, io.Discard, nil)
		if (err == nil) != c.ok {
			t.Errorf("%s insecure=%v: %v", c.url, c.insecure, err)
		}
		if err != nil && !strings.Contains(err.Error(), "--insecure") {
			t.Errorf("%s: message does not say how to override: %v", c.url, err)
		}
	}
}
