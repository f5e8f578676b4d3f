// Package api holds the wire types of ATG's REST API v1 (shared/docs/API.md) and their
// validation: the service (handler/) decodes and validates them, the CLI's RemoteClient
// (cli/remote) sends them, so the two cannot drift apart.
package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The request bodies of the submit endpoints (API.md). Stored on the job in their
// validated, normalised form.

// ScanRequest is POST /scan.
type ScanRequest struct {
	TenantID          string   `json:"tenant_id"`
	SubscriptionIDs   []string `json:"subscription_ids,omitempty"`
	ResourceGroups    []string `json:"resource_groups,omitempty"`
	IncludeIdentities *bool    `json:"include_identities,omitempty"`
	IncludeRBAC       *bool    `json:"include_rbac,omitempty"`
	// Incremental scans only what changed since the tenant's last successful scan (falling back
	// to a full scan, and saying why, when it cannot); Full forces a full scan.
	Incremental bool `json:"incremental,omitempty"`
	Full        bool `json:"full,omitempty"`
}

// Target is where generate-iac and create-tenant translate to.
type Target struct {
	TenantID       string `json:"tenant_id,omitempty"`
	SubscriptionID string `json:"subscription_id,omitempty"`
	Location       string `json:"location,omitempty"`
	NameSuffix     string `json:"name_suffix,omitempty"`
}

// GenerateIaCRequest is POST /generate-iac.
type GenerateIaCRequest struct {
	TenantID       string   `json:"tenant_id"`
	Format         string   `json:"format"`
	ResourceGroups []string `json:"resource_groups,omitempty"`
	Types          []string `json:"types,omitempty"`
	Target         *Target  `json:"target,omitempty"`
}

// PostureRequest is POST /posture: evaluate the posture rules and attack paths over a scanned
// tenant's graph; the job stores posture.md, posture.json and posture.sarif as artifacts.
type PostureRequest struct {
	TenantID string   `json:"tenant_id"`
	Rules    []string `json:"rules,omitempty"`     // rule ids (default all)
	MaxPaths int      `json:"max_paths,omitempty"` // attack paths reported at most (default 200; -1: no path search)
}

// CreateTenantRequest is POST /create-tenant.
type CreateTenantRequest struct {
	Spec           json.RawMessage `json:"spec,omitempty"`
	SourceTenantID string          `json:"source_tenant_id,omitempty"`
	Target         *Target         `json:"target,omitempty"`
	DryRun         bool            `json:"dry_run,omitempty"`
}

var (
	guidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	rgRE       = regexp.MustCompile(`^[-\w.()*?\[\]]{1,90}$`) // names, or globs of them
	armTypeRE  = regexp.MustCompile(`^[A-Za-z0-9]+\.[A-Za-z0-9.]+(/[A-Za-z0-9]+)+$`)
	locationRE = regexp.MustCompile(`^[a-z0-9]{2,40}$`)
	suffixRE   = regexp.MustCompile(`^[a-z0-9-]{0,24}$`)
	ruleIDRE   = regexp.MustCompile(`(?i)^ATG-[A-Z]+-[0-9]{3}$`)
)

// MaxListItems bounds every list in a request.
const MaxListItems = 1000

// FieldErrors is a validation failure: field (JSON path) -> what is wrong with it. The service
// answers it as 400 invalid_request with the fields in details.
type FieldErrors map[string]string

func (f FieldErrors) Error() string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+": "+f[k])
	}
	return "invalid request: " + strings.Join(parts, "; ")
}

type fieldErrors = FieldErrors

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return f
}

func (f fieldErrors) guid(name, v string, required bool) string {
	if v == "" {
		if required {
			f[name] = "required"
		}
		return ""
	}
	if !guidRE.MatchString(v) {
		f[name] = "must be a GUID"
		return v
	}
	return strings.ToLower(v)
}

