package azure

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// LocalCredential mints an unsigned JWT carrying a tenant (tid) and a principal (oid), the way
// the simulator reads identity from a bearer token. It is only ever used for loopback endpoints.
type LocalCredential struct {
	TenantID    string
	PrincipalID string
}

// Claims are the token claims the simulator reads.
type Claims struct {
	TenantID    string `json:"tid"`
	PrincipalID string `json:"oid"`
	Audience    string `json:"aud,omitempty"`
	Expires     int64  `json:"exp,omitempty"`
}

// GetToken implements azcore.TokenCredential.
func (c LocalCredential) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if c.TenantID == "" {
		return azcore.AccessToken{}, errors.New("local credential: tenant id is required")
	}
	exp := time.Now().Add(time.Hour)
	aud := ""
	if len(opts.Scopes) > 0 {
		aud = strings.TrimSuffix(opts.Scopes[0], "/.default")
	}
	tok, err := MintUnsignedToken(Claims{TenantID: c.TenantID, PrincipalID: c.PrincipalID, Audience: aud, Expires: exp.Unix()})
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return azcore.AccessToken{Token: tok, ExpiresOn: exp}, nil
}

// MintUnsignedToken returns header.payload. (alg "none", empty signature).
func MintUnsignedToken(c Claims) (string, error) {
	hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	body, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encoding token claims: %w", err)
	}
	return hdr + "." + base64.RawURLEncoding.EncodeToString(body) + ".", nil
}

// ParseUnverified reads the claims of a JWT without verifying its signature. It returns ok=false
// when the token is not a JWT.
func ParseUnverified(token string) (Claims, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return Claims{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return Claims{}, false
	}
	var c Claims
	if err := json.Unmarshal(b, &c); err != nil {
		return Claims{}, false
	}
	return c, true
}

// IsLoopback reports whether endpoint is an http(s) URL on a loopback host.
func IsLoopback(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
