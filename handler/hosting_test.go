package handler

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/internal/atgbin"
	"github.com/atg-go/atg/sim"
)

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestHostingFilesMatchCode ties host.json, functions/*/function.json and
// local.settings.json.example to the code's names and rules.
func TestHostingFilesMatchCode(t *testing.T) {
	var host struct {
		Version       string `json:"version"`
		CustomHandler struct {
			Description struct {
				DefaultExecutablePath string   `json:"defaultExecutablePath"`
				Arguments             []string `json:"arguments"`
			} `json:"description"`
			EnableForwardingHTTPRequest bool `json:"enableForwardingHttpRequest"`
		} `json:"customHandler"`
		FunctionTimeout string `json:"functionTimeout"`
		Extensions      struct {
			HTTP struct {
				RoutePrefix string `json:"routePrefix"`
			} `json:"http"`
			Queues struct {
				MessageEncoding   string `json:"messageEncoding"`
				BatchSize         int    `json:"batchSize"`
				NewBatchThreshold int    `json:"newBatchThreshold"`
				MaxDequeueCount   int    `json:"maxDequeueCount"`
			} `json:"queues"`
		} `json:"extensions"`
	}
	readJSON(t, "../host.json", &host)
	d := host.CustomHandler.Description
	if host.Version != "2.0" || d.DefaultExecutablePath != "atg" || !slices.Equal(d.Arguments, []string{"handler"}) || !host.CustomHandler.EnableForwardingHTTPRequest {
		t.Errorf("host.json customHandler: %+v", host.CustomHandler)
	}
	q := host.Extensions.Queues
	if q.MessageEncoding != jobs.MessageEncoding {
		t.Errorf("host.json messageEncoding %q, producers use %q", q.MessageEncoding, jobs.MessageEncoding)
	}
	if q.MaxDequeueCount != worker.DefaultMaxDequeueCount {
		t.Errorf("host.json maxDequeueCount %d, workers assume %d", q.MaxDequeueCount, worker.DefaultMaxDequeueCount)
	}
	if c := q.BatchSize + q.NewBatchThreshold; c < 3 || c > 5 {
		t.Errorf("batchSize+newBatchThreshold = %d concurrent messages per function and instance, want 3-5", c)
	}
	if host.Extensions.HTTP.RoutePrefix != "api" || host.FunctionTimeout == "" {
		t.Errorf("host.json http/functionTimeout: %+v %q", host.Extensions.HTTP, host.FunctionTimeout)
	}
	var hh, mm, ss int
	if _, err := fmt.Sscanf(host.FunctionTimeout, "%d:%d:%d", &hh, &mm, &ss); err != nil {
		t.Errorf("host.json functionTimeout %q: %v", host.FunctionTimeout, err)
	} else if ft := time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second; worker.DefaultInvocationTimeout > ft-2*time.Minute {
		t.Errorf("invocation deadline %s must stay clearly below functionTimeout %s (the host restarts the process at it)", worker.DefaultInvocationTimeout, ft)
	}

	names := jobs.Names{Prefix: jobs.DefaultPrefix}
	wantQueues := map[string]string{
		FunctionJobsWorker: names.JobsQueue(), FunctionShardsWorker: names.ShardsQueue(),
		FunctionJobsPoison: jobs.PoisonQueue(names.JobsQueue()), FunctionShardsPoison: jobs.PoisonQueue(names.ShardsQueue()),
	}
	dirs, _ := filepath.Glob("../functions/*/function.json")
	var got []string
	for _, fj := range dirs {
		fn := filepath.Base(filepath.Dir(fj))
		got = append(got, fn)
		var def struct {
			Bindings []struct {
				Type, Direction, Name, AuthLevel, Route, QueueName, Connection, Schedule string
				Methods                                                                  []string
			} `json:"bindings"`
		}
		readJSON(t, fj, &def)
		if fn == backup.FunctionBackupTimer {
			if len(def.Bindings) != 1 || def.Bindings[0].Type != "timerTrigger" || def.Bindings[0].Name != backup.TimerBinding ||
				def.Bindings[0].Schedule != backup.BackupTimerSchedule {
				t.Errorf("functions/%s: %+v, want one timerTrigger %q with a six-field schedule", fn, def.Bindings, backup.TimerBinding)
			}
			continue
		}
		if fn == "api" {
			if len(def.Bindings) != 2 || def.Bindings[0].Type != "httpTrigger" || def.Bindings[0].Route != "v1/{*path}" ||
				def.Bindings[0].AuthLevel != "anonymous" || len(def.Bindings[0].Methods) < 5 || def.Bindings[1].Type != "http" || def.Bindings[1].Direction != "out" {
				t.Errorf("functions/api: %+v (forwarding needs exactly one httpTrigger in + one http out)", def.Bindings)
			}
			continue
		}
		if len(def.Bindings) != 1 {
			t.Errorf("%s: %d bindings", fn, len(def.Bindings))
			continue
		}
		b := def.Bindings[0]
		if b.Type != "queueTrigger" || b.Name != QueueBinding || b.QueueName != wantQueues[fn] || b.Connection != "AzureWebJobsStorage" {
			t.Errorf("%s: %+v, want queueTrigger %q on %q", fn, b, QueueBinding, wantQueues[fn])
		}
	}
	want := []string{"api", backup.FunctionBackupTimer, FunctionJobsPoison, FunctionJobsWorker, FunctionShardsPoison, FunctionShardsWorker}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("functions/: %v, want %v", got, want)
	}

	var ls struct {
		Values map[string]string `json:"Values"`
	}
	readJSON(t, "../local.settings.json.example", &ls)
	for _, s := range config.Settings {
		if !s.Service || s.Key == "custom_handler_port" || s.Key == "storage_account" || s.Key == "storage_client_id" {
			continue
		}
		v, ok := "", false
		for _, e := range s.Env {
			if v, ok = ls.Values[e]; ok {
				break
			}
		}
		if !ok {
			t.Errorf("local.settings.json.example lacks service setting %s (%v)", s.Key, s.Env)
		}
		if s.Secret && s.Key != "storage" && v != "" && !strings.HasPrefix(v, "<") {
			t.Errorf("local.settings.json.example: secret %s must be a <placeholder>, is %q", s.Key, v)
		}
	}
}

