package fidelity

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
)

func factory(t *testing.T, path string, out, errOut *bytes.Buffer, asJSON bool) *cmdutil.Factory {
	output := "text"
	if asJSON {
		output = "json"
	}
	return &cmdutil.Factory{
		IO:         &cmdutil.IOStreams{Out: out, ErrOut: errOut},
		Config:     func() (*config.Config, error) { return &config.Config{Output: output}, nil },
		GraphStore: func(context.Context) (graph.Store, error) { return boltstore.Open(path, boltstore.Options{}) },
	}
}

func TestArgvToOptions(t *testing.T) {
	var got *Options
	cmd := NewCmdFidelity(factory(t, "", &bytes.Buffer{}, &bytes.Buffer{}, false), func(o *Options) error { got = o; return nil })
	cmd.SetArgs([]string{"--source-tenant-id", "a", "--target-tenant-id", "b", "--target-subscription", "s1", "--target-subscription", "s2", "--name-suffix", "x", "--min-count", "0.98"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Compare.SourceTenantID != "a" || got.Compare.TargetTenantID != "b" || len(got.Compare.TargetSubscriptions) != 2 || got.Compare.NameSuffix != "x" || got.MinCount != 0.98 {
		t.Fatalf("options %+v", got)
	}
	cmd = NewCmdFidelity(factory(t, "", &bytes.Buffer{}, &bytes.Buffer{}, false), func(*Options) error { return nil })
	cmd.SetArgs([]string{"--source-tenant-id", "a"})
	if err := cmd.Execute(); cmdutil.ExitCodeFor(err) != cmdutil.ExitUsage {
		t.Fatalf("missing target: %v", err)
	}
}

func TestReportAndThreshold(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "g.db")
	st, err := boltstore.Open(path, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	put := func(tenant, sub, name string, tls string) {
		n := discover.NodeFromARM(tenant, map[string]any{
			"id":   "/subscriptions/" + sub + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/" + name,
			"name": name, "type": "Microsoft.Storage/storageAccounts", "location": "westeurope",
			"properties": map[string]any{"minimumTlsVersion": tls},
		})
		if err := st.UpsertNodes(ctx, tenant, "s1", []graph.Node{n}); err != nil {
			t.Fatal(err)
		}
	}
	put("a", "11111111-1111-1111-1111-111111111111", "st1", "TLS1_2")
	put("a", "11111111-1111-1111-1111-111111111111", "st2", "TLS1_2")
	put("b", "22222222-2222-2222-2222-222222222222", "st1", "TLS1_2")
	if err := st.Close(ctx); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	cmd := NewCmdFidelity(factory(t, path, &out, &errOut, true), nil)
	cmd.SetArgs([]string{"--source-tenant-id", "a", "--target-tenant-id", "b"})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	var rep struct {
		Source, Matched int
		Count           float64 `json:"count_fidelity"`
		Misses          []struct{ ID, Reason string }
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Count != 0.5 || len(rep.Misses) != 1 || !strings.Contains(rep.Misses[0].ID, "st2") {
		t.Fatalf("report %s", out.String())
	}
	out.Reset()
	cmd = NewCmdFidelity(factory(t, path, &out, &errOut, false), nil)
	cmd.SetArgs([]string{"--source-tenant-id", "a", "--target-tenant-id", "b", "--min-count", "0.98"})
	err = cmd.Execute()
	if cmdutil.ExitCodeFor(err) != cmdutil.ExitFailure || !strings.Contains(out.String(), "# Fidelity") {
		t.Fatalf("below threshold must exit 1 after printing Markdown: %v\n%s", err, out.String())
	}
}
