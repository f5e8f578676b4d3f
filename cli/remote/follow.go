package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/atg-go/atg/cli/cmdutil"
)

// Wait polls a job until it finishes, calling onUpdate on every poll. The poll interval starts
// at 500 ms and backs off to 3 s while nothing changes.
func (c *Client) Wait(ctx context.Context, id string, onUpdate func(Job)) (Job, error) {
	interval, last := 500*time.Millisecond, ""
	sleep := c.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	for {
		j, err := c.GetJob(ctx, id)
		if err != nil {
			return j, err
		}
		if onUpdate != nil {
			onUpdate(j)
		}
		if j.Finished() {
			return j, nil
		}
		sig := string(j.Status)
		if j.Progress != nil {
			sig += fmt.Sprintf("|%d|%s|%s", j.Progress.Percent, j.Progress.Phase, j.Progress.Message)
		}
		if sig != last {
			interval, last = 500*time.Millisecond, sig
		} else {
			interval = min(interval*3/2, 3*time.Second)
		}
		if err := sleep(ctx, interval); err != nil {
			return j, err
		}
	}
}

// Reporter shows job progress on stderr: a progress bar on a TTY, a line per change otherwise.
type Reporter struct {
	w    io.Writer
	tty  bool
	bar  *progressbar.ProgressBar
	last string
}

// NewReporter returns a Reporter writing to io.ErrOut.
func NewReporter(ios *cmdutil.IOStreams) *Reporter {
	return &Reporter{w: ios.ErrOut, tty: ios.StderrTTY}
}

