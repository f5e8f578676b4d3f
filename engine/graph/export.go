package graph

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/atg-go/atg/errs"
)

// Export formats.
const (
	FormatJSON    = "json"    // one JSON document {format, version, tenant_id, nodes, edges}, one node/edge per line
	FormatGraphML = "graphml" // GraphML 1.0 (Gephi, yEd, NetworkX); props as a JSON string attribute
	FormatCypher  = "cypher"  // schema + UNWIND … MERGE statements (cypher-shell -f); readable by the Neo4j store
)

// ExportFormats lists the formats Export writes.
var ExportFormats = []string{FormatJSON, FormatGraphML, FormatCypher}

// ExportFormatName is the "format" value of a JSON export.
const ExportFormatName = "atg-graph"

// ExportResult counts what Export wrote.
type ExportResult struct {
	Nodes int `json:"nodes"`
	Edges int `json:"edges"`
}

// Export writes a tenant's whole graph to w, deterministically (nodes in id order, edges in
// (type, from, to) order, map keys sorted), streaming from the store.
// The export is complete (a backup: every property as ARM returned it) and says so.
func Export(ctx context.Context, s Store, tenantID, format string, w io.Writer) (ExportResult, error) {
	return ExportWith(ctx, s, tenantID, format, w, ExportOptions{})
}

// ExportOptions tune ExportWith.
type ExportOptions struct {
	// Redact, when set, rewrites each node's and edge's props before they are written (the CLI
	// passes engine/secrets' redactor: secrets become <redacted:RULE> markers). The export then
	// says it is redacted, and Import refuses it unless told otherwise: restoring it would
	// replace real values with markers.
	Redact func(props map[string]any) map[string]any
}

// ExportWith is Export with options.
func ExportWith(ctx context.Context, s Store, tenantID, format string, w io.Writer, o ExportOptions) (ExportResult, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	if o.Redact != nil {
		s = redactingStore{Store: s, redact: o.Redact}
	}
	var res ExportResult
	var err error
	switch format {
	case FormatJSON:
		res, err = exportJSON(ctx, s, tenantID, bw, o.Redact != nil)
	case FormatGraphML:
		res, err = exportGraphML(ctx, s, tenantID, bw, o.Redact != nil)
	case FormatCypher:
		res, err = exportCypher(ctx, s, tenantID, bw, o.Redact != nil)
	default:
		return res, fmt.Errorf("graph export: unknown format %q (want one of %s)", format, strings.Join(ExportFormats, ", "))
	}
	if err != nil {
		return res, fmt.Errorf("graph export (%s): %w", format, err)
	}
	if err := bw.Flush(); err != nil {
		return res, fmt.Errorf("graph export: write: %w", err)
	}
	return res, nil
}

// redactingStore passes every node and edge read for an export through redact.
type redactingStore struct {
	Store
	redact func(map[string]any) map[string]any
}

func (r redactingStore) Nodes(ctx context.Context, tenantID string, q NodeQuery, fn func(Node) error) error {
	return r.Store.Nodes(ctx, tenantID, q, func(n Node) error {
		if len(n.Props) > 0 {
			n.Props = r.redact(n.Props)
		}
		return fn(n)
	})
}

func (r redactingStore) Edges(ctx context.Context, tenantID string, q EdgeQuery, fn func(Edge) error) error {
	return r.Store.Edges(ctx, tenantID, q, func(e Edge) error {
		if len(e.Props) > 0 {
			e.Props = r.redact(e.Props)
		}
		return fn(e)
	})
}

// exportNote says whether an export is complete or redacted.
func exportNote(redacted bool) string {
	if redacted {
		return "redacted for sharing: secret values are <redacted:RULE> markers; not a backup"
	}
	return "complete: every property as ARM returned it, secrets included; a backup, keep it private"
}

func marshalLine(v any) ([]byte, error) {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(sb.String(), "\n")), nil
}

