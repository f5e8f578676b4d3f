package scan

import (
	"sync"

	"github.com/atg-go/atg/engine/graph"
)

// collectorBatch is how many nodes a shard buffers before writing them to the store.
const collectorBatch = 2000

// collector gathers a shard's nodes, deduplicated by (label, id), safely from many
// goroutines, and writes them to the store in batches while discovery goes on: the shard's
// peak memory is a batch plus the keys seen, not every resource's JSON. A node seen again
// after its batch was written is written again (the last one wins, as in the store). With
// keep set (filtered scans, which look at what was found to pull what it references) every
// node is also kept for list and has.
type collector struct {
	mu      sync.Mutex
	writeMu sync.Mutex // batches are written one at a time, in order
	seen    map[string]struct{}
	pending []graph.Node
	at      map[string]int // key -> index in pending
	keep    bool
	kept    map[string]graph.Node
	order   []string
	write   func([]graph.Node) error
	err     error // the first write error; later adds are dropped
	onRes   func()

	labels    map[string]int
	byType    map[string]int
	resources int
	written   int // nodes written, shared Tag/Region nodes included
}

func newCollector(onResource func(), keep bool, write func([]graph.Node) error) *collector {
	c := &collector{seen: map[string]struct{}{}, at: map[string]int{}, keep: keep, write: write, onRes: onResource,
		labels: map[string]int{}, byType: map[string]int{}}
	if keep {
		c.kept = map[string]graph.Node{}
	}
	return c
}

func key(n graph.Node) string { return string(n.Label) + "|" + n.ID }

func (c *collector) add(n graph.Node) {
	if n.ID == "" {
		return
	}
	k := key(n)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	if _, ok := c.seen[k]; !ok {
		c.seen[k] = struct{}{}
		c.count(n)
		if c.keep {
			c.order = append(c.order, k)
		}
	}
	if c.keep {
		c.kept[k] = n
	}
	if i, ok := c.at[k]; ok {
		c.pending[i] = n
	} else {
		c.at[k] = len(c.pending)
		c.pending = append(c.pending, n)
	}
	var batch []graph.Node
	if len(c.pending) >= collectorBatch {
		batch = c.take()
	}
	c.mu.Unlock()
	if batch != nil {
		c.flush(batch)
	}
}

// count records a node the first time its key is seen (under mu).
func (c *collector) count(n graph.Node) {
	c.labels[string(n.Label)]++
	if n.Label != graph.LabelResource {
		return
	}
	if c.onRes != nil {
		c.onRes()
	}
	if oos, _ := n.Props[graph.PropOutOfScope].(bool); oos {
		return
	}
	t, _ := n.Props[graph.PropType].(string)
	c.byType[t]++
	c.resources++
}

// take detaches the pending batch (under mu).
func (c *collector) take() []graph.Node {
	batch := c.pending
	c.pending = make([]graph.Node, 0, collectorBatch)
	clear(c.at)
	return batch
}

// flush writes one batch (outside mu, one batch at a time).
func (c *collector) flush(batch []graph.Node) {
	if len(batch) == 0 {
		return
	}
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	err := c.write(batch)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil && c.err == nil {
		c.err = err
	}
	c.written += len(batch)
}

// close writes what is pending and returns the first write error.
func (c *collector) close() error {
	c.mu.Lock()
	batch := c.take()
	c.mu.Unlock()
	c.flush(batch)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// counts returns the shard's counts: nodes by label, resources by type (out-of-scope ones
// left out), in-scope resources, and nodes written.
func (c *collector) counts() (labels, byType map[string]int, resources, nodes int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.labels, c.byType, c.resources, len(c.seen)
}

func (c *collector) has(label graph.Label, id string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.seen[string(label)+"|"+id]
	return ok
}

// list returns every node found, in first-seen order (keep mode only).
func (c *collector) list() []graph.Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]graph.Node, 0, len(c.order))
	for _, k := range c.order {
		out = append(out, c.kept[k])
	}
	return out
}
