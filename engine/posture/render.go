package posture

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats are the report formats.
var Formats = []string{"md", "json", "sarif"}

// FileName is the conventional file name of a format (atg posture --output-dir).
func FileName(format string) string {
	switch format {
	case "md":
		return "posture.md"
	case "sarif":
		return "posture.sarif"
	}
	return "posture.json"
}

// Write renders the report in a format.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case "md":
		return r.WriteMarkdown(w)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "sarif":
		return r.WriteSARIF(w, SARIFOptions{})
	}
	return fmt.Errorf("posture: unknown format %q (want one of %v)", format, Formats)
}

// WriteMarkdown renders the Markdown report: summary by severity, a Mermaid diagram per attack
// path, then the findings grouped by rule.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# Security posture: tenant %s\n\n", r.TenantID)
	fmt.Fprintf(&b, "Generated %s from %d graph nodes; %d rules run.\n\n", r.GeneratedAt, r.Nodes, r.RulesRun)
	b.WriteString("## Summary\n\n| severity | findings |\n|---|---:|\n")
	for _, s := range Severities {
		fmt.Fprintf(&b, "| %s | %d |\n", s, r.Summary[s])
	}
	fmt.Fprintf(&b, "| **attack paths** | %d |\n\n", len(r.Paths))
	if len(r.Paths) > 0 {
		b.WriteString("## Attack paths\n\n")
		for i, p := range r.Paths {
			fmt.Fprintf(&b, "### %d. %s → %s (%s, %s)\n\n", i+1, p.Steps[0].Name, p.Steps[len(p.Steps)-1].Name, p.Severity, p.TargetKind)
			b.WriteString("```mermaid\nflowchart LR\n")
			for j, s := range p.Steps {
				fmt.Fprintf(&b, "  n%d[\"%s<br/><small>%s</small>\"]\n", j, mermaidText(s.Name), mermaidText(s.Kind))
				if j > 0 {
					fmt.Fprintf(&b, "  n%d -->|%s| n%d\n", j-1, mermaidText(s.Via), j)
				}
			}
			b.WriteString("```\n\n")
			fmt.Fprintf(&b, "Target: `%s`\n\n", p.Target)
		}
	}
	b.WriteString("## Findings\n\n")
	if len(r.Findings) == 0 {
		b.WriteString("No findings.\n")
	}
	for i := 0; i < len(r.Findings); {
		f := r.Findings[i]
		j := i
		for j < len(r.Findings) && r.Findings[j].RuleID == f.RuleID {
			j++
		}
		fmt.Fprintf(&b, "### %s: %s\n\n", f.RuleID, f.Title)
		fmt.Fprintf(&b, "Severity **%s** · STRIDE: %s · MCSB: %s · %d resource(s)\n\n", f.Severity, f.STRIDE, f.MCSB, j-i)
		b.WriteString("| resource | evidence |\n|---|---|\n")
		for _, x := range r.Findings[i:j] {
			res := "`" + mdCell(x.ResourceID) + "`"
			if x.Location != nil {
				res += fmt.Sprintf(" (%s:%d)", x.Location.File, x.Location.Line)
			}
			var evs []string
			for _, e := range x.Evidence {
				v, _ := json.Marshal(e.Value)
				s := "`" + e.Path + "` = `" + mdCell(string(v)) + "`"
				if e.Resource != "" && !strings.EqualFold(e.Resource, x.ResourceID) {
					s += " on `" + mdCell(shortID(e.Resource)) + "`"
				}
				evs = append(evs, s)
			}
			fmt.Fprintf(&b, "| %s | %s |\n", res, strings.Join(evs, "<br>"))
		}
		fmt.Fprintf(&b, "\n**Fix:** %s\n\n", f.Fix)
		i = j
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mermaidText(s string) string {
	r := strings.NewReplacer(`"`, "#quot;", "|", "#124;", "[", "(", "]", ")", "{", "(", "}", ")", "<", "#lt;", ">", "#gt;", "\n", " ")
	return r.Replace(s)
}

func mdCell(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "`", "'") }

// shortID is the last two segments of an ARM id (type/name) for compact evidence.
func shortID(id string) string {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	if len(parts) <= 2 {
		return id
	}
	return strings.Join(parts[len(parts)-2:], "/")
}
