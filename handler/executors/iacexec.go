package executors

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/atg-go/atg/api"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/worker"
)

// IaCExecutor runs generate-iac jobs with the same engine call as `atg generate-iac`
// (iac.GenerateToDir) and stores the files as one zip artifact, `iac-<format>.zip`.
type IaCExecutor struct {
	Store graph.Store
}

// IaCResult is the result of a generate-iac job.
type IaCResult struct {
	TenantID string      `json:"tenant_id"`
	Artifact string      `json:"artifact"`
	Files    int         `json:"files"`
	Summary  iac.Summary `json:"summary"`
}

// Run implements Runner.
func (x *IaCExecutor) Run(ctx context.Context, jc *worker.JobContext) (json.RawMessage, error) {
	var req api.GenerateIaCRequest
	if err := json.Unmarshal(jc.Request, &req); err != nil {
		return nil, errs.Wrap(errs.Invalid, err, "stored generate-iac request is unreadable")
	}
	f, err := iac.ParseFormat(req.Format)
	if err != nil {
		return nil, errs.Wrap(errs.Invalid, err, err.Error())
	}
	var tr translate.Options
	if t := req.Target; t != nil {
		tr = translate.Options{TargetTenantID: t.TenantID, TargetSubscription: t.SubscriptionID, TargetLocation: t.Location, NameSuffix: t.NameSuffix}
		tr.UniqueNames = t.TenantID != "" || t.SubscriptionID != ""
	}
	dir, err := os.MkdirTemp("", "atg-iac-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	jc.Progress(progressOf("generate", 10, "building the model from the graph"))
	res, err := iac.GenerateToDir(ctx, x.Store, req.TenantID, f, dir, model.Filter{ResourceGroups: req.ResourceGroups, Types: req.Types}, tr, true)
	if err != nil {
		return nil, failed(err) // deterministic for this graph and request, unless the store is unavailable
	}
	jc.Progress(progressOf("upload", 90, "storing the files"))
	name := "iac-" + string(f) + ".zip"
	pr, pw := io.Pipe()
	count := make(chan int, 1)
	go func() {
		n, err := zipDir(pw, dir)
		count <- n
		pw.CloseWithError(err)
	}()
	if _, err := jc.PutArtifact(ctx, name, "application/zip", pr); err != nil {
		pr.CloseWithError(err)
		<-count
		return nil, fmt.Errorf("storing %s: %w", name, err)
	}
	b, err := json.Marshal(IaCResult{TenantID: req.TenantID, Artifact: name, Files: <-count, Summary: res.Summary})
	if err != nil {
		return nil, fmt.Errorf("encoding result: %w", err)
	}
	return b, nil
}

// zipDir writes every regular file under dir into a zip stream, with slash-separated
// relative names in walk (lexical) order.
func zipDir(w io.Writer, dir string) (int, error) {
	zw := zip.NewWriter(w)
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		out, err := zw.Create(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, f); err != nil {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("zipping %s: %w", dir, err)
	}
	return n, zw.Close()
}