func exportJSON(ctx context.Context, s Store, tenantID string, w *bufio.Writer, redacted bool) (ExportResult, error) {
	var res ExportResult
	tid, err := marshalLine(NormalizeTenantID(tenantID))
	if err != nil {
		return res, err
	}
	fmt.Fprintf(w, "{\"format\":%q,\"version\":1,\"tenant_id\":%s,\"redacted\":%v,\"note\":%q,\n\"nodes\":[",
		ExportFormatName, tid, redacted, exportNote(redacted))
	sep := "\n"
	err = s.Nodes(ctx, tenantID, NodeQuery{}, func(n Node) error {
		b, err := marshalLine(n)
		if err != nil {
			return fmt.Errorf("node %s: %w", n.ID, err)
		}
		w.WriteString(sep)
		w.Write(b)
		sep = ",\n"
		res.Nodes++
		return nil
	})
	if err != nil {
		return res, err
	}
	w.WriteString("\n],\n\"edges\":[")
	sep = "\n"
	err = s.Edges(ctx, tenantID, EdgeQuery{}, func(e Edge) error {
		b, err := marshalLine(e)
		if err != nil {
			return fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		w.WriteString(sep)
		w.Write(b)
		sep = ",\n"
		res.Edges++
		return nil
	})
	if err != nil {
		return res, err
	}
	_, err = w.WriteString("\n]}\n")
	return res, err
}

func xmlText(s string) string {
	var sb strings.Builder
	// Characters XML 1.0 cannot carry are replaced; props keep them inside the JSON (as \u escapes).
	_ = xml.EscapeText(&sb, []byte(strings.Map(func(r rune) rune {
		if r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF) {
			return r
		}
		return utf8.RuneError
	}, s)))
	return sb.String()
}

