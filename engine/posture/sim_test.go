package posture

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/graph/neo4jstore"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/internal/repotest"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// scanPlanted scans a simulated tenant with planted posture ground truth into store.
func scanPlanted(t *testing.T, store graph.Store, o sim.Options) (string, *sim.PostureTruth) {
	t.Helper()
	o.Throttle, o.PlantPosture = "off", true
	s, srv := simtest.Start(t, o)
	tenant := srv.TenantIDs[0]
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint}, TenantID: tenant,
		Throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	e := &scan.Engine{Store: store, Azure: c, Concurrency: 8}
	if _, err := e.Run(context.Background(), scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true}); err != nil {
		t.Fatal(err)
	}
	tr := s.Truth()
	pt := tr.Tenants[0].Posture
	if pt == nil || len(pt.Findings) == 0 {
		t.Fatal("the simulator planted no posture truth")
	}
	return tenant, pt
}

// score compares a report with the planted truth: per rule, true positives, false positives
// (findings on planted resources that the truth does not list) and false negatives.
func score(t *testing.T, rep *Report, pt *sim.PostureTruth) {
	t.Helper()
	planted := map[string]bool{}
	want := map[string]map[string]bool{} // rule -> resources
	for _, f := range pt.Findings {
		planted[f.Resource] = true
		if want[f.Rule] == nil {
			want[f.Rule] = map[string]bool{}
		}
		want[f.Rule][f.Resource] = true
	}
	for _, c := range pt.Compliant {
		planted[c.Resource] = true
	}
	got := map[string]map[string]bool{}
	for _, f := range rep.Findings {
		if !planted[f.Key] {
			continue
		}
		if got[f.RuleID] == nil {
			got[f.RuleID] = map[string]bool{}
		}
		got[f.RuleID][f.Key] = true
	}
	for _, c := range pt.Compliant {
		for rule, rs := range got {
			if (c.Rule == "*" || c.Rule == rule) && rs[c.Resource] {
				t.Errorf("%s fired on compliant %s", rule, c.Resource)
			}
		}
	}
	var lines []string
	covered := 0
	for _, r := range Rules() {
		tp, fp, fn := 0, 0, 0
		for res := range got[r.ID] {
			if want[r.ID][res] {
				tp++
			} else {
				fp++
				t.Errorf("%s: false positive on %s", r.ID, res)
			}
		}
		for res := range want[r.ID] {
			if !got[r.ID][res] {
				fn++
				t.Errorf("%s: missed %s", r.ID, res)
			}
		}
		if tp+fn > 0 {
			covered++
		}
		prec, rec := 1.0, 1.0
		if tp+fp > 0 {
			prec = float64(tp) / float64(tp+fp)
		}
		if tp+fn > 0 {
			rec = float64(tp) / float64(tp+fn)
		}
		lines = append(lines, fmt.Sprintf("%s tp=%d fp=%d fn=%d precision=%.2f recall=%.2f", r.ID, tp, fp, fn, prec, rec))
	}
	t.Logf("per-rule scores on the planted set:\n%s", strings.Join(lines, "\n"))
	if covered != len(Rules()) {
		t.Errorf("the planted set exercises %d of %d rules", covered, len(Rules()))
	}
	// attack paths
	paths := map[string]Path{}
	for _, p := range rep.Paths {
		paths[p.SourceKind+"|"+graph.NormalizeID(p.Target)] = p
	}
	for _, want := range pt.Paths {
		p, ok := paths[want.SourceKind+"|"+want.Target]
		if !ok {
			t.Errorf("planted %s path to %s not found", want.SourceKind, want.Target)
			continue
		}
		var ids []string
		for _, s := range p.Steps {
			ids = append(ids, graph.NormalizeID(s.ID))
		}
		if !slices.Equal(ids, want.Steps) || p.TargetKind != want.TargetKind {
			t.Errorf("path to %s:\n got  %v (%s)\n want %v (%s)", want.Target, ids, p.TargetKind, want.Steps, want.TargetKind)
		}
	}
	for _, np := range pt.NoPaths {
		if p, ok := paths[np.SourceKind+"|"+np.Target]; ok {
			t.Errorf("compliant target %s reached: %+v", np.Target, p.Steps)
		}
	}
}

