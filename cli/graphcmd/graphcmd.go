// Package graphcmd implements `atg graph`: stats, export, import and tenants of the configured
// graph store (the embedded file or Neo4j, per --graph / ATG_GRAPH).
package graphcmd

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/atg-go/atg/cli/cmdutil"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/secrets"
)

// NewCmdGraph returns the `graph` command.
func NewCmdGraph(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Inspect, export and import the graph",
		Long: `Inspect, export and import the graph store named by --graph (ATG_GRAPH): a file path for the
embedded store (default $XDG_DATA_HOME/atg/graph.db) or a bolt:// / neo4j:// URI.`,
	}
	cmd.AddCommand(NewCmdStats(f, nil), NewCmdExport(f, nil), NewCmdImport(f, nil), NewCmdTenants(f, nil))
	return cmd
}

// common holds what every subcommand takes from the Factory.
type common struct {
	IO       *cmdutil.IOStreams
	Store    func(ctx context.Context) (graph.Store, error)
	JSON     bool
	TenantID string
}

func fill(f *cmdutil.Factory, c *common, needTenant bool) error {
	c.IO, c.Store = f.IO, f.GraphStore
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	c.JSON = cmdutil.WantJSON(cfg)
	if c.TenantID == "" {
		c.TenantID = cfg.TenantID
	}
	if needTenant && c.TenantID == "" {
		return cmdutil.Usagef("--tenant-id is required (or set ATG_TENANT_ID)")
	}
	return nil
}

// withStore opens the store, runs fn and closes the store.
func withStore(ctx context.Context, c common, fn func(graph.Store) error) (err error) {
	s, err := c.Store(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := s.Close(context.WithoutCancel(ctx)); cerr != nil && err == nil {
			err = cerr
		}
	}()
	return fn(s)
}

// --- stats ---

// StatsOptions are the inputs of `graph stats`.
type StatsOptions struct{ common }

// NewCmdStats returns `graph stats`.
func NewCmdStats(f *cmdutil.Factory, runF func(*StatsOptions) error) *cobra.Command {
	opts := &StatsOptions{}
	cmd := &cobra.Command{
		Use:   "stats --tenant-id T",
		Short: "Count nodes by label, resources by type and edges by type",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := fill(f, &opts.common, true); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return statsRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.TenantID, "tenant-id", "", "tenant id")
	return cmd
}

func statsRun(ctx context.Context, opts *StatsOptions) error {
	return withStore(ctx, opts.common, func(s graph.Store) error {
		st, err := s.Stats(ctx, opts.TenantID)
		if err != nil {
			return err
		}
		if opts.JSON {
			return cmdutil.PrintJSON(opts.IO.Out, st)
		}
		return printStats(opts.IO.Out, st)
	})
}

type row struct {
	k string
	n int
}

func ordered(m map[string]int, order []string) []row {
	var rows []row
	seen := map[string]bool{}
	for _, k := range order {
		if n := m[k]; n > 0 {
			rows = append(rows, row{k, n})
			seen[k] = true
		}
	}
	var rest []row
	for k, n := range m {
		if !seen[k] {
			rest = append(rest, row{k, n})
		}
	}
	// Unordered keys (resource types): most first, then by name.
	slices.SortFunc(rest, func(a, b row) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.k, b.k)) })
	return append(rows, rest...)
}

func printStats(w io.Writer, st graph.Stats) error {
	labels := make([]string, len(graph.Labels))
	for i, l := range graph.Labels {
		labels[i] = string(l)
	}
	types := make([]string, len(graph.EdgeTypes))
	for i, t := range graph.EdgeTypes {
		types[i] = string(t)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	section := func(title, col string, rows []row) {
		total := 0
		for _, r := range rows {
			total += r.n
		}
		fmt.Fprintf(tw, "%s\t%s\n", title, "COUNT")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%d\n", r.k, r.n)
		}
		fmt.Fprintf(tw, "%s\t%d\n\t\n", "total "+col, total)
	}
	section("LABEL", "nodes", ordered(st.Nodes, labels))
	section("RESOURCE TYPE", "resources", ordered(st.ResourcesByType, nil))
	section("EDGE TYPE", "edges", ordered(st.Edges, types))
	return tw.Flush()
}

