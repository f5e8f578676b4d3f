package scan

import (
	"context"
	"testing"

	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
)

// TestRetriesMatchSimulatedFaults: retries are azcore's retry policy (engine/azure.Throttle), the
// pacer counts every attempt. Against a simulator that fails a quarter of the requests (500, 503, 429 with
// Retry-After, connection resets) and throttles on its own, the scan completes without failures
// and the client's counts add up with the simulator's: every 429 is counted as throttled, every
// fault and simulated 429 is retried, and the attempts the client saw plus the resets net/http
// re-sent by itself (invisible to the pipeline) are the requests the simulator served.
func TestRetriesMatchSimulatedFaults(t *testing.T) {
	testenv.Integration(t)
	env := startSim(t, sim.Options{Resources: 1000, Subscriptions: 3, Seed: 23, Throttle: "fast", Faults: 0.25})
	eng := env.engine(t)
	res, err := eng.Run(context.Background(), fullRequest(env.tenant))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 {
		t.Fatalf("failures left after retries: %+v", res.Failures[:min(5, len(res.Failures))])
	}
	cl := eng.Azure.Throttle.Stats()
	ss := env.sim.Stats()
	served := ss.Requests["arm"] + ss.Requests["arg"] + ss.Requests["msgraph"]
	simThrottled := ss.Throttled["arm"] + ss.Throttled["arg"] + ss.Throttled["msgraph"]
	statusFaults := ss.Faults["500"] + ss.Faults["503"] + ss.Faults["429"]
	failed := statusFaults + ss.Faults["reset"] + simThrottled // attempts that failed: each one retried
	t.Logf("client %+v; simulator served %d, faults %v, throttled %v", cl, served, ss.Faults, ss.Throttled)
	if statusFaults < 20 || ss.Faults["reset"] == 0 {
		t.Fatalf("too few faults to prove anything: %v", ss.Faults)
	}
	if got, want := int64(cl.Throttled), ss.Faults["429"]+simThrottled; got != want {
		t.Errorf("throttled = %d, simulator served %d 429s", got, want)
	}
	if int64(cl.Retries) < statusFaults+simThrottled || int64(cl.Retries) > failed {
		t.Errorf("retries = %d, want between %d (status faults and 429s) and %d (all failed attempts)", cl.Retries, statusFaults+simThrottled, failed)
	}
	if got, want := served-int64(cl.Total()), failed-int64(cl.Retries); got != want {
		t.Errorf("served %d - client attempts %d = %d, want failed %d - retries %d = %d (transport-level re-sends)",
			served, cl.Total(), got, failed, cl.Retries, want)
	}
}
