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
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/streaming"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"golang.org/x/sync/errgroup"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Options tune a deployment.
type Options struct {
	// Azure are the target tenant's clients (endpoints, credential, retry/throttle policy).
	Azure *azure.Clients
	// Concurrency bounds the writes in flight within a level; default 8. ARM's write budget
	// (x-ms-ratelimit-remaining-subscription-writes) paces them further.
	Concurrency int
	// DryRun reads the target and reports what would be created, updated or left alone.
	DryRun bool
	// PollFrequency is the long-running-operation poll interval when the service sends no
	// Retry-After; default 2s.
	PollFrequency time.Duration
	// SettleWait is the first wait before retrying a PUT that Azure refuses only for a while
	// (settleCodes: a principal not replicated yet, another operation in progress, a referenced
	// resource still provisioning); it doubles, four retries; default 2s.
	SettleWait time.Duration
	Logger     *slog.Logger
	// Progress is called after each resource, serially.
	Progress func(Progress)
}

// Progress is reported while a deployment runs.
type Progress struct {
	Level  int `json:"level"`
	Levels int `json:"levels"`
	Done   int `json:"done"`
	Total  int `json:"total"`
	// Writes counts PUTs sent so far.
	Writes int    `json:"writes"`
	Last   Result `json:"last"`
}

// Action is what happened (or, in a dry run, would happen) to one resource.
type Action string

const (
	ActionCreate  Action = "create"
	ActionUpdate  Action = "update"
	ActionSkip    Action = "skip" // exists identically
	ActionFail    Action = "fail"
	ActionBlocked Action = "blocked" // a dependency failed
)

// Result is one resource's outcome.
type Result struct {
	Key      string   `json:"key"`
	SourceID string   `json:"source_id"`
	TargetID string   `json:"target_id"`
	Type     string   `json:"type"`
	Level    int      `json:"level"`
	Action   Action   `json:"action"`
	Reason   string   `json:"reason,omitempty"`
	Code     string   `json:"code,omitempty"`    // ARM error code of a failure
	Message  string   `json:"message,omitempty"` // ARM error message of a failure
	Diff     []string `json:"diff,omitempty"`    // differing paths of an update
	MS       int64    `json:"duration_ms"`
}

type deployer struct {
	plan   *Plan
	opts   Options
	log    *slog.Logger
	pl     runtime.Pipeline
	armEP  string
	rv     *resolver
	rgs    map[string]*armresources.ResourceGroupsClient
	rgMu   sync.Mutex
	mu     sync.Mutex
	status map[string]Action
	bodies map[string]map[string]any
	kids   map[string][]string // key -> child collection property names
	done   int
	writes int
	report *Report
}

