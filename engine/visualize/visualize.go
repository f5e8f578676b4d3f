// Package visualize renders a tenant's graph as one self-contained, interactive HTML file:
// sigma.js (WebGL) + graphology + ForceAtlas2, vendored and embedded with go:embed, the data
// inline and compact, no network at view time (a Content-Security-Policy forbids it).
package visualize

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/posture"
	"github.com/atg-go/atg/engine/secrets"
)

//go:embed assets/vendor.js
var vendorJS string

//go:embed assets/app.js
var appJS string

//go:embed assets/app.css
var appCSS string

//go:embed assets/LICENSES.txt
var licenses string

//go:embed assets/page.html
var pageHTML string

// Filter limits what is drawn. Empty fields match everything.
type Filter struct {
	Subscriptions  []string // subscription GUIDs
	ResourceGroups []string // resource group names
	Types          []string // lower-cased ARM types
}

// Options tune the page.
type Options struct {
	Title string
	// CollapseAbove collapses resource groups initially when more nodes than this are drawn
	// (default 3000); users expand groups on demand.
	CollapseAbove int
}

// Data is the compact page model: string tables plus index arrays, so 10k resources stay small.
type Data struct {
	Tenant    string   `json:"tenant"`
	Labels    []string `json:"labels"`
	Types     []string `json:"types"`
	EdgeTypes []string `json:"edgeTypes"`
	Subs      []string `json:"subs"`  // display names
	RGs       []RG     `json:"rgs"`   //
	Nodes     []NodeR  `json:"nodes"` //
	Edges     [][3]int `json:"edges"` // [from node index, to node index, edge type index]
	Collapse  int      `json:"collapse"`
	Skipped   int      `json:"skippedEdges"`
	// Posture overlays findings and attack paths (ApplyPosture); nil without --posture.
	Posture *PostureData `json:"posture,omitempty"`
}

// RG is a resource group in the page model.
type RG struct {
	Name string `json:"n"`
	Sub  int    `json:"s"` // index into Subs, -1 when unknown
}

// NodeR is one node: key, display name, label index, type index (-1 for non-resources),
// resource group index (-1), subscription index (-1), and a few key properties.
type NodeR struct {
	Key   string            `json:"k"`
	Name  string            `json:"n"`
	Label int               `json:"l"`
	Type  int               `json:"t"`
	RG    int               `json:"g"`
	Sub   int               `json:"s"`
	Props map[string]string `json:"p,omitempty"`
}

var drawnLabels = []graph.Label{graph.LabelSubscription, graph.LabelResourceGroup, graph.LabelResource,
	graph.LabelUser, graph.LabelGroup, graph.LabelServicePrincipal, graph.LabelApplication, graph.LabelRoleAssignment, graph.LabelRoleDefinition}

