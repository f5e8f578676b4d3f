package azure

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Default endpoints of the Azure public cloud.
const (
	DefaultARMEndpoint     = "https://management.azure.com"
	DefaultMSGraphEndpoint = "https://graph.microsoft.com"
)

// Endpoints are the service endpoints a scan talks to: the public cloud, a sovereign cloud, or a
// simulator on loopback. Empty fields mean the public cloud.
type Endpoints struct {
	ARM     string `json:"arm,omitempty"`
	MSGraph string `json:"msgraph,omitempty"`
}

// WithDefaults fills empty endpoints with the public cloud's and trims trailing slashes.
func (e Endpoints) WithDefaults() Endpoints {
	if strings.TrimSpace(e.ARM) == "" {
		e.ARM = DefaultARMEndpoint
	}
	if strings.TrimSpace(e.MSGraph) == "" {
		e.MSGraph = DefaultMSGraphEndpoint
	}
	e.ARM = strings.TrimRight(strings.TrimSpace(e.ARM), "/")
	e.MSGraph = strings.TrimRight(strings.TrimSpace(e.MSGraph), "/")
	return e
}

// Loopback reports whether both endpoints are on a loopback host (a local simulator).
func (e Endpoints) Loopback() bool {
	e = e.WithDefaults()
	return IsLoopback(e.ARM) && IsLoopback(e.MSGraph)
}

// Validate checks the endpoints are absolute http(s) URLs, and that plain HTTP is used only on
// loopback.
func (e Endpoints) Validate() error {
	e = e.WithDefaults()
	for name, v := range map[string]string{"ARM": e.ARM, "MS Graph": e.MSGraph} {
		u, err := url.Parse(v)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return fmt.Errorf("invalid %s endpoint %q: want an absolute http(s) URL", name, v)
		}
		if u.Scheme == "http" && !IsLoopback(v) {
			return fmt.Errorf("invalid %s endpoint %q: plain http is only allowed on loopback", name, v)
		}
	}
	if IsLoopback(e.ARM) != IsLoopback(e.MSGraph) {
		return fmt.Errorf("ARM endpoint %q and MS Graph endpoint %q must both be loopback or both remote", e.ARM, e.MSGraph)
	}
	return nil
}

// knownClouds maps ARM endpoints of sovereign clouds to their cloud configuration.
var knownClouds = map[string]cloud.Configuration{
	"https://management.azure.com":         cloud.AzurePublic,
	"https://management.chinacloudapi.cn":  cloud.AzureChina,
	"https://management.usgovcloudapi.net": cloud.AzureGovernment,
}

// Cloud returns the azcore cloud configuration for the ARM endpoint.
func (e Endpoints) Cloud() cloud.Configuration {
	e = e.WithDefaults()
	if c, ok := knownClouds[strings.ToLower(e.ARM)]; ok {
		return c
	}
	c := cloud.Configuration{
		ActiveDirectoryAuthorityHost: cloud.AzurePublic.ActiveDirectoryAuthorityHost,
		Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: e.ARM, Audience: e.ARM},
		},
	}
	return c
}

// GraphScope is the token scope for the MS Graph endpoint (scheme://host/.default).
func (e Endpoints) GraphScope() string {
	e = e.WithDefaults()
	u, err := url.Parse(e.MSGraph)
	if err != nil || u.Host == "" {
		return DefaultMSGraphEndpoint + "/.default"
	}
	return u.Scheme + "://" + u.Host + "/.default"
}

// ClientOptions returns the ARM client options every ATG client uses: the cloud of the endpoint,
// no RP registration, the retry/throttle policy of t (azcore's retry policy plus ATG's pacer;
// no retries when t is nil), and plain HTTP allowed only for a loopback endpoint.
func ClientOptions(e Endpoints, t *Throttle) *arm.ClientOptions {
	e = e.WithDefaults()
	o := &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud:                           e.Cloud(),
			InsecureAllowCredentialWithHTTP: IsLoopback(e.ARM),
		},
		DisableRPRegistration: true,
	}
	if t != nil {
		t.Configure(&o.ClientOptions, false)
	} else {
		o.Retry = policy.RetryOptions{MaxRetries: -1}
	}
	return o
}