// Deploy deploys the plan: resource groups first, then each dependency level in order, the
// resources of a level in parallel. A resource whose dependency failed is blocked, the rest
// still deploys. The report lists every resource's action; the error is non-nil only when the
// deployment could not run (or was cancelled) — failures of single resources are in the report.
func Deploy(ctx context.Context, p *Plan, o Options) (*Report, error) {
	if p == nil || p.model == nil {
		return nil, errors.New("deploy: empty plan")
	}
	if o.Azure == nil {
		return nil, errors.New("deploy: target clients are required")
	}
	for _, it := range p.Items { // every id is parsed and under a target subscription before any request
		if err := p.checkTarget(it); err != nil {
			return nil, fmt.Errorf("deploy: %w", err)
		}
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.PollFrequency <= 0 {
		o.PollFrequency = 2 * time.Second
	}
	if o.SettleWait <= 0 {
		o.SettleWait = 2 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	ac, err := arm.NewClient("atg-create-tenant", "v0.0.0", o.Azure.Credential, o.Azure.ARMOptions())
	if err != nil {
		return nil, fmt.Errorf("deploy: ARM client: %w", err)
	}
	d := &deployer{plan: p, opts: o, log: o.Logger, pl: ac.Pipeline(), armEP: o.Azure.Endpoints.ARM,
		rgs: map[string]*armresources.ResourceGroupsClient{}, status: map[string]Action{}, bodies: map[string]map[string]any{},
		kids: map[string][]string{}}
	d.rv = &resolver{plan: p, secrets: &secrets{}, dryRun: o.DryRun, deployed: func(k string) map[string]any {
		d.mu.Lock()
		defer d.mu.Unlock()
		return d.bodies[k]
	}}
	for _, it := range p.Items {
		if it.res.Parent != "" {
			ts := it.res.TypeSegments()
			d.kids[it.res.Parent] = append(d.kids[it.res.Parent], ts[len(ts)-1])
		}
	}
	d.report = newReport(p, o.DryRun)
	counter := &azure.Counter{}
	ctx = azure.WithCounter(ctx, counter)
	start := time.Now()
	var runErr error
	for level := 0; level <= p.Levels; level++ {
		if err := ctx.Err(); err != nil {
			runErr = err
			break
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(o.Concurrency)
		for _, it := range p.Items {
			if it.Level != level {
				continue
			}
			g.Go(func() error {
				if gctx.Err() != nil {
					return nil
				}
				res := d.safeOne(gctx, it)
				if gctx.Err() != nil && (res.Action == ActionFail) {
					return nil // cancelled mid-flight: neither done nor failed; a re-run picks it up
				}
				d.record(res)
				return nil
			})
		}
		_ = g.Wait()
		if err := ctx.Err(); err != nil {
			runErr = err
			break
		}
	}
	st := counter.Snapshot()
	d.report.APICalls = st.Map()
	d.report.Throttled = st.Throttled
	d.report.DurationS = time.Since(start).Seconds()
	d.report.finish()
	if runErr != nil {
		d.report.Cancelled = true
		return d.report, fmt.Errorf("deployment interrupted after %d of %d resources: %w", d.done, len(p.Items), runErr)
	}
	return d.report, nil
}

func (d *deployer) record(r Result) {
	d.mu.Lock()
	d.status[r.Key] = r.Action
	d.done++
	d.report.add(r)
	pr := Progress{Level: r.Level, Levels: d.plan.Levels, Done: d.done, Total: len(d.plan.Items), Writes: d.writes, Last: r}
	if d.opts.Progress != nil {
		d.opts.Progress(pr)
	}
	d.mu.Unlock()
	lvl := slog.LevelDebug
	if r.Action == ActionFail {
		lvl = slog.LevelWarn
	}
	d.log.Log(context.Background(), lvl, "create-tenant: resource", "id", r.TargetID, "action", r.Action, "code", r.Code, "reason", r.Reason)
}

// safeOne is one under a recover: a panic (a bug) fails that resource, not the process.
func (d *deployer) safeOne(ctx context.Context, it *Item) (res Result) {
	defer func() {
		if v := recover(); v != nil {
			d.log.Error("create-tenant: panic deploying a resource", "key", it.Key, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			res = Result{Key: it.Key, SourceID: it.SourceID, TargetID: it.TargetID, Type: it.Type, Level: it.Level,
				Action: ActionFail, Code: "InternalError", Message: "internal error (a bug); the log has the stack"}
		}
	}()
	return d.one(ctx, it)
}

// one deploys (or plans) one resource.
func (d *deployer) one(ctx context.Context, it *Item) Result {
	start := time.Now()
	res := Result{Key: it.Key, SourceID: it.SourceID, TargetID: it.TargetID, Type: it.Type, Level: it.Level}
	defer func() { res.MS = time.Since(start).Milliseconds() }()
	d.mu.Lock()
	for _, dep := range it.DependsOn {
		if s := d.status[dep]; s == ActionFail || s == ActionBlocked {
			d.mu.Unlock()
			res.Action, res.Reason = ActionBlocked, "depends on "+d.plan.byKey[dep].TargetID+", which "+map[Action]string{ActionFail: "failed", ActionBlocked: "is blocked"}[s]
			return res
		}
	}
	d.mu.Unlock()
	want, err := d.rv.resolve(it)
	if err != nil {
		res.Action, res.Code, res.Message = ActionFail, "UnresolvedReference", err.Error()
		return res
	}
	if bad := d.plan.untranslated(want.body); bad != "" {
		res.Action, res.Code = ActionFail, "UntranslatedReference"
		res.Message = "the body still points into a source subscription: " + bad
		return res
	}
	got, exists, err := d.get(ctx, it)
	if err != nil {
		res.Action = ActionFail
		res.Code, res.Message = armError(err)
		return res
	}
	if exists {
		diffs := diff(want.body, got, append(want.secretPaths, want.generatedPaths...))
		if len(diffs) == 0 && want.unresolved == "" {
			d.keep(it.Key, got)
			res.Action, res.Reason = ActionSkip, "exists identically"
			return res
		}
		res.Action, res.Diff = ActionUpdate, diffs
		res.Reason = "exists with different writable properties"
		if want.unresolved != "" && len(diffs) == 0 {
			res.Reason = "depends on " + want.unresolved + ", known after deployment"
		}
		// an update must not drop child resources declared separately, nor reset secrets
		if props, ok := want.body["properties"].(map[string]any); ok {
			gp, _ := got["properties"].(map[string]any)
			for _, c := range d.kids[it.Key] {
				if _, has := props[c]; !has {
					if v, ok := lookupFold(gp, c); ok {
						props[c] = v
					}
				}
			}
		}
		for _, p := range want.secretPaths {
			jsonpath.Delete(want.body, p)
		}
		for _, p := range want.generatedPaths {
			if v := jsonpath.Get(got, p); v != nil {
				jsonpath.Set(want.body, p, v)
			}
		}
	} else {
		res.Action, res.Reason = ActionCreate, "not in the target"
	}
	if d.opts.DryRun {
		if exists {
			d.keep(it.Key, got)
		}
		return res
	}
	body, err := d.put(ctx, it, want.body)
	for wait := d.opts.SettleWait; err != nil && wait <= 8*d.opts.SettleWait; wait *= 2 {
		code, _ := armError(err)
		if !settleCodes[code] {
			break
		}
		d.log.Debug("create-tenant: target not settled, retrying", "id", it.TargetID, "code", code, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			res.Action, res.Code, res.Message = ActionFail, "Canceled", ctx.Err().Error()
			return res
		case <-t.C:
		}
		body, err = d.put(ctx, it, want.body)
	}
	if err != nil {
		code, msg := armError(err)
		if code == "RoleAssignmentExists" {
			res.Action, res.Reason = ActionSkip, "exists (same principal, role and scope)"
			return res
		}
		res.Action, res.Code, res.Message = ActionFail, code, msg
		return res
	}
	d.keep(it.Key, body)
	return res
}

func (d *deployer) keep(key string, body map[string]any) {
	d.mu.Lock()
	d.bodies[key] = body
	d.mu.Unlock()
}

func (d *deployer) rgClient(sub string) (*armresources.ResourceGroupsClient, error) {
	d.rgMu.Lock()
	defer d.rgMu.Unlock()
	if c := d.rgs[sub]; c != nil {
		return c, nil
	}
	c, err := armresources.NewResourceGroupsClient(sub, d.opts.Azure.Credential, d.opts.Azure.ARMOptions())
	if err != nil {
		return nil, fmt.Errorf("resource groups client: %w", err)
	}
	d.rgs[sub] = c
	return c, nil
}

// get reads the target resource; exists is false on 404.
func (d *deployer) get(ctx context.Context, it *Item) (map[string]any, bool, error) {
	if it.res.IsResourceGroup() {
		c, err := d.rgClient(it.tid.Subscription)
		if err != nil {
			return nil, false, err
		}
		resp, err := c.Get(ctx, it.tid.ResourceGroup, nil)
		if err != nil {
			if isNotFound(err) {
				return nil, false, nil
			}
			return nil, false, err
		}
		out := map[string]any{}
		if resp.Location != nil {
			out["location"] = *resp.Location
		}
		tags := map[string]any{}
		for k, v := range resp.Tags {
			if v != nil {
				tags[k] = *v
			}
		}
		out["tags"] = tags
		return out, true, nil
	}
	var out map[string]any
	err := d.do(ctx, http.MethodGet, it.TargetID, it.APIVersion, nil, &out, nil)
	if err != nil {
		if isNotFound(err) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return out, true, nil
}

// put creates or updates the resource and waits for a long-running operation to finish.
//
// Resource groups go through armresources.ResourceGroupsClient. Other resources are PUT through
// the same azcore ARM pipeline armresources.Client uses (credential, retry/throttle policy) with
// runtime.NewPoller for the long-running ones — what Client.BeginCreateOrUpdateByID does — but
// with the body as JSON: armresources.GenericResource has no zones field, and availability zones
// (public IPs, VMs, disks, node pools) must not be dropped.
func (d *deployer) put(ctx context.Context, it *Item, body map[string]any) (map[string]any, error) {
	d.mu.Lock()
	d.writes++
	d.mu.Unlock()
	if it.res.IsResourceGroup() {
		c, err := d.rgClient(it.tid.Subscription)
		if err != nil {
			return nil, err
		}
		loc, _ := body["location"].(string)
		rg := armresources.ResourceGroup{Location: &loc, Tags: map[string]*string{}}
		if tags, ok := body["tags"].(map[string]any); ok {
			for k, v := range tags {
				s := fmt.Sprint(v)
				rg.Tags[k] = &s
			}
		}
		if _, err := c.CreateOrUpdate(ctx, it.tid.ResourceGroup, rg, nil); err != nil {
			return nil, err
		}
		return body, nil
	}
	var out map[string]any
	err := d.do(ctx, http.MethodPut, it.TargetID, it.APIVersion, body, &out, func(resp *http.Response) error {
		if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusAccepted {
			return nil
		}
		if resp.Header.Get("Azure-AsyncOperation") == "" && resp.Header.Get("Location") == "" && resp.Header.Get("Operation-Location") == "" {
			return nil
		}
		for _, h := range []string{"Azure-AsyncOperation", "Location", "Operation-Location"} {
			if v := resp.Header.Get(h); v != "" {
				if err := azure.SameOrigin(d.armEP, v); err != nil {
					return fmt.Errorf("long-running operation %s header: %w", h, err)
				}
			}
		}
		poller, err := runtime.NewPoller[map[string]any](resp, d.pl, nil)
		if err != nil {
			return fmt.Errorf("long-running operation: %w", err)
		}
		res, err := poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: d.opts.PollFrequency})
		if err != nil {
			return err
		}
		out = res
		return errHandled
	})
	if errors.Is(err, errHandled) {
		err = nil
	}
	return out, err
}

var errHandled = errors.New("handled")

// settleCodes are ARM error codes that go away by themselves: a principal created moments ago (a
// managed identity, --create-identities) that Entra has not replicated yet, a parent busy with
// another operation, a referenced resource still provisioning.
var settleCodes = map[string]bool{
	"PrincipalNotFound":                true,
	"AnotherOperationInProgress":       true,
	"ReferencedResourceNotProvisioned": true,
	"RetryableError":                   true,
}

// do sends one ARM request through the target pipeline. onResp, when set, sees a 2xx response
// first (long-running operations); returning errHandled stops the default decoding.
func (d *deployer) do(ctx context.Context, method, id, apiVersion string, body any, out any, onResp func(*http.Response) error) error {
	u, err := azure.BuildARMURL(d.armEP, id, apiVersion, nil)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, id, err)
	}
	req, err := runtime.NewRequest(ctx, method, u)
	if err != nil {
		return fmt.Errorf("building %s %s: %w", method, id, err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encoding body of %s: %w", id, err)
		}
		if err := req.SetBody(streaming.NopCloser(bytes.NewReader(b)), "application/json"); err != nil {
			return err
		}
	}
	resp, err := d.pl.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, id, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return runtime.NewResponseError(resp)
	}
	defer resp.Body.Close()
	if onResp != nil {
		if err := onResp(resp); err != nil {
			return err
		}
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("reading %s %s: %w", method, id, err)
	}
	if len(bytes.TrimSpace(b)) == 0 || out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decoding %s %s: %w", method, id, err)
	}
	return nil
}

func isNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// armError returns ARM's error code and message for err.
func armError(err error) (string, string) {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		code := re.ErrorCode
		msg := ""
		if re.RawResponse != nil && re.RawResponse.Body != nil {
			b, _ := runtime.Payload(re.RawResponse) // buffered: safe to read again
			var e struct {
				Error struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if json.Unmarshal(b, &e) == nil {
				if code == "" {
					code = e.Error.Code
				}
				msg = e.Error.Message
			}
		}
		if code == "" {
			code = http.StatusText(re.StatusCode)
		}
		if msg == "" {
			msg = fmt.Sprintf("HTTP %d", re.StatusCode)
		}
		return code, msg
	}
	_, code := azure.ErrorCode(err)
	return code, strings.TrimSpace(err.Error())
}
