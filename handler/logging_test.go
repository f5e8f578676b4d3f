package handler

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/sim"
)

func jsonLines(t *testing.T, what, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Errorf("%s: not a JSON line: %s", what, sc.Text())
			continue
		}
		out = append(out, m)
	}
	return out
}

func TestHostLogHandlerSplitsByLevel(t *testing.T) {
	var out, errb bytes.Buffer
	log := slog.New(NewHostLogHandler(&out, &errb, slog.LevelDebug)).With("job_id", "job_1")
	log.Debug("d")
	log.Info("i")
	log.Warn("w")
	log.Error("e")
	var lo, hi []string
	for _, m := range jsonLines(t, "stdout", out.String()) {
		lo = append(lo, m["level"].(string)+":"+m["msg"].(string)+":"+m["job_id"].(string))
	}
	for _, m := range jsonLines(t, "stderr", errb.String()) {
		hi = append(hi, m["level"].(string)+":"+m["msg"].(string)+":"+m["job_id"].(string))
	}
	if strings.Join(lo, ",") != "DEBUG:d:job_1,INFO:i:job_1" || strings.Join(hi, ",") != "WARN:w:job_1,ERROR:e:job_1" {
		t.Fatalf("stdout %v, stderr %v", lo, hi)
	}
}

// Under `atg handler`, INFO lines go to stdout and WARN/ERROR lines to stderr, as JSON lines
// with the host's invocation id and the job id.
func TestHandlerLogRouting(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 10, Subscriptions: 1, Seed: 9, Throttle: "fast"})
	p := startHandler(t, e, "ATG_LOG_LEVEL=info")
	p.waitReady(t)
	h := newHostPlayer(t, p.base, e.conn, e.prefix)
	// a message for a job that does not exist: WARN (dropped) then INFO (done)
	ghost := jobs.Message{JobID: "job_7YBQ00000000000000000000GH", Owner: "alice", Type: jobs.TypeScan, Kind: jobs.KindStart}
	if r := h.invoke(FunctionJobsWorker, []byte(hostPayload(t, "host-jobs-worker.json", ghost, 1)), ghost, 1,
		worker.InvocationIDHeader, "11111111-aaaa-4bbb-8ccc-000000000001"); r.Status != 200 {
		t.Fatalf("ghost message: %d %v", r.Status, r.Logs)
	}
	// an undecodable invocation: ERROR
	req, _ := http.NewRequest("POST", p.base+"/"+FunctionShardsWorker, strings.NewReader(`{"Data":{"msg":"\"not a message\""}}`))
	req.Header.Set(worker.InvocationIDHeader, "11111111-aaaa-4bbb-8ccc-000000000002")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	var stdout, stderr []map[string]any
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		stdout, stderr = jsonLines(t, "stdout", p.stdout.String()), jsonLines(t, "stderr", p.stderr.String())
		if len(stderr) >= 2 || time.Now().After(deadline) {
			break
		}
	}
	find := func(lines []map[string]any, msg string) map[string]any {
		for _, l := range lines {
			if l["msg"] == msg {
				return l
			}
		}
		return nil
	}
	for _, l := range stdout {
		if lv := l["level"]; lv != "INFO" && lv != "DEBUG" {
			t.Errorf("stdout carries a %v line: %v", lv, l)
		}
	}
	for _, l := range stderr {
		if lv := l["level"]; lv != "WARN" && lv != "ERROR" {
			t.Errorf("stderr carries a %v line: %v", lv, l)
		}
	}
	if find(stdout, "atg handler ready") == nil {
		t.Errorf("no ready line on stdout:\n%s", p.stdout)
	}
	done := find(stdout, "invocation done")
	if done == nil || done["invocation_id"] != "11111111-aaaa-4bbb-8ccc-000000000001" || done["job_id"] != ghost.JobID {
		t.Errorf("invocation line on stdout: %v", done)
	}
	if w := find(stderr, "message for an unknown job; dropping it"); w == nil || w["invocation_id"] != "11111111-aaaa-4bbb-8ccc-000000000001" || w["job_id"] != ghost.JobID {
		t.Errorf("warning on stderr: %v\n%s", w, p.stderr)
	}
	if e := find(stderr, "undecodable queue message"); e == nil || e["level"] != "ERROR" || e["invocation_id"] != "11111111-aaaa-4bbb-8ccc-000000000002" {
		t.Errorf("error on stderr: %v\n%s", e, p.stderr)
	}
	// SIGTERM: in-flight work finishes, then a non-zero exit (a clean exit 0 would keep the
	// host from restarting the handler)
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	err = p.cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 143 {
		t.Errorf("exit after SIGTERM: %v, want code 143", err)
	}
}
