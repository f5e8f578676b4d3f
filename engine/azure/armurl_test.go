package azure

import (
	"errors"
	"net/url"
	"testing"
)

func TestBuildARMURL(t *testing.T) {
	const ep = "https://management.azure.com"
	good := []struct{ path, want string }{
		{"/subscriptions/s/resourceGroups/rg", ep + "/subscriptions/s/resourceGroups/rg?api-version=2024-01-01"},
		{"/subscriptions/s/resourceGroups/my rg(1)", ep + "/subscriptions/s/resourceGroups/my%20rg%281%29?api-version=2024-01-01"},
		{"/providers/Microsoft.ResourceGraph/resources", ep + "/providers/Microsoft.ResourceGraph/resources?api-version=2024-01-01"},
		{"/subscriptions/s/providers?$expand=x", ep + "/subscriptions/s/providers?%24expand=x&api-version=2024-01-01"},
	}
	for _, c := range good {
		got, err := BuildARMURL(ep, c.path, "2024-01-01", nil)
		if err != nil || got != c.want {
			t.Errorf("BuildARMURL(%q) = %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	// with a path on the endpoint (a simulator mounted under /arm)
	if got, err := BuildARMURL("http://127.0.0.1:9/arm/", "/subscriptions/s", "", nil); err != nil || got != "http://127.0.0.1:9/arm/subscriptions/s" {
		t.Errorf("endpoint path: %q, %v", got, err)
	}
	bad := []string{
		"@evil.example/x", ".evil.example/x", "//evil.example/x", "/subscriptions/s/../../x", "/subscriptions/s/./x",
		"/subscriptions/s%2F..%2Fx", `/subscriptions/s\evil`, "/subscriptions/s%40evil.example", "/subscriptions/s@evil.example",
		"/subscriptions/s#frag", "/subscriptions/s\x00", "/subscriptions//x", "", "https://evil.example/subscriptions/s",
		"/subscriptions/ s",
	}
	for _, p := range bad {
		if u, err := BuildARMURL(ep, p, "2024-01-01", nil); !errors.Is(err, ErrBadPath) {
			t.Errorf("BuildARMURL(%q) = %q, %v; want ErrBadPath", p, u, err)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	const ep = "https://management.azure.com"
	for _, u := range []string{"https://evil.example/x", "http://management.azure.com/x", "https://management.azure.com@evil.example/x",
		"https://user@management.azure.com/x", "https://management.azure.com.evil.example/x", "/relative"} {
		if err := SameOrigin(ep, u); !errors.Is(err, ErrForeignURL) {
			t.Errorf("SameOrigin(%q) = %v, want ErrForeignURL", u, err)
		}
	}
	if err := SameOrigin(ep, "https://MANAGEMENT.azure.com/subscriptions/s?x=1"); err != nil {
		t.Error(err)
	}
	// a built URL always parses back to the endpoint's host
	u, err := BuildARMURL(ep, "/subscriptions/s/resourceGroups/a:b;c=d$e&f+g", "v", url.Values{"q": {"@evil.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if pu, _ := url.Parse(u); pu.Host != "management.azure.com" {
		t.Fatalf("host of %q", u)
	}
}
