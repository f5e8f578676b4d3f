package scan

import (
	"context"
	"testing"

	"github.com/atg-go/atg/sim"
)

// BenchmarkScan scans a 10,000-resource / 20-subscription simulated tenant (throttle off: this
// measures the scanner's own cost; scripts/bench.sh measures against Azure's limits).
func BenchmarkScan(b *testing.B) {
	env := startSim(b, sim.Options{Resources: 10000, Subscriptions: 20, Seed: 7, Throttle: "off"})
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		res, err := env.engine(b).Run(ctx, fullRequest(env.tenant))
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Failures) > 0 || res.Resources != 10000 {
			b.Fatalf("resources %d failures %d", res.Resources, len(res.Failures))
		}
		b.ReportMetric(float64(res.Resources)/res.DurationS, "resources/s")
	}
}
