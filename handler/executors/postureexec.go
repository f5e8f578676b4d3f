package executors

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/posture"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/worker"
)

// PostureExecutor runs posture jobs with the same engine call as `atg posture`
// (posture.Assess) and stores the report in the three formats as artifacts.
type PostureExecutor struct {
	Store graph.Store
}

// PostureResult is the result of a posture job.
type PostureResult struct {
	TenantID  string                   `json:"tenant_id"`
	RulesRun  int                      `json:"rules_run"`
	Findings  int                      `json:"findings"`
	Summary   map[posture.Severity]int `json:"summary"`
	Paths     int                      `json:"attack_paths"`
	Artifacts []string                 `json:"artifacts"`
}

// Run implements Runner.
func (x *PostureExecutor) Run(ctx context.Context, jc *worker.JobContext) (json.RawMessage, error) {
	var req api.PostureRequest
	if err := json.Unmarshal(jc.Request, &req); err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "stored posture request is unreadable")
	}
	for _, id := range req.Rules {
		if _, ok := posture.RuleByID(id); !ok {
			return nil, errs.Errorf(errs.Invalid, "unknown rule %q", id)
		}
	}
	jc.Progress(progressOf("assess", 10, "evaluating the rules and searching attack paths"))
	rep, err := posture.Assess(ctx, x.Store, req.TenantID, posture.Options{Rules: req.Rules, MaxPaths: req.MaxPaths})
	if errors.Is(err, graph.ErrNotFound) {
		return nil, errs.Wrap(errs.NotFound, err, fmt.Sprintf("tenant %s has no graph; scan it first", req.TenantID))
	}
	if err != nil {
		return nil, err // coded by the engine and the store (unavailable is redelivered)
	}
	jc.Progress(progressOf("upload", 80, "storing the reports"))
	res := PostureResult{TenantID: req.TenantID, RulesRun: rep.RulesRun, Findings: len(rep.Findings), Summary: rep.Summary, Paths: len(rep.Paths)}
	for _, f := range posture.Formats {
		var buf bytes.Buffer
		if err := rep.Write(&buf, f); err != nil {
			return nil, fmt.Errorf("rendering %s: %w", f, err)
		}
		name := posture.FileName(f)
		ct := map[string]string{"md": "text/markdown; charset=utf-8", "json": "application/json", "sarif": "application/sarif+json"}[f]
		if _, err := jc.PutArtifact(ctx, name, ct, &buf); err != nil {
			return nil, fmt.Errorf("storing %s: %w", name, err)
		}
		res.Artifacts = append(res.Artifacts, name)
	}
	b, err := json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("encoding result: %w", err)
	}
	return b, nil
}
