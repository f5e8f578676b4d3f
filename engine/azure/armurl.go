package azure

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/errs"
)

// ErrForeignURL is returned when a request URL would leave the configured endpoint (another
// scheme or host): the service's bearer token is never sent anywhere else.
var ErrForeignURL = errs.New(errs.Invalid, "request URL is not on the configured endpoint")

// ErrBadPath is returned for an ARM path or id that is not a clean, absolute path of plain
// segments (empty, "." or ".." segments, backslashes, percent-escapes, '@', '?', '#', control
// characters).
var ErrBadPath = errs.New(errs.Invalid, "not a valid ARM path")

// CheckPath reports whether p is a clean absolute ARM path: "/" followed by non-empty segments
// without '.', '..', '\\', '%', '@', '?', '#', whitespace at either end or control characters.
// Every id that reaches an ARM request passes it (BuildARMURL calls it).
func CheckPath(p string) error {
	if p == "" || p[0] != '/' {
		return fmt.Errorf("%w: %q does not start with /", ErrBadPath, clip(p))
	}
	segs := strings.Split(strings.TrimSuffix(p[1:], "/"), "/")
	for _, seg := range segs {
		if err := checkSegment(seg); err != nil {
			return fmt.Errorf("%w: %q: %v", ErrBadPath, clip(p), err)
		}
	}
	return nil
}

func checkSegment(seg string) error {
	switch {
	case seg == "":
		return errors.New("empty segment")
	case seg == "." || seg == "..":
		return errors.New("relative segment")
	case strings.TrimSpace(seg) != seg:
		return errors.New("segment with surrounding whitespace")
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if c < 0x20 || c == 0x7f {
			return errors.New("control character")
		}
		switch c {
		case '\\', '%', '@', '?', '#':
			return fmt.Errorf("character %q", c)
		}
	}
	return nil
}

// CheckID parses s as an ARM id (engine/armid) and checks it is a clean path (CheckPath).
func CheckID(s string) (armid.ID, error) {
	if err := CheckPath(s); err != nil {
		return armid.ID{}, err
	}
	id, ok := armid.Parse(s)
	if !ok {
		return armid.ID{}, fmt.Errorf("%w: %q is not an ARM resource id", ErrBadPath, clip(s))
	}
	return id, nil
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// parseEndpoint parses a configured endpoint (absolute http(s) URL with a host, no query).
func parseEndpoint(endpoint string) (*url.URL, error) {
	ep, err := url.Parse(strings.TrimRight(strings.TrimSpace(endpoint), "/"))
	if err != nil || ep.Host == "" || (ep.Scheme != "https" && ep.Scheme != "http") || ep.User != nil || ep.RawQuery != "" || ep.Fragment != "" {
		return nil, fmt.Errorf("invalid endpoint %q: want an absolute http(s) URL", endpoint)
	}
	return ep, nil
}

// BuildARMURL is the one way an ARM request URL is made: the configured endpoint's scheme and
// host, the endpoint's path, then path (an ARM id or collection path, checked with CheckPath)
// escaped segment by segment, then the query and api-version. path may carry a query string
// ("…?$filter=…"), merged with query. The result is parsed again and refused unless its scheme
// and host are the endpoint's.
func BuildARMURL(endpoint, path, apiVersion string, query url.Values) (string, error) {
	ep, err := parseEndpoint(endpoint)
	if err != nil {
		return "", err
	}
	p, rawQuery, _ := strings.Cut(path, "?")
	if err := CheckPath(p); err != nil {
		return "", err
	}
	var esc strings.Builder
	esc.WriteString(strings.TrimRight(ep.EscapedPath(), "/"))
	for _, seg := range strings.Split(strings.TrimSuffix(p[1:], "/"), "/") {
		esc.WriteString("/" + url.PathEscape(seg))
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", fmt.Errorf("%w: query of %q: %v", ErrBadPath, clip(path), err)
	}
	for k, vs := range query {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	if apiVersion != "" {
		q.Set("api-version", apiVersion)
	}
	u := &url.URL{Scheme: ep.Scheme, Host: ep.Host, RawQuery: strings.ReplaceAll(q.Encode(), "+", "%20")}
	if u.Path, err = url.PathUnescape(esc.String()); err != nil {
		return "", fmt.Errorf("%w: %v", ErrBadPath, err)
	}
	u.RawPath = esc.String()
	out := u.String()
	if err := SameOrigin(endpoint, out); err != nil {
		return "", err
	}
	return out, nil
}

// SameOrigin checks that rawURL (a built URL, or a nextLink / polling URL a service returned)
// has the endpoint's scheme and host and no user info.
func SameOrigin(endpoint, rawURL string) error {
	ep, err := parseEndpoint(endpoint)
	if err != nil {
		return err
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrForeignURL, err)
	}
	if !strings.EqualFold(u.Scheme, ep.Scheme) || !strings.EqualFold(u.Host, ep.Host) || u.User != nil || u.Opaque != "" {
		return fmt.Errorf("%w: %s://%s is not %s://%s", ErrForeignURL, u.Scheme, u.Host, ep.Scheme, ep.Host)
	}
	return nil
}