// Update renders a job's state.
func (r *Reporter) Update(j Job) {
	desc := string(j.Status)
	pct := 0
	if p := j.Progress; p != nil {
		pct = p.Percent
		if p.Phase != "" {
			desc += " · " + p.Phase
		}
		if p.Message != "" {
			desc += " · " + p.Message
		}
		if len(p.Counts) > 0 {
			keys := make([]string, 0, len(p.Counts))
			for k := range p.Counts {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			parts := make([]string, 0, len(keys))
			for _, k := range keys {
				parts = append(parts, fmt.Sprintf("%s=%d", k, p.Counts[k]))
			}
			desc += " (" + strings.Join(parts, " ") + ")"
		}
	}
	if r.tty {
		if r.bar == nil {
			r.bar = progressbar.NewOptions(100, progressbar.OptionSetWriter(r.w), progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
		}
		r.bar.Describe(j.ID + " " + desc)
		_ = r.bar.Set(pct)
		if j.Finished() {
			_ = r.bar.Finish()
		}
		return
	}
	line := fmt.Sprintf("%s %3d%% %s", j.ID, pct, desc)
	if line != r.last {
		fmt.Fprintln(r.w, line)
		r.last = line
	}
}

// RunOptions controls how a submitted job is followed.
type RunOptions struct {
	NoWait            bool
	OutputDir         string // download artifacts here when set
	CancelOnInterrupt bool
	JSON              bool
	// ExtractZips unpacks downloaded .zip artifacts into OutputDir (after their sha256 was
	// verified) and removes the zip, so the directory holds what a local run writes.
	ExtractZips bool
}

// Outcome is what following a job produced.
type Outcome struct {
	Job       Job             `json:"job"`
	Result    json.RawMessage `json:"result,omitempty"`
	Downloads []Download      `json:"downloads,omitempty"`
}

// Download is one artifact written to disk with its verified hash.
type Download struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	// Extracted lists the files unpacked from a zip artifact (ExtractZips); Path is then gone.
	Extracted []string `json:"extracted,omitempty"`
}

// Submit submits a job (the submit func receives one idempotency key, reused on retries), then
// follows it unless NoWait. On interrupt it leaves the job running and says how to resume
// (or cancels it with CancelOnInterrupt) and returns an error that maps to exit code 130.
func Submit(ctx context.Context, ios *cmdutil.IOStreams, c *Client, submit func(ctx context.Context, idemKey string) (Job, error), o RunOptions) (Outcome, error) {
	j, err := submit(ctx, NewIdempotencyKey())
	if err != nil {
		return Outcome{}, fmt.Errorf("submitting job: %w", err)
	}
	if o.NoWait {
		return Outcome{Job: j}, nil
	}
	fmt.Fprintf(ios.ErrOut, "job %s submitted; following it (Ctrl-C leaves it running)\n", j.ID)
	return Follow(ctx, ios, c, j.ID, o)
}

// FollowPrinted follows job id (Follow) and prints the outcome: with asJSON the whole outcome,
// otherwise "job ID STATUS" and then what text writes. A failed or cancelled job's error is
// returned after the print, any other error instead of it.
func FollowPrinted(ctx context.Context, ios *cmdutil.IOStreams, c *Client, id string, o RunOptions, asJSON bool, text func(Outcome)) error {
	out, err := Follow(ctx, ios, c, id, o)
	if err != nil && !IsJobFailed(err) {
		return err
	}
	if asJSON {
		if perr := cmdutil.PrintJSON(ios.Out, out); perr != nil {
			return perr
		}
		return err
	}
	fmt.Fprintf(ios.Out, "job %s %s\n", out.Job.ID, out.Job.Status)
	text(out)
	return err
}

// Follow waits for a job with progress, fetches its result and downloads artifacts.
func Follow(ctx context.Context, ios *cmdutil.IOStreams, c *Client, id string, o RunOptions) (Outcome, error) {
	rep := NewReporter(ios)
	j, err := c.Wait(ctx, id, rep.Update)
	if err != nil {
		if ctx.Err() != nil {
			if o.CancelOnInterrupt {
				cctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				defer cancel()
				if _, cerr := c.Cancel(cctx, id); cerr != nil {
					fmt.Fprintf(ios.ErrOut, "\ncould not cancel job %s: %v\n", id, cerr)
				} else {
					fmt.Fprintf(ios.ErrOut, "\njob %s cancelled\n", id)
				}
			} else {
				fmt.Fprintf(ios.ErrOut, "\njob %s is still running; resume with: atg jobs wait %s\n", id, id)
			}
			return Outcome{Job: j}, &cmdutil.ExitError{Code: cmdutil.ExitInterrupted, Err: nil}
		}
		return Outcome{Job: j}, err
	}
	out := Outcome{Job: j}
	defer func() {
		// interrupted after the job finished (fetching the result or downloading)
		if ctx.Err() != nil && j.Status == "succeeded" {
			fmt.Fprintf(ios.ErrOut, "\njob %s succeeded; fetch it again with: atg jobs wait %s\n", id, id)
		}
	}()
	if j.Status == "succeeded" {
		if res, err := c.Result(ctx, id); err == nil {
			out.Result = res
		} else {
			return out, fmt.Errorf("fetching result of %s: %w", id, err)
		}
	}
	if o.OutputDir != "" && j.Status == "succeeded" {
		dl, err := DownloadAll(ctx, c, id, o.OutputDir)
		out.Downloads = dl
		if err != nil {
			return out, err
		}
		if o.ExtractZips {
			for i, d := range out.Downloads {
				if !strings.EqualFold(filepath.Ext(d.Name), ".zip") {
					continue
				}
				files, err := extractZip(d.Path, o.OutputDir)
				out.Downloads[i].Extracted = files
				if err != nil {
					return out, err
				}
				if err := os.Remove(d.Path); err != nil {
					return out, fmt.Errorf("removing %s after extracting it: %w", d.Path, err)
				}
			}
		}
	}
	if j.Status != "succeeded" {
		msg := "job " + id + " " + string(j.Status)
		if j.Error != nil {
			msg += ": " + j.Error.Code + ": " + j.Error.Message
		}
		return out, &JobFailedError{Job: j, Msg: msg}
	}
	return out, nil
}

// JobFailedError reports a job that ended failed or cancelled (exit 1).
type JobFailedError struct {
	Job Job
	Msg string
}

func (e *JobFailedError) Error() string { return e.Msg }

// DownloadAll downloads every artifact of a job into dir, verifying each SHA-256 against the
// listing. A mismatch removes the file and fails.
func DownloadAll(ctx context.Context, c *Client, id, dir string) ([]Download, error) {
	arts, err := c.Artifacts(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("listing artifacts of %s: %w", id, err)
	}
	var out []Download
	for _, a := range arts {
		d, err := downloadOne(ctx, c, id, dir, a)
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

func downloadOne(ctx context.Context, c *Client, id, dir string, a Artifact) (Download, error) {
	rel := filepath.Clean(filepath.FromSlash(a.Name))
	if filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return Download{}, fmt.Errorf("artifact name %q escapes the output directory", a.Name)
	}
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return Download{}, fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".download-*")
	if err != nil {
		return Download{}, fmt.Errorf("creating temp file: %w", err)
	}
	defer os.Remove(tmp.Name())
	sum, n, err := c.DownloadArtifact(ctx, id, a.Name, tmp)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return Download{}, err
	}
	if a.SHA256 != "" && !strings.EqualFold(sum, a.SHA256) {
		return Download{}, fmt.Errorf("artifact %s: sha256 mismatch (listed %s, downloaded %s)", a.Name, a.SHA256, sum)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Download{}, fmt.Errorf("writing %s: %w", path, err)
	}
	return Download{Name: a.Name, Path: path, Size: n, SHA256: sum}, nil
}

// IsJobFailed reports whether err is a failed-job error.
func IsJobFailed(err error) bool {
	var jf *JobFailedError
	return errors.As(err, &jf)
}