func exportGraphML(ctx context.Context, s Store, tenantID string, w *bufio.Writer, redacted bool) (ExportResult, error) {
	var res ExportResult
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<!-- ATG graph export, ` + exportNote(redacted) + ` -->
<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">
  <key id="label" for="node" attr.name="label" attr.type="string"/>
  <key id="name" for="node" attr.name="name" attr.type="string"/>
  <key id="type" for="node" attr.name="type" attr.type="string"/>
  <key id="tenant_id" for="all" attr.name="tenant_id" attr.type="string"/>
  <key id="first_seen" for="all" attr.name="first_seen" attr.type="string"/>
  <key id="last_seen" for="all" attr.name="last_seen" attr.type="string"/>
  <key id="props" for="all" attr.name="props" attr.type="string"/>
  <key id="edge_type" for="edge" attr.name="type" attr.type="string"/>
`)
	fmt.Fprintf(w, "  <graph id=\"%s\" edgedefault=\"directed\">\n", xmlText(NormalizeTenantID(tenantID)))
	data := func(key, v string) {
		if v != "" {
			fmt.Fprintf(w, "      <data key=\"%s\">%s</data>\n", key, xmlText(v))
		}
	}
	props := func(p map[string]any) error {
		if len(p) == 0 {
			return nil
		}
		b, err := marshalLine(p)
		if err != nil {
			return err
		}
		data("props", string(b))
		return nil
	}
	err := s.Nodes(ctx, tenantID, NodeQuery{}, func(n Node) error {
		fmt.Fprintf(w, "    <node id=\"%s\">\n", xmlText(n.ID))
		data("label", string(n.Label))
		name, _ := n.Props[PropName].(string)
		if name == "" {
			name, _ = n.Props["display_name"].(string)
		}
		data("name", name)
		typ, _ := n.Props[PropType].(string)
		data("type", typ)
		data("tenant_id", n.TenantID)
		data("first_seen", n.FirstSeen)
		data("last_seen", n.LastSeen)
		if err := props(n.Props); err != nil {
			return fmt.Errorf("node %s: %w", n.ID, err)
		}
		w.WriteString("    </node>\n")
		res.Nodes++
		return nil
	})
	if err != nil {
		return res, err
	}
	err = s.Edges(ctx, tenantID, EdgeQuery{}, func(e Edge) error {
		fmt.Fprintf(w, "    <edge source=\"%s\" target=\"%s\">\n", xmlText(e.From), xmlText(e.To))
		data("edge_type", string(e.Type))
		data("tenant_id", e.TenantID)
		data("first_seen", e.FirstSeen)
		data("last_seen", e.LastSeen)
		if err := props(e.Props); err != nil {
			return fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		w.WriteString("    </edge>\n")
		res.Edges++
		return nil
	})
	if err != nil {
		return res, err
	}
	_, err = w.WriteString("  </graph>\n</graphml>\n")
	return res, err
}

// cypherExportBatch is the rows per UNWIND statement in a Cypher export.
const cypherExportBatch = 200

func exportCypher(ctx context.Context, s Store, tenantID string, w *bufio.Writer, redacted bool) (ExportResult, error) {
	var res ExportResult
	tenantID = NormalizeTenantID(tenantID)
	fmt.Fprintf(w, "// ATG graph export of tenant %s: load with cypher-shell -f FILE (or paste into Neo4j Browser).\n// The ATG Neo4j store reads the result like its own writes.\n// Export %s.\n\n",
		strings.ReplaceAll(tenantID, "\n", " "), exportNote(redacted))
	for _, st := range AllSchemaCypher() {
		fmt.Fprintf(w, "%s;\n", st)
	}
	w.WriteString("\n")
	var rows []string
	var head, stmt, as string // head: the lines before the UNWIND; as: the UNWIND's variable
	flush := func() {
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(w, "%sUNWIND [\n%s\n] AS %s\n%s;\n\n", head, strings.Join(rows, ",\n"), as, stmt)
		rows = rows[:0]
	}
	body := func(cypher string) string { return strings.TrimPrefix(cypher, "UNWIND $rows AS props\n") }
	var cur Label
	err := s.Nodes(ctx, tenantID, NodeQuery{}, func(n Node) error {
		sc, ok := NodeSchemaFor(n.Label)
		if !ok {
			return fmt.Errorf("node %s: unknown label %q", n.ID, n.Label)
		}
		if n.Label != cur || len(rows) == cypherExportBatch {
			flush()
			cur, stmt, as = n.Label, body(sc.MergeNodesCypher()), "props"
		}
		props, err := EncodeStoredProps(n.Props)
		if err != nil {
			return fmt.Errorf("node %s: %w", n.ID, err)
		}
		uid := NodeUID(tenantID, n.ID)
		props[SysUID], props[SysNodeID], props[SysTenantID], props[SysLastSeen] = uid, n.ID, tenantID, n.LastSeen
		props[SysFirstSeen] = n.FirstSeen
		lit, err := cypherLiteral(props)
		if err != nil {
			return fmt.Errorf("node %s: %w", n.ID, err)
		}
		rows = append(rows, lit)
		res.Nodes++
		return nil
	})
	if err != nil {
		return res, err
	}
	flush()
	var curKey string
	err = s.Edges(ctx, tenantID, EdgeQuery{}, func(e Edge) error {
		es, ok := EdgeSchemaFor(e.Type)
		if !ok {
			return fmt.Errorf("edge %s: unknown type", e.Key())
		}
		key := string(e.Type) + "|" + string(e.FromLabel) + "|" + string(e.ToLabel) + "|" + e.LastSeen
		if key != curKey || len(rows) == cypherExportBatch {
			flush()
			params := MergeEdgesParams(tenantID, e.LastSeen)
			var lerr error
			h := MergeEdgesHeader(func(name string) string {
				lit, err := cypherLiteral(params[name])
				lerr = cmp.Or(lerr, err)
				return lit
			})
			if lerr != nil {
				return fmt.Errorf("edge %s: %w", e.Key(), lerr)
			}
			curKey, head, stmt, as = key, h+"\n", es.MergeEdgesBody(e.FromLabel, e.ToLabel), "row"
		}
		props, err := EncodeStoredProps(e.Props)
		if err != nil {
			return fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		lit, err := cypherLiteral(map[string]any{"from": e.From, "to": e.To, "first_seen": e.FirstSeen, "props": props})
		if err != nil {
			return fmt.Errorf("edge %s: %w", e.Key(), err)
		}
		rows = append(rows, lit)
		res.Edges++
		return nil
	})
	if err != nil {
		return res, err
	}
	flush()
	return res, nil
}

// cypherLiteral renders a value produced by EncodeStoredProps (or a map of them) as a Cypher
// literal. Strings never contain a raw newline, so statements end at ";\n".
func cypherLiteral(v any) (string, error) {
	var sb strings.Builder
	if err := writeLiteral(&sb, v); err != nil {
		return "", err
	}
	return sb.String(), nil
}

func writeLiteral(sb *strings.Builder, v any) error {
	switch x := v.(type) {
	case nil:
		sb.WriteString("null")
	case string:
		sb.WriteByte('\'')
		for _, r := range x {
			switch r {
			case '\\':
				sb.WriteString(`\\`)
			case '\'':
				sb.WriteString(`\'`)
			case '\n':
				sb.WriteString(`\n`)
			case '\r':
				sb.WriteString(`\r`)
			case '\t':
				sb.WriteString(`\t`)
			default:
				if r < 0x20 || r == 0x7f {
					fmt.Fprintf(sb, `\u%04x`, r)
				} else {
					sb.WriteRune(r)
				}
			}
		}
		sb.WriteByte('\'')
	case bool:
		sb.WriteString(strconv.FormatBool(x))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("number %v has no Cypher literal", x)
		}
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			sb.WriteString(strconv.FormatFloat(x, 'f', 1, 64))
		} else {
			s := strconv.FormatFloat(x, 'g', -1, 64)
			s = strings.Replace(s, "e+", "e", 1)
			if !strings.ContainsAny(s, ".e") {
				s += ".0"
			}
			sb.WriteString(s)
		}
	case []string:
		sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				sb.WriteString(", ")
			}
			_ = writeLiteral(sb, e)
		}
		sb.WriteByte(']')
	case []any:
		sb.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				sb.WriteString(", ")
			}
			if err := writeLiteral(sb, e); err != nil {
				return err
			}
		}
		sb.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		sb.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(CypherName(k))
			sb.WriteString(": ")
			if err := writeLiteral(sb, x[k]); err != nil {
				return err
			}
		}
		sb.WriteByte('}')
	default:
		return fmt.Errorf("value of type %T has no Cypher literal", v)
	}
	return nil
}

