package replicate

import (
	"context"
	"testing"
)

// BenchmarkMakePlan2000 plans a 2,000-resource tenant (graph read, model, translation, levels).
func BenchmarkMakePlan2000(b *testing.B) {
	e := newEnv(b, 2000, 2)
	b.ResetTimer()
	for b.Loop() {
		e.plan(b, nil)
	}
}

// BenchmarkNoopRerun2000 is the cost of a re-run over a deployed 2,000-resource tenant: one GET
// and one comparison per resource, no writes.
func BenchmarkNoopRerun2000(b *testing.B) {
	e := newEnv(b, 2000, 2)
	p := e.plan(b, nil)
	if rep, err := e.deploy(b, context.Background(), p, nil); err != nil || !rep.OK() {
		b.Fatalf("deploy: %v", err)
	}
	b.ResetTimer()
	for b.Loop() {
		rep, err := e.deploy(b, context.Background(), p, nil)
		if err != nil || rep.Unchanged != len(p.Items) {
			b.Fatalf("re-run: %v, %d of %d unchanged", err, rep.Unchanged, len(p.Items))
		}
	}
}