// Build reads a tenant's graph into the page model. Tags and regions are left out (they would
// turn every resource into one hairball); built-in role definitions only when assigned.
func Build(ctx context.Context, store graph.Store, tenantID string, f Filter, o Options) (*Data, error) {
	d := &Data{Tenant: tenantID, Collapse: o.CollapseAbove}
	if d.Collapse <= 0 {
		d.Collapse = 3000
	}
	idx := map[string]int{}
	tabs := struct{ labels, types, subs, etypes map[string]int }{map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}}
	intern := func(m map[string]int, list *[]string, s string) int {
		if i, ok := m[s]; ok {
			return i
		}
		m[s] = len(*list)
		*list = append(*list, s)
		return m[s]
	}
	rgIdx := map[string]int{}
	subNames := map[string]string{}
	rgFilter := lowerSet(f.ResourceGroups)
	typeFilter := lowerSet(f.Types)
	subFilter := lowerSet(f.Subscriptions)

	var nodes []graph.Node
	err := store.Nodes(ctx, tenantID, graph.NodeQuery{Labels: drawnLabels}, func(n graph.Node) error {
		if n.Label == graph.LabelSubscription {
			subNames[subID(n)] = str(n, graph.PropName)
		}
		nodes = append(nodes, n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading nodes: %w", err)
	}
	// Role definitions are drawn only when an assignment uses them.
	usedRoles := map[string]bool{}
	for _, n := range nodes {
		if n.Label == graph.LabelRoleAssignment {
			usedRoles[graph.NormalizeID(str(n, "role_definition_id"))] = true
		}
	}
	sort.Slice(nodes, func(i, j int) bool {
		if nodes[i].Label != nodes[j].Label {
			return nodes[i].Label < nodes[j].Label
		}
		return nodes[i].ID < nodes[j].ID
	})
	subOf := func(n graph.Node) int {
		s := strings.ToLower(str(n, graph.PropSubscription))
		if n.Label == graph.LabelSubscription {
			s = subID(n)
		}
		if s == "" {
			return -1
		}
		name := subNames[s]
		if name == "" {
			name = s
		}
		return intern(tabs.subs, &d.Subs, name)
	}
	for _, n := range nodes {
		sub := strings.ToLower(str(n, graph.PropSubscription))
		if n.Label == graph.LabelSubscription {
			sub = subID(n)
		}
		if len(subFilter) > 0 && sub != "" && !subFilter[sub] {
			continue
		}
		if n.Label == graph.LabelRoleDefinition && !usedRoles[n.ID] {
			continue
		}
		rgName := strings.ToLower(str(n, graph.PropResourceGroup))
		if n.Label == graph.LabelResourceGroup {
			rgName = strings.ToLower(str(n, graph.PropName))
		}
		if len(rgFilter) > 0 && (n.Label == graph.LabelResource || n.Label == graph.LabelResourceGroup) && !rgFilter[rgName] {
			continue
		}
		t := str(n, graph.PropType)
		if len(typeFilter) > 0 && n.Label == graph.LabelResource && !typeFilter[t] {
			continue
		}
		r := NodeR{Key: n.ID, Name: secrets.RedactText(displayName(n)), Label: intern(tabs.labels, &d.Labels, string(n.Label)), Type: -1, RG: -1, Sub: subOf(n)}
		if n.Label == graph.LabelResource {
			r.Type = intern(tabs.types, &d.Types, t)
		}
		if rgName != "" && (n.Label == graph.LabelResource || n.Label == graph.LabelResourceGroup) {
			key := sub + "/" + rgName
			i, ok := rgIdx[key]
			if !ok {
				i = len(d.RGs)
				rgIdx[key] = i
				d.RGs = append(d.RGs, RG{Name: rgName, Sub: r.Sub})
			}
			r.RG = i
		}
		r.Props = keyProps(n)
		idx[n.ID] = len(d.Nodes)
		d.Nodes = append(d.Nodes, r)
	}
	err = store.Edges(ctx, tenantID, graph.EdgeQuery{}, func(e graph.Edge) error {
		a, okA := idx[e.From]
		b, okB := idx[e.To]
		if !okA || !okB {
			d.Skipped++
			return nil
		}
		d.Edges = append(d.Edges, [3]int{a, b, intern(tabs.etypes, &d.EdgeTypes, string(e.Type))})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading edges: %w", err)
	}
	return d, nil
}

func lowerSet(in []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range in {
		m[strings.ToLower(s)] = true
	}
	return m
}

func str(n graph.Node, k string) string { s, _ := n.Props[k].(string); return s }

func subID(n graph.Node) string {
	if s := str(n, graph.PropSubscription); s != "" {
		return strings.ToLower(s)
	}
	return strings.TrimPrefix(n.ID, "/subscriptions/")
}

func displayName(n graph.Node) string {
	for _, k := range []string{"display_name", "role_name", graph.PropName} {
		if s := str(n, k); s != "" {
			return s
		}
	}
	return n.ID
}

// keyProps picks the few properties worth showing on click; never whole JSON, and never a secret
// (each value passes engine/secrets' detector).
func keyProps(n graph.Node) map[string]string {
	p := map[string]string{}
	for _, k := range []string{graph.PropID, graph.PropTypeDisplay, graph.PropLocation, graph.PropKind, "user_principal_name", "app_id", "principal_type", "scope", "state"} {
		if s := str(n, k); s != "" {
			p[k] = s
		}
	}
	if sku, ok := n.Props[graph.PropSKU].(map[string]any); ok {
		if s, _ := sku["name"].(string); s != "" {
			p["sku"] = s
		}
	}
	if oos, _ := n.Props[graph.PropOutOfScope].(bool); oos {
		p["out_of_scope"] = "true"
	}
	if len(p) == 0 {
		return nil
	}
	for k, v := range p {
		if r := secrets.CheckSetting(k, v); r != "" {
			p[k] = secrets.Marker(r)
		}
	}
	return p
}

// Render writes the self-contained HTML page.
func Render(w io.Writer, d *Data, o Options) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encoding graph data: %w", err)
	}
	title := o.Title
	if title == "" {
		title = "ATG · tenant " + d.Tenant
	}
	t, err := template.New("page").Parse(pageHTML)
	if err != nil {
		return fmt.Errorf("parsing page template: %w", err)
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, map[string]any{
		"Title":    title,
		"CSS":      template.CSS(appCSS),
		"Vendor":   template.JS(vendorJS),
		"App":      template.JS(appJS),
		"Data":     template.JS(safeJSON(data)),
		"Licenses": licenses,
	})
	if err != nil {
		return fmt.Errorf("rendering page: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// safeJSON keeps a JSON document from closing the script element it is inlined in.
func safeJSON(b []byte) string {
	s := string(b)
	s = strings.ReplaceAll(s, "<", `\u003c`)
	s = strings.ReplaceAll(s, ">", `\u003e`)
	s = strings.ReplaceAll(s, "&", `\u0026`)
	return s
}

// PostureData overlays security findings and attack paths on the page (atg visualize --posture).
type PostureData struct {
	Findings []PostureNode `json:"findings"`
	Paths    []PosturePath `json:"paths"`
}

// PostureNode is one drawn node with findings: its index, worst severity and rule ids.
type PostureNode struct {
	Node     int      `json:"n"`
	Severity string   `json:"sev"`
	Rules    []string `json:"rules"`
}

// PosturePath is one attack path over drawn nodes (-1 stands for the internet).
type PosturePath struct {
	Title    string `json:"title"`
	Severity string `json:"sev"`
	Nodes    []int  `json:"nodes"`
}

// ApplyPosture attaches a posture report to the page model: every drawn node a finding names
// (its resource or a related one) is marked with its worst severity, and the attack paths whose
// nodes are all drawn become selectable in the side panel.
func ApplyPosture(d *Data, rep *posture.Report) {
	idx := make(map[string]int, len(d.Nodes))
	for i, n := range d.Nodes {
		idx[n.Key] = i
	}
	rank := func(s posture.Severity) int { return slices.Index(posture.Severities, s) }
	byNode := map[int]*PostureNode{}
	var order []int
	for _, f := range rep.Findings {
		i, ok := idx[f.Key]
		if !ok {
			continue
		}
		pn := byNode[i]
		if pn == nil {
			pn = &PostureNode{Node: i, Severity: string(f.Severity)}
			byNode[i] = pn
			order = append(order, i)
		}
		if rank(f.Severity) < rank(posture.Severity(pn.Severity)) {
			pn.Severity = string(f.Severity)
		}
		if !slices.Contains(pn.Rules, f.RuleID) {
			pn.Rules = append(pn.Rules, f.RuleID)
		}
	}
	pd := &PostureData{Findings: []PostureNode{}, Paths: []PosturePath{}}
	sort.Ints(order)
	for _, i := range order {
		pd.Findings = append(pd.Findings, *byNode[i])
	}
	for _, p := range rep.Paths {
		pp := PosturePath{Severity: string(p.Severity), Title: p.Steps[0].Name + " → " + p.Steps[len(p.Steps)-1].Name + " (" + p.TargetKind + ")"}
		drawn := true
		for _, s := range p.Steps {
			if s.ID == posture.InternetID {
				pp.Nodes = append(pp.Nodes, -1)
				continue
			}
			i, ok := idx[graph.NormalizeID(s.ID)]
			if !ok {
				drawn = false
				break
			}
			pp.Nodes = append(pp.Nodes, i)
		}
		if drawn {
			pd.Paths = append(pd.Paths, pp)
		}
	}
	d.Posture = pd
}
