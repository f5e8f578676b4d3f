// Package posture asks the graph security questions: rule-based findings (a declarative table,
// one row per rule, each with its STRIDE category and Microsoft cloud security benchmark
// control) and BloodHound-style attack paths from the internet or low-privilege principals to
// high-value targets. It reads a tenant through the graph.Store interface into a snapshot, so
// it works on both stores, and renders Markdown, JSON and SARIF 2.1.0.
package posture

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/atg-go/atg/engine/graph"
)

// Severity orders findings.
type Severity string

const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Severities lists severities from most to least severe.
var Severities = []Severity{Critical, High, Medium, Low}

func (s Severity) rank() int { return slices.Index(Severities, s) }

// STRIDE is a threat category.
type STRIDE string

const (
	Spoofing              STRIDE = "Spoofing"
	Tampering             STRIDE = "Tampering"
	Repudiation           STRIDE = "Repudiation"
	InformationDisclosure STRIDE = "Information Disclosure"
	DenialOfService       STRIDE = "Denial of Service"
	ElevationOfPrivilege  STRIDE = "Elevation of Privilege"
)

// Category groups rules.
type Category string

const (
	CatNetwork  Category = "internet-exposure"
	CatData     Category = "data-protection"
	CatIdentity Category = "identity"
	CatLogging  Category = "logging"
)

// Evidence is one JSON path (relative to the resource, dotted, with [i] for list items) and the
// value found there, already redacted.
type Evidence struct {
	Resource string `json:"resource,omitempty"` // node key the path is in, when not the finding's resource
	Path     string `json:"path"`
	Value    any    `json:"value"`
}

// Hit is what a rule's check returns for one misconfigured node: the resources involved (the
// checked node is added first) and the evidence.
type Hit struct {
	Related  []string
	Evidence []Evidence
}

// Rule is one row of the rule table.
type Rule struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	Severity Severity `json:"severity"`
	STRIDE   STRIDE   `json:"stride"`
	// MCSB is the Microsoft cloud security benchmark (v1) control id, e.g. "NS-2".
	MCSB     string   `json:"mcsb"`
	Category Category `json:"category"`
	// Types are the lower-cased ARM types whose Resource nodes the rule checks; when empty,
	// Label names the (non-resource) label it checks.
	Types []string    `json:"types,omitempty"`
	Label graph.Label `json:"label,omitempty"`
	// Check returns a hit for a misconfigured node and nil for a compliant one.
	Check func(c *Context, n *graph.Node) *Hit `json:"-"`
	Fix   string                               `json:"fix"`
}

// Context is what checks read: the snapshot, the clock and derived facts computed once.
type Context struct {
	G   *Graph
	Now time.Time
	net *netIndex
	rb  *rbacIndex
}

// Finding is one rule hit on one resource.
type Finding struct {
	RuleID     string     `json:"rule_id"`
	Title      string     `json:"title"`
	Severity   Severity   `json:"severity"`
	STRIDE     STRIDE     `json:"stride"`
	MCSB       string     `json:"mcsb"`
	Category   Category   `json:"category"`
	ResourceID string     `json:"resource_id"` // original casing when known
	Key        string     `json:"-"`           // node key
	Type       string     `json:"resource_type,omitempty"`
	Name       string     `json:"resource_name,omitempty"`
	Resources  []string   `json:"resources"` // every resource involved, the finding's first
	Evidence   []Evidence `json:"evidence"`
	Fix        string     `json:"fix"`
	// Location is the generated Terraform file and line (Report.MapIaC), when known.
	Location *IaCLocation `json:"iac_location,omitempty"`
}

// Options tune a run.
type Options struct {
	// Now is the clock credential-expiry rules compare with (default time.Now).
	Now time.Time
	// Redact masks evidence values (default DefaultRedactor).
	Redact Redactor
	// Rules limits the run to these rule ids (default all).
	Rules []string
	// MaxPaths caps the attack paths reported (default 200; < 0 disables the search).
	MaxPaths int
}