// TestHandlerProcessAsHost runs the built `atg handler` as the Functions host would: it
// waits for GET /, sends the API request forwarded raw, then plays the queue trigger —
// dequeue from Azurite, base64-decode (messageEncoding), POST /<function> with the host's
// payload (hostQueueInvocation: message encoded twice, metadata strings JSON-encoded, every
// field of the message in Metadata) — until the scan is done.
func TestHandlerProcessAsHost(t *testing.T) {
	e := newServiceEnv(t, sim.Options{Resources: 200, Subscriptions: 2, Seed: 3, Throttle: "fast"})
	bin := atgbin.Build(t)
	dir := t.TempDir()
	addr := freePort(t)
	port := addr[strings.LastIndex(addr, ":")+1:]
	cmd := exec.Command(bin, "handler")
	cmd.Env = append(os.Environ(), "FUNCTIONS_CUSTOMHANDLER_PORT="+port, "AzureWebJobsStorage="+e.conn, "ATG_STORAGE_PREFIX="+e.prefix,
		"ATG_API_KEYS="+e.entry, "ATG_ENVIRONMENT=dev", "ATG_ARM_ENDPOINT="+e.srv.ARMEndpoint, "ATG_MSGRAPH_ENDPOINT="+e.srv.MSGraphEndpoint,
		"ATG_GRAPH="+filepath.Join(dir, "graph.db"), "ATG_CONFIG="+filepath.Join(dir, "none.yaml"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_, _ = cmd.Process.Wait()
		if t.Failed() {
			t.Logf("atg handler stderr:\n%s", stderr.String())
		}
	}()
	base := "http://" + addr
	for {
		resp, err := http.Get(base + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Since(started) > 60*time.Second {
			t.Fatal("atg handler did not answer GET / within 60s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("atg handler answered GET / %s after start", time.Since(started).Round(time.Millisecond))

	c := client{base: base, key: e.key}
	var id string
	for deadline := time.Now().Add(30 * time.Second); ; {
		code, _, b := c.do(t, "POST", "/api/v1/scan", `{"tenant_id":"`+e.tenant+`"}`)
		if code == 202 {
			var j httpapi.JobView
			_ = json.Unmarshal(b, &j)
			id = j.ID
			break
		}
		if code != 503 || time.Now().After(deadline) {
			t.Fatalf("submit through forwarding: %d %s", code, b)
		}
		time.Sleep(100 * time.Millisecond)
	}

	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	svc, err := azqueue.NewServiceClientFromConnectionString(e.conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := jobs.Names{Prefix: e.prefix}
	fns := map[string]*azqueue.QueueClient{
		FunctionJobsWorker: svc.NewQueueClient(names.JobsQueue()), FunctionShardsWorker: svc.NewQueueClient(names.ShardsQueue()),
	}
	fixture := readHostFixture(t, "host-jobs-worker.json")
	var mu sync.Mutex
	invocations := 0
	for {
		code, _, b := c.do(t, "GET", "/api/v1/jobs/"+id, "")
		var j httpapi.JobView
		_ = json.Unmarshal(b, &j)
		if code != 200 {
			t.Fatalf("status: %d %s", code, b)
		}
		if j.Status.Terminal() {
			if j.Status != jobs.Succeeded {
				t.Fatalf("job %s: %+v", j.Status, j.Error)
			}
			break
		}
		idle := true
		for fn, qc := range fns {
			n := int32(4)
			vt := int32(30)
			resp, err := qc.DequeueMessages(ctx, &azqueue.DequeueMessagesOptions{NumberOfMessages: &n, VisibilityTimeout: &vt})
			if err != nil {
				t.Fatalf("dequeue: %v", err)
			}
			var wg sync.WaitGroup
			for _, m := range resp.Messages {
				idle = false
				wg.Add(1)
				go func() {
					defer wg.Done()
					text, err := base64.StdEncoding.DecodeString(*m.MessageText) // what messageEncoding=base64 does
					if err != nil {
						t.Errorf("queue text is not base64: %q", *m.MessageText)
						return
					}
					body, _ := json.Marshal(hostQueueInvocation(fixture, text, m, fn))
					resp, err := http.Post(base+"/"+fn, "application/json", bytes.NewReader(body))
					if err != nil {
						t.Errorf("invoke %s: %v", fn, err)
						return
					}
					var out worker.InvocationResponse
					derr := json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if resp.StatusCode != 200 || derr != nil || out.Outputs == nil {
						t.Errorf("%s answered %d %+v (%v)", fn, resp.StatusCode, out, derr)
						return
					}
					mu.Lock()
					invocations++
					mu.Unlock()
					if _, err := qc.DeleteMessage(ctx, *m.MessageID, *m.PopReceipt, nil); err != nil {
						t.Errorf("delete: %v", err)
					}
				}()
			}
			wg.Wait()
		}
		if t.Failed() {
			return
		}
		if idle {
			time.Sleep(50 * time.Millisecond)
		}
	}
	c.checkScan(t, id, e.truth())
	t.Logf("scan done through %d queue invocations", invocations)
}

// hostQueueInvocation is the host's invocation body for dequeued message m (text: its
// base64-decoded text), with m's real Id, PopReceipt, times and DequeueCount.
func hostQueueInvocation(fixture map[string]any, text []byte, m *azqueue.DequeuedMessage, fn string) map[string]any {
	v := hostEncodeText(fixture, text, int(*m.DequeueCount), fn)
	meta := v["Metadata"].(map[string]any)
	meta["Id"], meta["PopReceipt"] = hostEncodeString(*m.MessageID), hostEncodeString(*m.PopReceipt)
	for k, tm := range map[string]*time.Time{"InsertionTime": m.InsertionTime, "ExpirationTime": m.ExpirationTime, "NextVisibleTime": m.TimeNextVisible} {
		if tm != nil {
			meta[k] = tm.UTC().Format("2006-01-02T15:04:05+00:00")
		}
	}
	return v
}
