package scan

import (
	"context"
	"errors"
)

var errNotYet = errors.New("scan: not implemented yet")

// Plan resolves the subscriptions in scope and splits the scan into shards.
func (e *Engine) Plan(ctx context.Context, req Request) (Plan, error) { return Plan{}, errNotYet }

// RunShard discovers one shard into the store. It is idempotent.
func (e *Engine) RunShard(ctx context.Context, p Plan, s Shard) (ShardResult, error) {
	return ShardResult{}, errNotYet
}

// Finalize derives every edge over the stored nodes, removes what disappeared from the plan's
// scope, and sums the shard results.
func (e *Engine) Finalize(ctx context.Context, p Plan, results []ShardResult) (Result, error) {
	return Result{}, errNotYet
}

// Run plans, runs the shards concurrently and finalizes.
func (e *Engine) Run(ctx context.Context, req Request) (Result, error) { return Result{}, errNotYet }
