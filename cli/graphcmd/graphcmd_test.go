package graphcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/engine/graph/stores"
)

type env struct {
	f        *cmdutil.Factory
	out, err *bytes.Buffer
	in       *bytes.Buffer
	cfg      *config.Config
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{out: &bytes.Buffer{}, err: &bytes.Buffer{}, in: &bytes.Buffer{},
		cfg: &config.Config{Graph: filepath.Join(t.TempDir(), "graph.db"), Output: "text"}}
	e.f = &cmdutil.Factory{
		IO:     &cmdutil.IOStreams{In: e.in, Out: e.out, ErrOut: e.err},
		Config: func() (*config.Config, error) { return e.cfg, nil },
		GraphStore: func(ctx context.Context) (graph.Store, error) {
			return stores.Open(ctx, stores.Options{Graph: e.cfg.Graph})
		},
	}
	return e
}

func (e *env) run(t *testing.T, args ...string) error {
	t.Helper()
	e.out.Reset()
	e.err.Reset()
	cmd := NewCmdGraph(e.f)
	cmd.SetArgs(args)
	cmd.SetOut(e.out)
	cmd.SetErr(e.err)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd.ExecuteContext(context.Background())
}

func (e *env) seed(t *testing.T, tenant string) graph.Stats {
	t.Helper()
	ctx := context.Background()
	s, err := e.f.GraphStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	a := graphtest.Resource("s1", "rg1", "Microsoft.Network/virtualNetworks", "vnet")
	b := graphtest.Resource("s1", "rg1", "Microsoft.Network/networkInterfaces", "nic")
	c := graphtest.Resource("s1", "rg1", "Microsoft.Network/networkInterfaces", "nic2")
	r := graphtest.Simple(graph.LabelRegion, "westeurope")
	if err := s.UpsertNodes(ctx, tenant, "scan-1", []graph.Node{a, b, c, r}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEdges(ctx, tenant, "scan-1", []graph.Edge{graphtest.E(graph.EdgeConnectedTo, b, a), graphtest.E(graph.EdgeLocatedIn, a, r)}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestArgsToOptions(t *testing.T) {
	e := newEnv(t)
	e.cfg.TenantID = "from-config"
	var got *ExportOptions
	cmd := NewCmdExport(e.f, func(o *ExportOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--format", "graphml", "--output-file", "x.graphml"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.TenantID != "from-config" || got.Format != "graphml" || got.Output != "x.graphml" {
		t.Errorf("options %+v", got)
	}
	cmd = NewCmdExport(e.f, func(*ExportOptions) error { return nil })
	cmd.SetArgs([]string{"--tenant-id", "t", "--format", "yaml"})
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	var ue *cmdutil.UsageError
	if err := cmd.Execute(); !errors.As(err, &ue) {
		t.Errorf("bad format: %v, want a usage error", err)
	}
	e.cfg.TenantID = ""
	if err := e.run(t, "stats"); !errors.As(err, &ue) {
		t.Errorf("stats without tenant: %v, want a usage error", err)
	}
	if err := e.run(t, "import", "--tenant-id", "t"); !errors.As(err, &ue) {
		t.Errorf("import without input: %v, want a usage error", err)
	}
}

func TestStatsJSONAndText(t *testing.T) {
	e := newEnv(t)
	e.seed(t, "t1")
	e.cfg.Output = "json"
	if err := e.run(t, "stats", "--tenant-id", "t1"); err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]int
	if err := json.Unmarshal(e.out.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, e.out)
	}
	want := map[string]map[string]int{
		"nodes":             {"Resource": 3, "Region": 1},
		"resources_by_type": {"microsoft.network/virtualnetworks": 1, "microsoft.network/networkinterfaces": 2},
		"edges":             {"CONNECTED_TO": 1, "LOCATED_IN": 1},
	}
	if b1, b2 := mustJSON(got), mustJSON(want); b1 != b2 {
		t.Errorf("stats JSON %s, want %s", b1, b2)
	}
	e.cfg.Output = "text"
	if err := e.run(t, "stats", "--tenant-id", "t1"); err != nil {
		t.Fatal(err)
	}
	text := e.out.String()
	for _, s := range []string{"LABEL", "Resource", "microsoft.network/networkinterfaces  2", "total resources", "CONNECTED_TO"} {
		if !strings.Contains(text, s) {
			t.Errorf("text stats lack %q:\n%s", s, text)
		}
	}
	// Resource types by count, most first.
	if strings.Index(text, "networkinterfaces") > strings.Index(text, "virtualnetworks") {
		t.Errorf("resource types not sorted by count:\n%s", text)
	}
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestExportDeleteImportGivesSameStats(t *testing.T) {
	e := newEnv(t)
	want := e.seed(t, "t1")
	file := filepath.Join(t.TempDir(), "out", "t1.json")
	if err := e.run(t, "export", "--tenant-id", "t1", "--output-file", file); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.err.String(), "exported 4 nodes, 2 edges") {
		t.Errorf("stderr: %s", e.err)
	}
	exported, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// Refused while the tenant has a graph.
	if err := e.run(t, "import", "--tenant-id", "t1", "--input", file); err == nil || !strings.Contains(err.Error(), "--replace") {
		t.Errorf("import into non-empty tenant: %v", err)
	}
	ctx := context.Background()
	s, err := e.f.GraphStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteTenant(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	if err := e.run(t, "import", "--tenant-id", "t1", "--input", file); err != nil {
		t.Fatal(err)
	}
	if got := e.out.String(); !strings.Contains(got, "imported 4 nodes, 2 edges into tenant t1") {
		t.Errorf("import output %q", got)
	}
	e.cfg.Output = "json"
	if err := e.run(t, "stats", "--tenant-id", "t1"); err != nil {
		t.Fatal(err)
	}
	var got graph.Stats
	if err := json.Unmarshal(e.out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if mustJSON(got) != mustJSON(want) {
		t.Errorf("stats after round trip %s, want %s", mustJSON(got), mustJSON(want))
	}
	// Stdout export equals the file, byte for byte; stdin import with --replace works.
	if err := e.run(t, "export", "--tenant-id", "t1"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(e.out.Bytes(), exported) {
		t.Errorf("re-export differs from the first export")
	}
	e.in.Write(exported)
	if err := e.run(t, "import", "--tenant-id", "t1", "--input", "-", "--replace"); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"graphml", "cypher"} {
		if err := e.run(t, "export", "--tenant-id", "t1", "--format", format); err != nil || e.out.Len() == 0 {
			t.Errorf("export %s: %v (%d bytes)", format, err, e.out.Len())
		}
	}
}

func TestTenants(t *testing.T) {
	e := newEnv(t)
	e.seed(t, "t2")
	e.seed(t, "t1")
	if err := e.run(t, "tenants"); err != nil {
		t.Fatal(err)
	}
	if e.out.String() != "t1\nt2\n" {
		t.Errorf("tenants text %q", e.out)
	}
	e.cfg.Output = "json"
	if err := e.run(t, "tenants"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(strings.Fields(e.out.String()), "") != `{"tenants":["t1","t2"]}` {
		t.Errorf("tenants json %s", e.out)
	}
}
