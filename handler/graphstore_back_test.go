package handler

import (
	"context"
	"encoding/json"
	"github.com/atg-go/atg/handler/executors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
)

// TestHandlerGraphStoreComesBack: `atg handler` starts while Neo4j is unreachable (its URI
// points at a loopback port opened later). The handler is ready (storage is), health shows
// the graph store down, a scan's invocations fail retryably (500, the job stays running), and
// once Neo4j is reachable the redelivered messages complete the scan; health turns ok.
func TestHandlerGraphStoreComesBack(t *testing.T) {
	uri, user, password := testenv.RequireNeo4j(t)
	e := newServiceEnv(t, sim.Options{Resources: 30, Subscriptions: 1, Seed: 4711, Throttle: "fast"})
	target := uri[strings.Index(uri, "://")+3:]
	proxyAddr := freePort(t)
	p := startHandler(t, e, "ATG_GRAPH=bolt://"+proxyAddr, "NEO4J_USER="+user, "NEO4J_PASSWORD="+password)
	t.Cleanup(func() {
		if st, err := stores.Open(context.Background(), stores.Options{Graph: uri, User: user, Password: password}); err == nil {
			_ = st.DeleteTenant(context.Background(), e.tenant)
			_ = st.Close(context.Background())
		}
	})
	p.waitReady(t)
	c := client{base: p.base, key: e.key}
	health := func() (int, httpapi.HealthResponse) {
		code, _, b := c.do(t, "GET", "/api/v1/health", "")
		var h httpapi.HealthResponse
		_ = json.Unmarshal(b, &h)
		return code, h
	}
	// GET / is answered (storage is up), health names the graph store's state
	code, h := health()
	if code != 503 || (h.Checks["graph"] != executors.GraphConnecting && h.Checks["graph"] != executors.GraphUnavailable) || h.Checks["storage"] != "ok" {
		t.Fatalf("health while Neo4j is down: %d %+v", code, h)
	}
	id := c.submitScan(t, e.tenant) // accepted: the executors are registered
	hp := newHostPlayer(t, p.base, e.conn, e.prefix)
	hp.retryAfter = 3 * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()
	failedOnce := func() bool {
		for _, r := range hp.snapshot() {
			if r.Status == http.StatusInternalServerError && strings.Contains(strings.Join(r.Logs, " "), "graph store unavailable") {
				return true
			}
		}
		return false
	}
	hp.runUntil(ctx, time.Minute, failedOnce)
	az, err := jobs.OpenAzureConnectionString(ctx, e.conn, jobs.Names{Prefix: e.prefix})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := az.Backend.Jobs.Find(ctx, id)
	if err != nil || stored.Status.Terminal() || stored.LastError == nil || stored.LastError.Code != string(errs.Unavailable) {
		t.Fatalf("job while the store is down: %v %s last_error %+v error %+v", err, stored.Status, stored.LastError, stored.Error)
	}
	var j httpapi.JobView
	startProxy(t, proxyAddr, target)
	hp.runUntil(ctx, 3*time.Minute, func() bool {
		_, _, b := c.do(t, "GET", "/api/v1/jobs/"+id, "")
		_ = json.Unmarshal(b, &j)
		return j.Status.Terminal()
	})
	if j.Status != jobs.Succeeded {
		t.Fatalf("job after Neo4j came back: %s %+v", j.Status, j.Error)
	}
	if code, h := health(); code != 200 || h.Checks["graph"] != executors.GraphOK {
		t.Fatalf("health after Neo4j came back: %d %+v", code, h)
	}
	c.checkScan(t, id, e.truth())
	retried := 0
	for _, r := range hp.snapshot() {
		if r.Status != http.StatusOK {
			retried++
		}
	}
	t.Logf("scan succeeded after %d failed deliveries while Neo4j was down; attempts %d", retried, j.Attempts)
}
