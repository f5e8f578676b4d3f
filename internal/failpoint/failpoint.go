// Package failpoint lets a test stop a real process at a named point of its work, so a crash
// (SIGKILL) can be landed in each phase deterministically instead of by timing. Points are
// armed only through the environment of the process under test:
//
//	ATG_FAILPOINTS="scan.finalize=sleep(30s);scan.ingest=hang"
//
// With the variable unset (every real deployment) Hit returns at once.
package failpoint

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Env is the environment variable that arms failpoints.
const Env = "ATG_FAILPOINTS"

var (
	once  sync.Once
	armed map[string]time.Duration // name -> pause (<0: until the context ends)
)

func load() {
	armed = map[string]time.Duration{}
	for _, spec := range strings.Split(os.Getenv(Env), ";") {
		name, action, ok := strings.Cut(strings.TrimSpace(spec), "=")
		if !ok || name == "" {
			continue
		}
		switch {
		case action == "hang":
			armed[name] = -1
		case strings.HasPrefix(action, "sleep(") && strings.HasSuffix(action, ")"):
			if d, err := time.ParseDuration(strings.TrimSuffix(strings.TrimPrefix(action, "sleep("), ")")); err == nil {
				armed[name] = d
			}
		}
	}
}

// Hit pauses at the named point when it is armed: it writes "failpoint NAME reached" to
// stderr (a test watches for it) and waits the armed time or until ctx ends.
func Hit(ctx context.Context, name string) {
	once.Do(load)
	d, ok := armed[name]
	if !ok {
		return
	}
	fmt.Fprintf(os.Stderr, "failpoint %s reached\n", name)
	if d < 0 {
		<-ctx.Done()
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