// ImportOptions configures Import.
type ImportOptions struct {
	// Replace deletes the tenant's graph first; without it Import refuses a non-empty tenant.
	Replace bool
	// BatchSize is the nodes/edges per store call (default 1000).
	BatchSize int
	// ScanID tags nodes/edges whose export has no last_seen (default "import").
	ScanID string
	// AllowRedacted imports an export written with redaction (its secrets are markers).
	AllowRedacted bool
}

// ErrRedactedExport is returned by Import for a redacted export (without AllowRedacted).
var ErrRedactedExport = errs.New(errs.Invalid, "graph import: the export is redacted (secrets are markers), not a backup")

// ImportResult counts what Import wrote.
type ImportResult struct {
	Nodes   int `json:"nodes"`
	Edges   int `json:"edges"`
	Skipped int `json:"skipped_edges"`
}

// ErrTenantNotEmpty is returned by Import for a tenant that already has nodes (without Replace).
var ErrTenantNotEmpty = errs.New(errs.Conflict, "graph import: the tenant already has a graph")

// Import reads a JSON export (FormatJSON) into tenantID, keeping first_seen/last_seen.
func Import(ctx context.Context, s Store, tenantID string, r io.Reader, opts ImportOptions) (ImportResult, error) {
	var res ImportResult
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	if opts.ScanID == "" {
		opts.ScanID = "import"
	}
	tenantID, err := CheckTenant(tenantID)
	if err != nil {
		return res, err
	}
	empty := true
	errStop := errors.New("stop")
	if err := s.Nodes(ctx, tenantID, NodeQuery{}, func(Node) error { empty = false; return errStop }); err != nil && !errors.Is(err, errStop) {
		return res, fmt.Errorf("graph import: %w", err)
	}
	if !empty {
		if !opts.Replace {
			return res, fmt.Errorf("%w: %s (use replace to overwrite it)", ErrTenantNotEmpty, tenantID)
		}
		if err := s.DeleteTenant(ctx, tenantID); err != nil {
			return res, fmt.Errorf("graph import: replace: %w", err)
		}
	}
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	expect := func(want json.Delim) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			return fmt.Errorf("expected %q, found %v", want, tok)
		}
		return nil
	}
	flushNodes := func(nodes []Node) error {
		// Group by last_seen so each group keeps its scan id.
		slices.SortStableFunc(nodes, func(a, b Node) int { return strings.Compare(a.LastSeen, b.LastSeen) })
		for i := 0; i < len(nodes); {
			j := i
			for j < len(nodes) && nodes[j].LastSeen == nodes[i].LastSeen {
				j++
			}
			scan := nodes[i].LastSeen
			if scan == "" {
				scan = opts.ScanID
			}
			if err := s.UpsertNodes(ctx, tenantID, scan, nodes[i:j]); err != nil {
				return err
			}
			i = j
		}
		res.Nodes += len(nodes)
		return nil
	}
	flushEdges := func(edges []Edge) error {
		slices.SortStableFunc(edges, func(a, b Edge) int { return strings.Compare(a.LastSeen, b.LastSeen) })
		for i := 0; i < len(edges); {
			j := i
			for j < len(edges) && edges[j].LastSeen == edges[i].LastSeen {
				j++
			}
			scan := edges[i].LastSeen
			if scan == "" {
				scan = opts.ScanID
			}
			sk, err := s.UpsertEdges(ctx, tenantID, scan, edges[i:j])
			if err != nil {
				return err
			}
			res.Skipped += sk
			res.Edges += j - i - sk
			i = j
		}
		return nil
	}
	var pendingEdges []Edge // edges listed before the nodes wait for them
	nodesDone := false
	err = func() error {
		if err := expect('{'); err != nil {
			return err
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := tok.(string)
			switch key {
			case "format":
				var f string
				if err := dec.Decode(&f); err != nil {
					return err
				}
				if f != ExportFormatName {
					return fmt.Errorf("format %q is not %q", f, ExportFormatName)
				}
			case "redacted":
				var red bool
				if err := dec.Decode(&red); err != nil {
					return err
				}
				if red && !opts.AllowRedacted {
					return fmt.Errorf("%w: import a complete export, or allow redacted values explicitly", ErrRedactedExport)
				}
			case "nodes":
				if err := expect('['); err != nil {
					return err
				}
				var batch []Node
				for dec.More() {
					var n Node
					if err := dec.Decode(&n); err != nil {
						return fmt.Errorf("node %d: %w", res.Nodes+len(batch), err)
					}
					batch = append(batch, n)
					if len(batch) == opts.BatchSize {
						if err := flushNodes(batch); err != nil {
							return err
						}
						batch = batch[:0]
					}
				}
				if err := flushNodes(batch); err != nil {
					return err
				}
				if err := expect(']'); err != nil {
					return err
				}
				nodesDone = true
				if err := flushEdges(pendingEdges); err != nil {
					return err
				}
				pendingEdges = nil
			case "edges":
				if err := expect('['); err != nil {
					return err
				}
				var batch []Edge
				for dec.More() {
					var e Edge
					if err := dec.Decode(&e); err != nil {
						return fmt.Errorf("edge %d: %w", res.Edges+res.Skipped+len(batch), err)
					}
					if !nodesDone {
						pendingEdges = append(pendingEdges, e)
						continue
					}
					batch = append(batch, e)
					if len(batch) == opts.BatchSize {
						if err := flushEdges(batch); err != nil {
							return err
						}
						batch = batch[:0]
					}
				}
				if err := flushEdges(batch); err != nil {
					return err
				}
				if err := expect(']'); err != nil {
					return err
				}
			default: // version, tenant_id and unknown keys
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return err
				}
			}
		}
		if err := expect('}'); err != nil {
			return err
		}
		return flushEdges(pendingEdges)
	}()
	if err != nil {
		return res, fmt.Errorf("graph import: %w", err)
	}
	return res, nil
}
