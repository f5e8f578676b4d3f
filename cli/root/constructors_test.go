package root

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/cli/generate"
	"github.com/atg-go/atg/cli/mcp"
	"github.com/atg-go/atg/cli/posture"
	"github.com/atg-go/atg/cli/serve"
	"github.com/atg-go/atg/cli/version"
	"github.com/atg-go/atg/cli/visualize"
	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
)

// TestConstructorsHandOptionsToRunF: every leaf command is NewCmdX(f, runF); with runF set the
// command parses its flags into its options and hands them over without running. (The other
// commands' packages test their own constructors the same way.)
func TestConstructorsHandOptionsToRunF(t *testing.T) {
	f := &cmdutil.Factory{
		IO:         &cmdutil.IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}},
		Config:     func() (*config.Config, error) { return &config.Config{}, nil },
		Logger:     func() *slog.Logger { return slog.New(slog.DiscardHandler) },
		GraphStore: func(context.Context) (graph.Store, error) { t.Fatal("a constructor opened the store"); return nil, nil },
	}
	for _, tc := range []struct {
		name  string
		args  []string
		build func(done func(ok bool)) *cobra.Command
	}{
		{"version", nil, func(done func(bool)) *cobra.Command {
			return version.NewCmdVersion(f, func(o *version.Options) error { done(o.IO == f.IO && o.Config != nil); return nil })
		}},
		{"mcp", []string{"--tenant-id", "T", "--cypher-max-rows", "5"}, func(done func(bool)) *cobra.Command {
			return mcp.NewCmdMCP(f, func(o *mcp.Options) error { done(o.TenantID == "T" && o.CypherMaxRows == 5); return nil })
		}},
		{"posture", []string{"--tenant-id", "T", "--format", "json", "--fail-on", "high", "--max-paths", "7"}, func(done func(bool)) *cobra.Command {
			return posture.NewCmdPosture(f, func(o *posture.Options) error {
				done(o.TenantID == "T" && len(o.Formats) == 1 && o.Formats[0] == "json" && o.FailOn == "high" && o.MaxPaths == 7)
				return nil
			})
		}},
		{"visualize", []string{"--tenant-id", "T", "--output", "g.html", "--type", "X/y", "--collapse-above", "9", "--posture"}, func(done func(bool)) *cobra.Command {
			return visualize.NewCmdVisualize(f, func(o *visualize.Options) error {
				done(o.TenantID == "T" && o.Output == "g.html" && len(o.Filter.Types) == 1 && o.Collapse == 9 && o.Posture)
				return nil
			})
		}},
		{"generate-spec", []string{"--tenant-id", "T", "--anonymize", "--resource-group", "rg"}, func(done func(bool)) *cobra.Command {
			return generate.NewCmdGenerateSpec(f, func(o *generate.SpecOptions) error {
				done(o.TenantID == "T" && o.Anonymize && len(o.Filter.ResourceGroups) == 1)
				return nil
			})
		}},
		{"serve", []string{"--workers", "3", "--addr", "127.0.0.1:0", "--no-workers"}, func(done func(bool)) *cobra.Command {
			return serve.NewCmdServe(f, func(o *serve.Options) error {
				done(o.Workers == 3 && o.Addr == "127.0.0.1:0" && o.NoWorkers)
				return nil
			})
		}},
		{"handler", []string{"--port", "7071"}, func(done func(bool)) *cobra.Command {
			return serve.NewCmdHandler(f, func(o *serve.Options) error { done(o.Port == "7071" && o.Logger != nil); return nil })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			called, ok := false, false
			cmd := tc.build(func(b bool) { called, ok = true, b })
			cmd.SetArgs(tc.args)
			cmd.SetOut(&bytes.Buffer{})
			cmd.SetErr(&bytes.Buffer{})
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			if !called || !ok {
				t.Fatalf("runF called %v, options as parsed %v", called, ok)
			}
		})
	}
}