func assessPlanted(t *testing.T, store graph.Store, tenant string, pt *sim.PostureTruth) *Report {
	t.Helper()
	now, err := time.Parse(time.RFC3339, pt.Now)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Assess(context.Background(), store, tenant, Options{Now: now, MaxPaths: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestPlantedGroundTruthBolt(t *testing.T) {
	for _, o := range []sim.Options{{Seed: 7, Resources: 120}, {Seed: 20261207, Resources: 120}, {Seed: 99, Resources: 0, Subscriptions: 2},
		{Seed: 5, Resources: 600, Subscriptions: 3}} {
		t.Run(fmt.Sprintf("seed%d-%dres-%dsubs", o.Seed, o.Resources, max(1, o.Subscriptions)), func(t *testing.T) {
			st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close(context.Background())
			if err := st.Init(context.Background()); err != nil {
				t.Fatal(err)
			}
			tenant, pt := scanPlanted(t, st, o)
			rep := assessPlanted(t, st, tenant, pt)
			score(t, rep, pt)
			rules := map[string]bool{}
			for _, f := range pt.Findings {
				rules[f.Rule] = true
			}
			keys := make([]string, 0, len(rules))
			for k := range rules {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			t.Logf("planted: %d findings over %d rules, %d compliant pairs, %d paths, %d non-paths; report: %d findings, %d paths",
				len(pt.Findings), len(keys), len(pt.Compliant), len(pt.Paths), len(pt.NoPaths), len(rep.Findings), len(rep.Paths))
		})
	}
}

func TestPlantedGroundTruthNeo4j(t *testing.T) {
	uri, user, pw := testenv.RequireNeo4j(t)
	ctx := context.Background()
	st, err := neo4jstore.Open(ctx, neo4jstore.Options{URI: uri, User: user, Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(ctx)
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	tenant, pt := scanPlanted(t, st, sim.Options{Seed: 3105, Resources: 120})
	t.Cleanup(func() { _ = st.DeleteTenant(context.Background(), tenant) })
	score(t, assessPlanted(t, st, tenant, pt), pt)
}

// TestMicrosoftExamples runs every rule and the path search over Microsoft's example payloads
// (testdata/arm-examples, loaded by the simulator and scanned): nothing panics, the SARIF
// validates, and evidence never carries a secret-looking value in the clear.
func TestMicrosoftExamples(t *testing.T) {
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	if err := st.Init(context.Background()); err != nil {
		t.Fatal(err)
	}
	_, srv := simtest.Start(t, sim.Options{FromDir: repotest.ARMExamplesDir(), FromRehome: true, Seed: 1, Throttle: "off"})
	tenant := srv.TenantIDs[0]
	c, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint}, TenantID: tenant,
		Throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&scan.Engine{Store: st, Azure: c, Concurrency: 8}).Run(context.Background(), scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true}); err != nil {
		t.Fatal(err)
	}
	rep, err := Assess(context.Background(), st, tenant, Options{})
	if err != nil {
		t.Fatal(err)
	}
	secretValueRE := secretValue
	if len(rep.Findings) == 0 {
		t.Fatal("no finding on Microsoft's examples (they include storage, key vault, SQL and Redis with public access)")
	}
	var b strings.Builder
	if err := rep.WriteSARIF(&b, SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, compileSARIFSchema(t), []byte(b.String()))
	byRule := map[string]int{}
	for _, f := range rep.Findings {
		byRule[f.RuleID]++
		for _, e := range f.Evidence {
			if s, ok := e.Value.(string); ok && secretValueRE.MatchString(s) {
				t.Errorf("%s evidence %s holds a secret-looking value", f.RuleID, e.Path)
			}
		}
	}
	t.Logf("%d findings on the examples: %v; %d paths", len(rep.Findings), byRule, len(rep.Paths))
}