func (f fieldErrors) list(name string, vs []string, re *regexp.Regexp, what string, norm func(string) string) []string {
	if len(vs) > MaxListItems {
		f[name] = fmt.Sprintf("at most %d items", MaxListItems)
		return vs
	}
	out := make([]string, 0, len(vs))
	seen := map[string]bool{}
	for i, v := range vs {
		if !re.MatchString(v) {
			f[fmt.Sprintf("%s[%d]", name, i)] = "must be " + what
			continue
		}
		if norm != nil {
			v = norm(v)
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (f fieldErrors) guids(name string, vs []string) []string {
	return f.list(name, vs, guidRE, "a GUID", strings.ToLower)
}

func (f fieldErrors) target(t *Target, needSub bool) *Target {
	if t == nil {
		if needSub {
			f["target.tenant_id"] = "required"
			f["target.subscription_id"] = "required"
		}
		return nil
	}
	n := *t
	n.TenantID = f.guid("target.tenant_id", t.TenantID, needSub)
	n.SubscriptionID = f.guid("target.subscription_id", t.SubscriptionID, needSub)
	if t.Location != "" {
		n.Location = strings.ToLower(strings.ReplaceAll(t.Location, " ", ""))
		if !locationRE.MatchString(n.Location) {
			f["target.location"] = "must be an Azure region name such as westeurope"
		}
	}
	if !suffixRE.MatchString(t.NameSuffix) {
		f["target.name_suffix"] = "must be at most 24 of a-z, 0-9 and '-'"
	}
	return &n
}

func boolPtr(b bool) *bool { return &b }

// Validate checks and normalises the request (GUIDs lower-cased, defaults filled in).
func (q *ScanRequest) Validate() error {
	f := fieldErrors{}
	q.TenantID = f.guid("tenant_id", q.TenantID, true)
	q.SubscriptionIDs = f.guids("subscription_ids", q.SubscriptionIDs)
	q.ResourceGroups = f.list("resource_groups", q.ResourceGroups, rgRE, "a resource group name", nil)
	if q.IncludeIdentities == nil {
		q.IncludeIdentities = boolPtr(true)
	}
	if q.IncludeRBAC == nil {
		q.IncludeRBAC = boolPtr(true)
	}
	return f.err()
}

// IaCFormats are the accepted generate-iac formats.
var IaCFormats = []string{"terraform", "bicep", "arm"}

// Validate checks and normalises the request.
func (q *GenerateIaCRequest) Validate() error {
	f := fieldErrors{}
	q.TenantID = f.guid("tenant_id", q.TenantID, true)
	switch q.Format = strings.ToLower(q.Format); q.Format {
	case "terraform", "bicep", "arm":
	case "":
		f["format"] = "required: one of terraform, bicep, arm"
	default:
		f["format"] = "must be one of terraform, bicep, arm"
	}
	q.ResourceGroups = f.list("resource_groups", q.ResourceGroups, rgRE, "a resource group name", nil)
	q.Types = f.list("types", q.Types, armTypeRE, "an ARM type such as Microsoft.Network/virtualNetworks", nil)
	q.Target = f.target(q.Target, false)
	return f.err()
}

// Validate checks and normalises the request.
func (q *PostureRequest) Validate() error {
	f := fieldErrors{}
	q.TenantID = f.guid("tenant_id", q.TenantID, true)
	q.Rules = f.list("rules", q.Rules, ruleIDRE, "a rule id such as ATG-NET-001", strings.ToUpper)
	if q.MaxPaths < -1 || q.MaxPaths > 5000 {
		f["max_paths"] = "must be -1 (no path search), 0 (default 200) or up to 5000"
	}
	return f.err()
}

// Validate checks and normalises the request.
func (q *CreateTenantRequest) Validate() error {
	f := fieldErrors{}
	spec := bytes.TrimSpace(q.Spec)
	hasSpec := len(spec) > 0 && !bytes.Equal(spec, []byte("null"))
	switch {
	case hasSpec && q.SourceTenantID != "":
		f["spec"] = "give spec or source_tenant_id, not both"
	case !hasSpec && q.SourceTenantID == "":
		f["spec"] = "required: spec or source_tenant_id"
	case hasSpec && spec[0] != '{':
		f["spec"] = "must be an object (the spec's JSON form)"
	}
	if !hasSpec {
		q.Spec = nil
	}
	q.SourceTenantID = f.guid("source_tenant_id", q.SourceTenantID, false)
	q.Target = f.target(q.Target, true)
	return f.err()
}
