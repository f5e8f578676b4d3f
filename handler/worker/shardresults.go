package worker

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/atg-go/atg/engine/safego"
)

// shardResultReads bounds the concurrent blob reads of shardResults.
const shardResultReads = 8

// shardResults reads every shard's stored result for the finalize step, in plan order, a few
// at a time: a scan fanned out over many subscriptions has one blob per shard, and reading
// them one after another would put a storage round trip per shard on the finalize's path.
func (w *Worker) shardResults(ctx context.Context, jobID string, shards []string) ([]json.RawMessage, error) {
	results := make([]json.RawMessage, len(shards))
	g, gctx := safego.WithContext(ctx)
	g.SetLimit(shardResultReads)
	for i, sh := range shards {
		g.Go(func() error {
			b, err := w.Backend.Blobs.Get(gctx, shardBlob(jobID, sh))
			if err != nil {
				return fmt.Errorf("reading result of shard %s: %w", sh, err)
			}
			results[i] = b
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}
