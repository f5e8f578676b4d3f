package worker

import (
	"fmt"
	"testing"

	"github.com/atg-go/atg/handler/jobs"
)

func TestPlanCacheKeepsTheRecentJobs(t *testing.T) {
	var c planCache
	for i := range planCacheSize + 3 {
		c.put(fmt.Sprintf("job%d", i), storedPlan{Shards: []string{fmt.Sprint(i)}})
	}
	for i := range planCacheSize + 3 {
		sp, ok := c.get(fmt.Sprintf("job%d", i))
		if want := i >= 3; ok != want || (ok && sp.Shards[0] != fmt.Sprint(i)) {
			t.Errorf("job%d: cached %v (%v), want cached %v", i, ok, sp.Shards, want)
		}
	}
	c.put("job5", storedPlan{Shards: []string{"other"}}) // a plan never changes: the first one stays
	if sp, _ := c.get("job5"); sp.Shards[0] != "5" {
		t.Errorf("job5 replaced: %v", sp.Shards)
	}
}

func TestAlreadyRunning(t *testing.T) {
	for _, c := range []struct {
		status   jobs.Status
		attempts int
		dequeue  int
		want     bool
	}{
		{jobs.Running, 1, 1, true},     // the next shard message of a running job: no write
		{jobs.Running, 1, 2, false},    // a redelivery counts as an attempt
		{jobs.Queued, 0, 1, false},     // the start message
		{jobs.Cancelling, 1, 1, false}, // handled by the update (cancel)
	} {
		if got := alreadyRunning(jobs.Job{Status: c.status, Attempts: c.attempts}, c.dequeue); got != c.want {
			t.Errorf("%s attempts %d dequeue %d: %v, want %v", c.status, c.attempts, c.dequeue, got, c.want)
		}
	}
}
