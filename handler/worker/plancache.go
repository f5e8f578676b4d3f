package worker

import (
	"sync"

	"github.com/atg-go/atg/handler/jobs"
)

// alreadyRunning reports whether a delivery can skip the job's "running" write: the job is
// running and has counted this many deliveries. A fanned-out scan's shard messages then read
// the job once instead of rewriting it each (an ETag race between worker processes).
func alreadyRunning(j jobs.Job, dequeueCount int) bool {
	return j.Status == jobs.Running && dequeueCount <= j.Attempts
}

// planCacheSize is how many jobs' plans one process keeps.
const planCacheSize = 16

// planCache keeps the stored plans of the most recent sharded jobs. A plan blob is written once
// (a redelivered start message reuses it) and never changes, so every shard message of a job
// after the first one a process runs needs no storage read for it.
type planCache struct {
	mu    sync.Mutex
	order []string
	plans map[string]storedPlan
}

func (c *planCache) get(jobID string) (storedPlan, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sp, ok := c.plans[jobID]
	return sp, ok
}

func (c *planCache) put(jobID string, sp storedPlan) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.plans == nil {
		c.plans = map[string]storedPlan{}
	}
	if _, ok := c.plans[jobID]; ok {
		return
	}
	if len(c.order) >= planCacheSize {
		delete(c.plans, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, jobID)
	c.plans[jobID] = sp
}
