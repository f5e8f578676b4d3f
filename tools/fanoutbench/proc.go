package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is one process the bench started: its stderr goes to <logs>/<name>.log and is kept in
// memory line by line (readiness lines, counted log lines); stdout is kept too.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}

	mu    sync.Mutex
	lines []string
	out   bytes.Buffer
	once  sync.Once
}

func startProc(ctx context.Context, name, logs string, env []string, bin string, args ...string) (*proc, error) {
	f, err := os.Create(filepath.Join(logs, name+".log"))
	if err != nil {
		return nil, err
	}
	p := &proc{name: name, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout = &lockedWriter{mu: &p.mu, w: &p.out}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := p.cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		defer f.Close()
		sc := bufio.NewScanner(io.TeeReader(stderr, f))
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, sc.Text())
			p.mu.Unlock()
		}
	}()
	go func() {
		<-read
		_ = p.cmd.Wait()
		close(p.done)
	}()
	go func() { // the bench is interrupted: stop this process too
		select {
		case <-ctx.Done():
			p.stop()
		case <-p.done:
		}
	}()
	return p, nil
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (p *proc) stdout() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// lineAfter returns the rest of the first stderr line that starts with prefix ("" if none).
func (p *proc) lineAfter(prefix string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range p.lines {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			if rest == "" {
				return l
			}
			return rest
		}
	}
	return ""
}

// count returns how many stderr lines contain s.
func (p *proc) count(s string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, l := range p.lines {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}

// times returns the time= stamps of the stderr lines (slog text) that contain s.
func (p *proc) times(s string) []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	var ts []time.Time
	for _, l := range p.lines {
		if !strings.Contains(l, s) {
			continue
		}
		v, ok := strings.CutPrefix(l, "time=")
		if !ok {
			continue
		}
		v, _, _ = strings.Cut(v, " ")
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			ts = append(ts, t)
		}
	}
	return ts
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) tail(n int) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines[max(0, len(p.lines)-n):], "\n")
}

// stop sends SIGTERM (the service finishes in-flight messages within its grace period) and
// kills the process if it has not exited after 20 s.
func (p *proc) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(20 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
}

// waitFor polls ok until it holds, p exits, ctx ends or timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, what string, ok func() bool, p *proc) error {
	deadline := time.Now().Add(timeout)
	for !ok() {
		if p.exited() {
			return fmt.Errorf("%s exited before it was ready:\n%s", what, p.tail(10))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s:\n%s", what, timeout, p.tail(10))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}