// --- export ---

// ExportOptions are the inputs of `graph export`.
type ExportOptions struct {
	common
	Format string
	Output string // file, or "-" for stdout
	// Redact replaces secret values with <redacted:RULE> markers (engine/secrets). Default: on
	// for graphml and cypher (for people and tools), off for json (the backup format that
	// graph import restores).
	Redact bool
}

// NewCmdExport returns `graph export`.
func NewCmdExport(f *cmdutil.Factory, runF func(*ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{}
	cmd := &cobra.Command{
		Use:   "export --tenant-id T [--format json|graphml|cypher] [--output FILE|-]",
		Short: "Write a tenant's graph as JSON (backup, re-importable), GraphML or Cypher",
		Long: `Write a tenant's whole graph, deterministically (nodes by id, edges by type, from, to).

  json     one JSON document {format, version, tenant_id, nodes, edges}; atg graph import reads it
  graphml  GraphML 1.0 for Gephi, yEd, NetworkX (props as a JSON string attribute)
  cypher   constraints + UNWIND … MERGE statements: cypher-shell -u neo4j -f FILE loads the graph
           into Neo4j, where atg --graph bolt://… reads it like its own

--redact replaces every secret value (connection strings, keys, tokens, SAS and signed URLs,
passwords — found by value or by name) with a <redacted:RULE> marker, for sharing. It is on by
default for graphml and cypher and off for json, the backup format: a complete export says so in
its header, and graph import refuses a redacted one (its secrets are gone).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(graph.ExportFormats, opts.Format) {
				return cmdutil.Usagef("--format %q: want one of %v", opts.Format, graph.ExportFormats)
			}
			if err := fill(f, &opts.common, true); err != nil {
				return err
			}
			if !cmd.Flags().Changed("redact") {
				opts.Redact = opts.Format != graph.FormatJSON
			}
			if runF != nil {
				return runF(opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.TenantID, "tenant-id", "", "tenant id")
	cmd.Flags().StringVar(&opts.Format, "format", graph.FormatJSON, "json, graphml or cypher")
	cmd.Flags().BoolVar(&opts.Redact, "redact", false, "replace secret values with <redacted:RULE> markers (default: on for graphml and cypher, off for json backups)")
	cmd.Flags().StringVar(&opts.Output, "output-file", "-", "file to write (gzipped when it ends in .gz), - for stdout")
	// --output is the global output-format flag, so the file flag is --output-file (alias --file).
	cmd.Flags().StringVar(&opts.Output, "file", "-", "alias of --output-file")
	return cmd
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	var eo graph.ExportOptions
	if opts.Redact {
		eo.Redact = func(p map[string]any) map[string]any {
			out, _ := secrets.RedactMap(p)
			return out
		}
	}
	return withStore(ctx, opts.common, func(s graph.Store) error {
		if opts.Output == "" || opts.Output == "-" {
			res, err := graph.ExportWith(ctx, s, opts.TenantID, opts.Format, opts.IO.Out, eo)
			if err == nil {
				fmt.Fprintf(opts.IO.ErrOut, "exported %d nodes, %d edges (%s)\n", res.Nodes, res.Edges, exportKind(opts.Redact))
			}
			return err
		}
		// Write next to the target and rename, so a failed export never leaves half a file.
		if dir := filepath.Dir(opts.Output); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
		tmp, err := os.CreateTemp(filepath.Dir(opts.Output), "."+filepath.Base(opts.Output)+".*")
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		defer os.Remove(tmp.Name())
		var w io.Writer = tmp
		var zw *gzip.Writer
		if strings.HasSuffix(opts.Output, ".gz") { // a backup file, as the service writes them
			zw = gzip.NewWriter(tmp)
			w = zw
		}
		res, err := graph.ExportWith(ctx, s, opts.TenantID, opts.Format, w, eo)
		if zw != nil {
			if cerr := zw.Close(); err == nil {
				err = cerr
			}
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), opts.Output); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(opts.IO.ErrOut, "exported %d nodes, %d edges to %s (%s)\n", res.Nodes, res.Edges, opts.Output, exportKind(opts.Redact))
		return nil
	})
}

func exportKind(redacted bool) string {
	if redacted {
		return "secrets redacted"
	}
	return "complete, secrets included"
}

// --- import ---

// ImportOptions are the inputs of `graph import`.
type ImportOptions struct {
	common
	Input         string // file, or "-" for stdin
	Replace       bool
	AllowRedacted bool
}

// NewCmdImport returns `graph import`.
func NewCmdImport(f *cmdutil.Factory, runF func(*ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{}
	cmd := &cobra.Command{
		Use:   "import --tenant-id T --input FILE|- [--replace]",
		Short: "Restore a tenant's graph from a JSON export (or a gzipped one: a service backup)",
		Long: `Restore a tenant's graph from 'atg graph export --format json', keeping first/last seen scan ids.
Gzipped input (a .json.gz backup of the service, or export --output-file X.json.gz) is
recognised by its content, from a file or stdin.
The tenant must be empty unless --replace, which deletes its graph first. The export may come
from another tenant id (restore elsewhere).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Input == "" {
				return cmdutil.Usagef("--input is required (a file, or - for stdin)")
			}
			if err := fill(f, &opts.common, true); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return importRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.TenantID, "tenant-id", "", "tenant id to import into")
	cmd.Flags().StringVar(&opts.Input, "input", "", "JSON export to read, - for stdin")
	cmd.Flags().BoolVar(&opts.Replace, "replace", false, "delete the tenant's existing graph first")
	cmd.Flags().BoolVar(&opts.AllowRedacted, "allow-redacted", false, "import an export written with --redact (its secrets stay markers)")
	return cmd
}

func importRun(ctx context.Context, opts *ImportOptions) error {
	var r io.Reader = opts.IO.In
	if opts.Input != "-" {
		fh, err := os.Open(opts.Input)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer fh.Close()
		r = fh
	}
	br := bufio.NewReaderSize(r, 1<<16)
	r = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	return withStore(ctx, opts.common, func(s graph.Store) error {
		res, err := graph.Import(ctx, s, opts.TenantID, r, graph.ImportOptions{Replace: opts.Replace, AllowRedacted: opts.AllowRedacted})
		if errors.Is(err, graph.ErrRedactedExport) {
			return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%w; pass --allow-redacted to import it anyway", err)}
		}
		if errors.Is(err, graph.ErrTenantNotEmpty) {
			return &cmdutil.ExitError{Code: cmdutil.ExitFailure, Err: fmt.Errorf("%w; pass --replace to overwrite it", err)}
		}
		if err != nil {
			return err
		}
		if opts.JSON {
			return cmdutil.PrintJSON(opts.IO.Out, res)
		}
		fmt.Fprintf(opts.IO.Out, "imported %d nodes, %d edges into tenant %s", res.Nodes, res.Edges, graph.NormalizeTenantID(opts.TenantID))
		if res.Skipped > 0 {
			fmt.Fprintf(opts.IO.Out, " (%d edges skipped: missing endpoints)", res.Skipped)
		}
		fmt.Fprintln(opts.IO.Out)
		return nil
	})
}

// --- tenants ---

// TenantsOptions are the inputs of `graph tenants`.
type TenantsOptions struct{ common }

// NewCmdTenants returns `graph tenants`.
func NewCmdTenants(f *cmdutil.Factory, runF func(*TenantsOptions) error) *cobra.Command {
	opts := &TenantsOptions{}
	return &cobra.Command{
		Use:   "tenants",
		Short: "List the tenants in the graph",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := fill(f, &opts.common, false); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return tenantsRun(cmd.Context(), opts)
		},
	}
}

func tenantsRun(ctx context.Context, opts *TenantsOptions) error {
	return withStore(ctx, opts.common, func(s graph.Store) error {
		ts, err := s.Tenants(ctx)
		if err != nil {
			return err
		}
		if opts.JSON {
			return cmdutil.PrintJSON(opts.IO.Out, map[string][]string{"tenants": ts})
		}
		for _, t := range ts {
			fmt.Fprintln(opts.IO.Out, t)
		}
		return nil
	})
}