// Report is the result of a run.
type Report struct {
	TenantID    string           `json:"tenant_id"`
	GeneratedAt string           `json:"generated_at"`
	Nodes       int              `json:"nodes"`
	RulesRun    int              `json:"rules_run"`
	Summary     map[Severity]int `json:"summary"`
	Findings    []Finding        `json:"findings"`
	Paths       []Path           `json:"attack_paths"`
	// Rules are the rules that ran (metadata, for SARIF and the report).
	Rules []Rule `json:"-"`
}

// Run evaluates the rule table and searches attack paths over a loaded snapshot.
func Run(ctx context.Context, g *Graph, opts Options) (*Report, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now().UTC()
	}
	if opts.Redact == nil {
		opts.Redact = DefaultRedactor
	}
	if opts.MaxPaths == 0 {
		opts.MaxPaths = 200
	}
	rules, err := selectRules(opts.Rules)
	if err != nil {
		return nil, err
	}
	c := &Context{G: g, Now: opts.Now}
	c.net = buildNetIndex(g)
	c.rb = buildRBACIndex(g)
	rep := &Report{TenantID: g.TenantID, GeneratedAt: opts.Now.UTC().Format(time.RFC3339), Nodes: g.NodeCount(),
		RulesRun: len(rules), Summary: map[Severity]int{}, Findings: []Finding{}, Paths: []Path{}, Rules: rules}
	for _, s := range Severities {
		rep.Summary[s] = 0
	}
	for _, r := range rules {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var targets []*graph.Node
		if len(r.Types) > 0 {
			targets = g.OfType(r.Types...)
		} else {
			targets = g.OfLabel(r.Label)
		}
		for _, n := range targets {
			h := r.Check(c, n)
			if h == nil {
				continue
			}
			f := Finding{RuleID: r.ID, Title: r.Title, Severity: r.Severity, STRIDE: r.STRIDE, MCSB: r.MCSB, Category: r.Category,
				ResourceID: displayID(n), Key: n.ID, Type: typeOf(n), Name: displayName(n), Fix: r.Fix, Resources: []string{displayID(n)}}
			for _, id := range h.Related {
				if rn := g.Node(id); rn != nil {
					id = displayID(rn)
				}
				if !slices.Contains(f.Resources, id) {
					f.Resources = append(f.Resources, id)
				}
			}
			for _, e := range h.Evidence {
				e.Value = opts.Redact(e.Path, e.Value)
				f.Evidence = append(f.Evidence, e)
			}
			rep.Findings = append(rep.Findings, f)
			rep.Summary[r.Severity]++
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		return cmp.Or(cmp.Compare(a.Severity.rank(), b.Severity.rank()), cmp.Compare(a.RuleID, b.RuleID), cmp.Compare(a.Key, b.Key)) < 0
	})
	if opts.MaxPaths > 0 {
		rep.Paths = findPaths(c, opts.MaxPaths)
	}
	return rep, nil
}

// Assess loads the tenant from the store and runs.
func Assess(ctx context.Context, s graph.Store, tenantID string, opts Options) (*Report, error) {
	g, err := Load(ctx, s, tenantID)
	if err != nil {
		return nil, err
	}
	if g.NodeCount() == 0 {
		return nil, fmt.Errorf("posture: tenant %s has no graph (scan it first): %w", g.TenantID, graph.ErrNotFound)
	}
	return Run(ctx, g, opts)
}

func selectRules(ids []string) ([]Rule, error) {
	if len(ids) == 0 {
		return Rules(), nil
	}
	var out []Rule
	for _, id := range ids {
		r, ok := RuleByID(id)
		if !ok {
			return nil, fmt.Errorf("posture: unknown rule %q", id)
		}
		out = append(out, r)
	}
	return out, nil
}

// Rules returns the rule table in id order.
func Rules() []Rule {
	out := slices.Clone(ruleTable)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// RuleByID finds a rule (case-insensitive).
func RuleByID(id string) (Rule, bool) {
	for _, r := range ruleTable {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return Rule{}, false
}

// ev is shorthand for one evidence item read from n at path.
func ev(n *graph.Node, path string) Evidence { return Evidence{Path: path, Value: get(n, path)} }

func hit(evs ...Evidence) *Hit { return &Hit{Evidence: evs} }
