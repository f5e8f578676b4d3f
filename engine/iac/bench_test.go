package iac_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
)

// syntheticNodes clones the example payloads into n resources spread over resource groups of
// 50 and 20 subscriptions (names made unique), the shape of a big tenant.
func syntheticNodes(tb testing.TB, n int) []graph.Node {
	tb.Helper()
	envs, err := iactest.LoadEnvelopes(iactest.ExamplesDir())
	if err != nil {
		tb.Fatal(err)
	}
	var usable []iactest.Envelope
	for _, e := range envs {
		id, _ := e.Body["id"].(string)
		p, ok := armid.Parse(id)
		if ok && p.ResourceGroup != "" && p.Scope == "" && !strings.EqualFold(p.Type(), model.TypeResourceGroup) {
			usable = append(usable, e)
		}
	}
	nodes := make([]graph.Node, 0, n)
	for i := 0; i < n; i++ {
		e := usable[i%len(usable)]
		raw, _ := json.Marshal(e.Body)
		var env map[string]any
		_ = json.Unmarshal(raw, &env)
		id, _ := env["id"].(string)
		p, _ := armid.Parse(id)
		names := append([]string(nil), p.Names...)
		names[len(names)-1] = fmt.Sprintf("%s%d", names[len(names)-1], i)
		newID := fmt.Sprintf("/subscriptions/%08d-0000-0000-0000-000000000000/resourceGroups/rg-%d/providers/%s", i%20, i/50, p.Namespace)
		for j, t := range p.Types {
			newID += "/" + t + "/" + names[j]
		}
		env["id"] = newID
		env["name"] = names[len(names)-1]
		nodes = append(nodes, iactest.NodeFromARM(iactest.TenantID, env, e.APIVersion))
	}
	return nodes
}

// BenchmarkTerraform10k: 10,000 resources -> model -> Terraform files (the make bench figure;
// goal ≤3 s, ≤500 MB).
func BenchmarkTerraform10k(b *testing.B) {
	nodes := syntheticNodes(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		files, sum, err := iac.Generate(context.Background(), m, iac.FormatTerraform, iac.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if sum.Emitted < 10000 {
			b.Fatalf("emitted %d", sum.Emitted)
		}
		b.ReportMetric(float64(len(files["main.tf"]))/1e6, "MB-main.tf")
	}
}

func BenchmarkARM10k(b *testing.B) {
	nodes := syntheticNodes(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := iac.Generate(context.Background(), m, iac.FormatARM, iac.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
