package executors

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/replicate"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
)

// TenantExecutor runs create-tenant jobs: plan from a spec or a scanned source tenant, then
// deploy into the target subscription (PUTs are idempotent, so a retried job converges).
// The report is the result and the create-tenant-report.{md,json} artifacts.
type TenantExecutor struct {
	Store     graph.Store
	Endpoints azure.Endpoints
	// Identity is how scans authenticate to the scanned tenant (config azure_client_id,
	// azure_mi_client_id); nil: from the environment.
	Identity *azure.Identity
	Throttle azure.ThrottleOptions
	Logger   *slog.Logger
}

// Run implements Runner.
func (x *TenantExecutor) Run(ctx context.Context, jc *worker.JobContext) (json.RawMessage, error) {
	var req api.CreateTenantRequest
	if err := json.Unmarshal(jc.Request, &req); err != nil || req.Target == nil {
		return nil, errs.Errorf(errs.Invalid, "stored create-tenant request is unreadable")
	}
	t := req.Target
	in := replicate.Input{TargetTenantID: t.TenantID, TargetSubscriptions: []string{t.SubscriptionID}, TargetLocation: t.Location, NameSuffix: t.NameSuffix}
	if len(req.Spec) > 0 {
		// the same check as at submit (a job stored before it existed is checked here)
		s, err := replicate.CheckSpec(ctx, req.Spec, t.TenantID, []string{t.SubscriptionID})
		if err != nil {
			return nil, specError(err)
		}
		in.Model, in.SourceTenantID = s.Model, s.Tenant.ID
	} else {
		in.Store, in.SourceTenantID = x.Store, req.SourceTenantID
	}
	log := jc.Logger
	if log == nil {
		log = x.Logger
	}
	clients, err := azure.NewClients(azure.Options{Endpoints: x.Endpoints, Identity: x.Identity, TenantID: t.TenantID, Throttle: x.Throttle, Logger: log})
	if err != nil {
		return nil, failed(fmt.Errorf("target tenant %s: %w", t.TenantID, err))
	}
	jc.Progress(progressOf("plan", 2, "planning the deployment"))
	plan, err := replicate.MakePlan(ctx, in)
	if err != nil {
		return nil, failed(fmt.Errorf("planning: %w", err)) // a store outage stays unavailable
	}
	rep, derr := replicate.Deploy(ctx, plan, replicate.Options{Azure: clients, DryRun: req.DryRun, Logger: log,
		Progress: func(p replicate.Progress) {
			pct := 5
			if p.Total > 0 {
				pct = 5 + 90*p.Done/p.Total
			}
			jc.Progress(jobs.Progress{Percent: pct, Phase: "deploy", Message: fmt.Sprintf("level %d/%d", p.Level, p.Levels),
				Counts: map[string]int{"done": p.Done, "total": p.Total, "writes": p.Writes}})
		}})
	if rep == nil {
		return nil, fmt.Errorf("deploying: %w", derr)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return nil, fmt.Errorf("encoding report: %w", err)
	}
	if _, err := jc.PutArtifact(ctx, "create-tenant-report.md", "text/markdown; charset=utf-8", strings.NewReader(rep.Markdown())); err != nil {
		return nil, err
	}
	if _, err := jc.PutArtifact(ctx, "create-tenant-report.json", "application/json", strings.NewReader(string(b))); err != nil {
		return nil, err
	}
	if derr != nil {
		return nil, fmt.Errorf("deploying: %w", derr)
	}
	if !rep.OK() {
		err := fmt.Errorf("%d resources failed and %d were blocked (see create-tenant-report.md)", rep.Failed, rep.Blocked)
		if !transientFailures(rep) {
			// bad references, invalid bodies: a redelivery would fail the same way. (A transient
			// failure is retried; Deploy reads before it writes, so a retry resumes.)
			return nil, errs.Wrap(errs.Failed, err, err.Error())
		}
		return nil, err
	}
	return b, nil
}

// transientCodes are failure codes a later attempt may not see (throttling, outages,
// cancellation, operations still settling).
var transientCodes = map[string]bool{
	"TooManyRequests": true, "Too Many Requests": true, "InternalServerError": true, "Internal Server Error": true,
	"ServiceUnavailable": true, "Service Unavailable": true, "GatewayTimeout": true, "Gateway Timeout": true,
	"Bad Gateway": true, "Timeout": true, "TransportError": true, "Canceled": true, "RetryableError": true,
	"AnotherOperationInProgress": true, "PrincipalNotFound": true, "ReferencedResourceNotProvisioned": true,
	"Conflict": true,
}

// transientFailures reports whether any failed resource of rep failed for a reason that can
// go away.
func transientFailures(rep *replicate.Report) bool {
	for _, r := range rep.Results {
		if r.Action == replicate.ActionFail && (r.Code == "" || transientCodes[r.Code]) {
			return true
		}
	}
	return false
}
