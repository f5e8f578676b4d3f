// Package gitblob reads files of a git repository (a local clone or a bare mirror) at a
// revision without a work tree, through one `git cat-file --batch` process — what the
// generators under tools/ that read the Azure REST API specs share.
package gitblob

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Repo reads blobs through one `git cat-file --batch` process.
type Repo struct {
	dir string
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

// Open starts reading the repository at dir (its .git is used when present).
func Open(ctx context.Context, dir string) (*Repo, error) {
	if fi, err := os.Stat(filepath.Join(dir, ".git")); err == nil && fi.IsDir() {
		dir = filepath.Join(dir, ".git")
	}
	cmd := exec.CommandContext(ctx, "git", "--git-dir", dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start git cat-file: %w", err)
	}
	return &Repo{dir: dir, cmd: cmd, in: in, out: bufio.NewReaderSize(stdout, 1<<20)}, nil
}

// Close ends the cat-file process.
func (g *Repo) Close() {
	_ = g.in.Close()
	_ = g.cmd.Wait()
}

// Output runs a git command on the repository and returns its stdout.
func (g *Repo) Output(ctx context.Context, args ...string) (string, error) {
	b, err := exec.CommandContext(ctx, "git", append([]string{"--git-dir", g.dir}, args...)...).Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
	}
	return string(b), nil
}

// Blob returns an object's content (a byte order mark removed).
func (g *Repo) Blob(obj string) ([]byte, error) {
	if _, err := fmt.Fprintln(g.in, obj); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	hdr, err := g.out.ReadString('\n')
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	f := strings.Fields(hdr)
	if len(f) != 3 {
		return nil, errors.New("git cat-file: " + strings.TrimSpace(hdr))
	}
	var n int
	if _, err := fmt.Sscan(f[2], &n); err != nil {
		return nil, fmt.Errorf("git cat-file size: %w", err)
	}
	buf := make([]byte, n+1)
	if _, err := io.ReadFull(g.out, buf); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	buf = buf[:n]
	// swagger files may start with a UTF-8 byte order mark
	return bytes.TrimPrefix(buf, []byte("\xef\xbb\xbf")), nil
}

// SortedKeys returns m's keys in order.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
