package replicate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
)

// Principal is a source Entra object to recreate.
type Principal struct {
	ID           string   `json:"id"`
	Kind         string   `json:"kind"` // user | group | servicePrincipal
	DisplayName  string   `json:"display_name,omitempty"`
	UPN          string   `json:"user_principal_name,omitempty"`
	MailNickname string   `json:"mail_nickname,omitempty"`
	Description  string   `json:"description,omitempty"`
	Members      []string `json:"members,omitempty"` // groups: member object ids
}

// SourcePrincipals reads the users and groups (with members) of a scanned tenant.
func SourcePrincipals(ctx context.Context, store graph.Store, tenantID string) ([]Principal, error) {
	var out []Principal
	err := store.Nodes(ctx, tenantID, graph.NodeQuery{Labels: []graph.Label{graph.LabelUser, graph.LabelGroup}}, func(n graph.Node) error {
		p := Principal{ID: strings.ToLower(n.ID), DisplayName: str(n.Props, "display_name")}
		switch n.Label {
		case graph.LabelUser:
			p.Kind, p.UPN = "user", str(n.Props, "user_principal_name")
		case graph.LabelGroup:
			p.Kind, p.MailNickname, p.Description = "group", str(n.Props, "mail_nickname"), str(n.Props, "description")
			if ms, ok := n.Props["members"].([]any); ok {
				for _, m := range ms {
					if mm, ok := m.(map[string]any); ok && str(mm, "id") != "" {
						p.Members = append(p.Members, strings.ToLower(str(mm, "id")))
					}
				}
			}
		}
		out = append(out, p)
		return ctx.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("read identities of tenant %s: %w", tenantID, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// IdentityOptions configure CreateIdentities.
type IdentityOptions struct {
	Azure      *azure.Clients // target tenant
	Principals []Principal
	// Existing is a previous identity map (source id -> target id); its entries are kept.
	Existing map[string]string
	Logger   *slog.Logger
}

// IdentityReport says what CreateIdentities did. Passwords are never part of it.
type IdentityReport struct {
	TargetDomain        string            `json:"target_domain"`
	UsersCreated        int               `json:"users_created"`
	UsersExisting       int               `json:"users_existing"`
	GroupsCreated       int               `json:"groups_created"`
	GroupsExisting      int               `json:"groups_existing"`
	MembershipsAdded    int               `json:"memberships_added"`
	MembershipsExisting int               `json:"memberships_existing"`
	NotCreated          []string          `json:"not_created,omitempty"` // e.g. service principals of applications
	Failures            []Result          `json:"failures"`
	APICalls            map[string]int    `json:"api_calls"`
	Map                 map[string]string `json:"-"`
}

// CreateIdentities creates the source's groups (with memberships) and users in the target tenant
// through MS Graph: users disabled, with random passwords that are never shown or stored. It is
// idempotent: objects are looked up (users by userPrincipalName, groups by mailNickname) before
// they are created, and existing memberships are left alone. The returned map (source object id
// -> target object id) feeds translation, so role assignments replicate.
func CreateIdentities(ctx context.Context, o IdentityOptions) (*IdentityReport, error) {
	if o.Azure == nil {
		return nil, errors.New("create identities: target clients are required")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	g, err := newGraphClient(o.Azure)
	if err != nil {
		return nil, err
	}
	rep := &IdentityReport{Map: map[string]string{}, Failures: []Result{}}
	counter := &azure.Counter{}
	ctx = azure.WithCounter(ctx, counter)
	defer func() { rep.APICalls = counter.Snapshot().Map() }()
	for k, v := range o.Existing {
		rep.Map[strings.ToLower(k)] = v
	}
	var org struct {
		Value []struct {
			VerifiedDomains []struct {
				Name      string `json:"name"`
				IsDefault bool   `json:"isDefault"`
			} `json:"verifiedDomains"`
		} `json:"value"`
	}
	if err := g.do(ctx, http.MethodGet, "/v1.0/organization", nil, &org); err != nil {
		return nil, fmt.Errorf("read target organization: %w", err)
	}
	for _, v := range org.Value {
		for _, d := range v.VerifiedDomains {
			if d.IsDefault || rep.TargetDomain == "" {
				rep.TargetDomain = d.Name
			}
		}
	}
	if rep.TargetDomain == "" {
		return nil, errors.New("target tenant reports no verified domain")
	}
	fail := func(p Principal, err error) {
		code, msg := armError(err)
		rep.Failures = append(rep.Failures, Result{Key: p.ID, SourceID: p.ID, Type: p.Kind, Action: ActionFail, Code: code, Message: msg})
		o.Logger.Warn("create-tenant: identity failed", "source", p.ID, "kind", p.Kind, "code", code)
	}
	// groups and users first, memberships after (members may be either)
	for _, p := range o.Principals {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if _, ok := rep.Map[p.ID]; ok {
			switch p.Kind {
			case "user":
				rep.UsersExisting++
			case "group":
				rep.GroupsExisting++
			}
			continue
		}
		switch p.Kind {
		case "user":
			id, created, err := g.ensureUser(ctx, p, rep.TargetDomain)
			if err != nil {
				fail(p, err)
				continue
			}
			rep.Map[p.ID] = id
			if created {
				rep.UsersCreated++
			} else {
				rep.UsersExisting++
			}
		case "group":
			id, created, err := g.ensureGroup(ctx, p)
			if err != nil {
				fail(p, err)
				continue
			}
			rep.Map[p.ID] = id
			if created {
				rep.GroupsCreated++
			} else {
				rep.GroupsExisting++
			}
		default:
			rep.NotCreated = append(rep.NotCreated, p.ID)
		}
	}
	for _, p := range o.Principals {
		if p.Kind != "group" || len(p.Members) == 0 {
			continue
		}
		gid, ok := rep.Map[p.ID]
		if !ok {
			continue
		}
		have := map[string]bool{}
		err := g.list(ctx, "/v1.0/groups/"+url.PathEscape(gid)+"/members?$select=id&$top=999", func(m map[string]any) {
			have[strings.ToLower(str(m, "id"))] = true
		})
		if err != nil {
			fail(p, err)
			continue
		}
		for _, m := range p.Members {
			tid, ok := rep.Map[m]
			if !ok {
				continue // a member we did not recreate (service principal, out of scope)
			}
			if have[strings.ToLower(tid)] {
				rep.MembershipsExisting++
				continue
			}
			body := map[string]any{"@odata.id": g.ep + "/v1.0/directoryObjects/" + tid}
			if err := g.do(ctx, http.MethodPost, "/v1.0/groups/"+url.PathEscape(gid)+"/members/$ref", body, nil); err != nil {
				if _, msg := armError(err); strings.Contains(msg, "already exist") {
					rep.MembershipsExisting++
					continue
				}
				fail(Principal{ID: p.ID + "/members/" + m, Kind: "membership"}, err)
				continue
			}
			rep.MembershipsAdded++
		}
	}
	sort.Strings(rep.NotCreated)
	return rep, nil
}

type graphClient struct {
	pl runtime.Pipeline
	ep string
}

// newGraphClient builds the MS Graph pipeline the scanner uses: the same endpoint, credential and
// retry/throttle policy.
func newGraphClient(c *azure.Clients) (*graphClient, error) {
	ep := c.Endpoints.WithDefaults()
	opts := c.ARMOptions().ClientOptions
	c.Throttle.Configure(&opts, true)
	opts.InsecureAllowCredentialWithHTTP = azure.IsLoopback(ep.MSGraph)
	bearer := runtime.NewBearerTokenPolicy(c.Credential, []string{ep.GraphScope()},
		&policy.BearerTokenOptions{InsecureAllowCredentialWithHTTP: azure.IsLoopback(ep.MSGraph)})
	pl := runtime.NewPipeline("atg-create-tenant", "v0.0.0", runtime.PipelineOptions{PerRetry: []policy.Policy{bearer}}, &opts)
	return &graphClient{pl: pl, ep: ep.MSGraph}, nil
}

func (g *graphClient) do(ctx context.Context, method, path string, body, out any) error {
	u := path
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		u = g.ep + path
	}
	if err := azure.SameOrigin(g.ep, u); err != nil { // a nextLink or a crafted id never carries the token elsewhere
		return fmt.Errorf("%s %s: %w", method, strings.SplitN(path, "?", 2)[0], err)
	}
	req, err := runtime.NewRequest(ctx, method, u)
	if err != nil {
		return fmt.Errorf("building %s %s: %w", method, path, err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding body: %w", err)
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(b)), "application/json"); err != nil {
			return err
		}
	}
	resp, err := g.pl.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, strings.SplitN(path, "?", 2)[0], err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return runtime.NewResponseError(resp)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil || out == nil || len(bytes.TrimSpace(b)) == 0 {
		return err
	}
	return json.Unmarshal(b, out)
}

func (g *graphClient) list(ctx context.Context, path string, fn func(map[string]any)) error {
	for path != "" {
		var page struct {
			Value []map[string]any `json:"value"`
			Next  string           `json:"@odata.nextLink"`
		}
		if err := g.do(ctx, http.MethodGet, path, nil, &page); err != nil {
			return err
		}
		for _, v := range page.Value {
			fn(v)
		}
		path = page.Next
	}
	return nil
}

// find returns the id of the first object of collection whose field equals value, or "".
func (g *graphClient) find(ctx context.Context, collection, field, value string) (string, error) {
	q := url.Values{}
	q.Set("$filter", field+" eq '"+strings.ReplaceAll(value, "'", "''")+"'")
	q.Set("$select", "id")
	var id string
	err := g.list(ctx, "/v1.0/"+collection+"?"+strings.ReplaceAll(q.Encode(), "+", "%20"), func(m map[string]any) {
		if id == "" {
			id = str(m, "id")
		}
	})
	return id, err
}

func mailNickname(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		out = "atg"
	}
	return out[:min(len(out), 64)]
}

func (g *graphClient) ensureUser(ctx context.Context, p Principal, domain string) (string, bool, error) {
	local := p.UPN
	if i := strings.LastIndexByte(local, '@'); i >= 0 {
		local = local[:i]
	}
	if local == "" {
		local = p.DisplayName
	}
	local = mailNickname(strings.ReplaceAll(local, "#EXT#", ""))
	upn := local + "@" + domain
	if id, err := g.find(ctx, "users", "userPrincipalName", upn); err != nil || id != "" {
		return id, false, err
	}
	pw, err := GeneratePassword(24)
	if err != nil {
		return "", false, err
	}
	body := map[string]any{"accountEnabled": false, "displayName": orDefault(p.DisplayName, local), "mailNickname": local,
		"userPrincipalName": upn, "passwordProfile": map[string]any{"forceChangePasswordNextSignIn": true, "password": pw}}
	var out map[string]any
	if err := g.do(ctx, http.MethodPost, "/v1.0/users", body, &out); err != nil {
		// a retried POST may have created it already
		if id, ferr := g.find(ctx, "users", "userPrincipalName", upn); ferr == nil && id != "" {
			return id, false, nil
		}
		return "", false, err
	}
	return str(out, "id"), true, nil
}

func (g *graphClient) ensureGroup(ctx context.Context, p Principal) (string, bool, error) {
	nick := mailNickname(orDefault(p.MailNickname, p.DisplayName))
	if id, err := g.find(ctx, "groups", "mailNickname", nick); err != nil || id != "" {
		return id, false, err
	}
	body := map[string]any{"displayName": orDefault(p.DisplayName, nick), "mailNickname": nick, "mailEnabled": false, "securityEnabled": true}
	if p.Description != "" {
		body["description"] = p.Description
	}
	var out map[string]any
	if err := g.do(ctx, http.MethodPost, "/v1.0/groups", body, &out); err != nil {
		return "", false, err
	}
	return str(out, "id"), true, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// LoadIdentityMap reads an identity map file ({"<source id>": "<target id>"}); a missing file is
// an empty map.
func LoadIdentityMap(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read identity map: %w", err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse identity map %s: %w", path, err)
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
	}
	return out, nil
}

// SaveIdentityMap writes the map (sorted keys, 0600) atomically.
func SaveIdentityMap(path string, m map[string]string) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("write identity map: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write identity map: %w", err)
	}
	return nil
}
