package remote

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
)

// AddRunFlags registers --no-wait and --cancel-on-interrupt (the job-following flags of a
// command that can run on the service). The command sets ro.OutputDir from its own --output.
func AddRunFlags(cmd *cobra.Command, ro *RunOptions) {
	cmd.Flags().BoolVar(&ro.NoWait, "no-wait", false, "remote mode: print the job id and return at once (follow it with: atg jobs wait ID)")
	cmd.Flags().BoolVar(&ro.CancelOnInterrupt, "cancel-on-interrupt", false, "remote mode: cancel the job on Ctrl-C instead of leaving it running")
}

// CheckLocalRunFlags returns a usage error when remote-only flags are used in local mode.
func CheckLocalRunFlags(ro RunOptions) error {
	switch {
	case ro.NoWait:
		return cmdutil.Usagef("--no-wait needs remote mode (--remote, ATG_REMOTE=1 or a profile with remote: true)")
	case ro.CancelOnInterrupt:
		return cmdutil.Usagef("--cancel-on-interrupt needs remote mode (--remote, ATG_REMOTE=1 or a profile with remote: true)")
	}
	return nil
}

// JobSpec is what a command hands RunJob: how to submit its job and how to print the result.
type JobSpec struct {
	// Submit posts the job; idemKey is one Idempotency-Key reused by the client's retries.
	Submit func(ctx context.Context, c *Client, idemKey string) (Job, error)
	// Run controls following: NoWait, OutputDir (artifacts are downloaded there, sha256
	// verified), CancelOnInterrupt, ExtractZips.
	Run RunOptions
	// Render prints a succeeded job's result with the command's local printer (the service's
	// result JSON has the local result's shape); asJSON is -o json. It may return an error to
	// set the exit code (e.g. cmdutil.ErrSilent when the result reports failures).
	// nil prints the result JSON as it is.
	Render func(ios *cmdutil.IOStreams, result json.RawMessage, asJSON bool) error
}

// RunJob is the remote half of a command: build the client from flags > env > profile (a
// usage error naming the missing setting, exit 2), submit, follow with progress on stderr,
// download artifacts into Run.OutputDir, then print the result like local mode.
// --no-wait prints the job id (the job JSON with -o json). Exit codes come from the returned
// error: 1 for a failed or cancelled job or an API error, 130 when interrupted (the job keeps
// running unless CancelOnInterrupt).
func RunJob(ctx context.Context, ios *cmdutil.IOStreams, cfg *config.Config, fl *Flags, logger *slog.Logger, spec JobSpec) error {
	if _, err := fl.Mode(cfg); err != nil {
		return err
	}
	c, _, err := fl.Client(cfg, ios.ErrOut, logger)
	if err != nil {
		return err
	}
	return RunJobWith(ctx, ios, c, cmdutil.WantJSON(cfg), spec)
}

// RunJobWith is RunJob with a client already built.
func RunJobWith(ctx context.Context, ios *cmdutil.IOStreams, c *Client, asJSON bool, spec JobSpec) error {
	o := spec.Run
	o.JSON = asJSON
	out, err := Submit(ctx, ios, c, func(ctx context.Context, key string) (Job, error) { return spec.Submit(ctx, c, key) }, o)
	if err != nil {
		return err
	}
	if o.NoWait {
		if asJSON {
			return cmdutil.PrintJSON(ios.Out, out.Job)
		}
		fmt.Fprintln(ios.Out, out.Job.ID)
		fmt.Fprintf(ios.ErrOut, "job %s %s; follow it with: atg jobs wait %s\n", out.Job.ID, out.Job.Status, out.Job.ID)
		return nil
	}
	for _, d := range out.Downloads {
		if len(d.Extracted) > 0 {
			fmt.Fprintf(ios.ErrOut, "downloaded %s (%d bytes, sha256 %s verified), extracted %d files into %s\n", d.Name, d.Size, d.SHA256, len(d.Extracted), spec.Run.OutputDir)
			continue
		}
		fmt.Fprintf(ios.ErrOut, "downloaded %s (%d bytes, sha256 %s verified)\n", d.Path, d.Size, d.SHA256)
	}
	if spec.Render != nil {
		return spec.Render(ios, out.Result, asJSON)
	}
	var v any
	if err := json.Unmarshal(out.Result, &v); err != nil {
		return fmt.Errorf("decoding result of %s: %w", out.Job.ID, err)
	}
	return cmdutil.PrintJSON(ios.Out, v)
}

// extractZip unpacks a downloaded zip artifact into dir (refusing paths that leave it) and
// returns the files written.
func extractZip(path, dir string) ([]string, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	defer zr.Close()
	var files []string
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		rel := filepath.Clean(filepath.FromSlash(f.Name))
		if filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return files, fmt.Errorf("%s: entry %q escapes the output directory", filepath.Base(path), f.Name)
		}
		dst := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return files, fmt.Errorf("creating %s: %w", filepath.Dir(dst), err)
		}
		if err := writeZipEntry(f, dst); err != nil {
			return files, err
		}
		files = append(files, dst)
	}
	return files, nil
}

func writeZipEntry(f *zip.File, dst string) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("reading %s from zip: %w", f.Name, err)
	}
	defer rc.Close()
	w, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("creating %s: %w", dst, err)
	}
	if _, err := io.Copy(w, rc); err != nil {
		w.Close()
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	return nil
}
