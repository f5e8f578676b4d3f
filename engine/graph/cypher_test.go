package graph

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

var fullScope = Scope{Subscriptions: []string{"s1"}, ResourceGroups: []string{"rg1"}}
var subScope = Scope{Subscriptions: []string{"s1"}}

// goldenCypher renders every statement generated for one node schema.
func goldenCypher(s NodeSchema) string {
	var b strings.Builder
	section := func(name, stmt string, ok bool) {
		fmt.Fprintf(&b, "// %s\n", name)
		if !ok {
			b.WriteString("(none)\n\n")
			return
		}
		b.WriteString(stmt + "\n\n")
	}
	section("schema", strings.Join(s.SchemaCypher(), ";\n")+";", true)
	section("merge", s.MergeNodesCypher(), true)
	for _, sc := range []struct {
		name  string
		scope Scope
	}{{"whole tenant", Scope{}}, {"subscription", subScope}, {"subscription+rg", fullScope}} {
		st, ok := s.StaleNodeEdgesCypher(sc.scope)
		section("stale node edges, "+sc.name, st, ok)
		st, ok = s.StaleNodesCypher(sc.scope)
		section("stale nodes, "+sc.name, st, ok)
		st, ok = s.StaleOwnedEdgesCypher(sc.scope, EndFrom)
		section("stale owned edges (from), "+sc.name, st, ok)
		st, ok = s.StaleOwnedEdgesCypher(sc.scope, EndTo)
		section("stale owned edges (to), "+sc.name, st, ok)
	}
	section("delete tenant", s.DeleteTenantCypher(), true)
	st, ok := NodesPageCypher(NodeQuery{Labels: []Label{s.Label}, Types: []string{"t"}, Subscriptions: []string{"s"}, ResourceGroups: []string{"r"}, IDs: []string{"x"}})
	section("nodes page, every filter", st, ok)
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "cypher", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from golden (go test ./engine/graph -update to accept):\n%s", path, got)
	}
}

func TestGoldenCypherPerLabel(t *testing.T) {
	for _, s := range NodeSchemas() {
		t.Run(string(s.Label), func(t *testing.T) { checkGolden(t, string(s.Label)+".cypher", goldenCypher(s)) })
	}
}

func TestGoldenCypherEdgesAndQueries(t *testing.T) {
	var b strings.Builder
	for _, e := range EdgeSchemas() {
		fmt.Fprintf(&b, "// %s (owned by %v)\n%s;\n%s\n%s\n\n", e.Type, map[EdgeEnd]string{EndFrom: "from", EndTo: "to"}[e.OwnedBy],
			strings.Join(e.SchemaCypher(), ";\n"), e.MergeEdgesCypher(LabelResource, LabelResource), e.CreateEdgesCypher(LabelResource, LabelResource))
	}
	q, _ := NodesPageCypher(NodeQuery{})
	for _, p := range []struct{ name, stmt string }{
		{"nodes page", q}, {"get node", GetNodeCypher()},
		{"edges page", EdgesPageCypher(EdgeContains, EdgeQuery{From: []string{"a"}, To: []string{"b"}})},
		{"stats nodes", StatsNodesCypher()}, {"stats types", StatsTypesCypher()}, {"stats edges", StatsEdgesCypher()},
		{"tenants", TenantsCypher()},
	} {
		fmt.Fprintf(&b, "// %s\n%s\n\n", p.name, p.stmt)
	}
	checkGolden(t, "edges_and_queries.cypher", b.String())
}

var (
	paramRE = regexp.MustCompile(`\$[a-z_]+`)
	nameRE  = regexp.MustCompile("[:]`([^`]+)`")
)

// TestSchemaInvariants walks every schema and everything generated from it.
func TestSchemaInvariants(t *testing.T) {
	if len(NodeSchemas()) != len(Labels) || len(nodeSchemas) != len(Labels) {
		t.Fatalf("%d schemas for %d labels", len(nodeSchemas), len(Labels))
	}
	known := map[string]bool{}
	for _, l := range Labels {
		known[string(l)] = true
	}
	for _, e := range EdgeTypes {
		known[string(e)] = true
	}
	allowedParams := map[string]bool{"$rows": true, "$prefix": true, "$scan": true, "$subscriptions": true, "$resource_groups": true,
		"$types": true, "$uids": true, "$uid": true, "$from": true, "$to": true, "$after": true, "$end": true, "$limit": true,
		"$tenant": true, "$nul": true}
	checkStmt := func(where, st string) {
		if strings.Contains(st, "'") {
			t.Errorf("%s: literal string in Cypher: %s", where, st)
		}
		for _, p := range paramRE.FindAllString(st, -1) {
			if !allowedParams[p] {
				t.Errorf("%s: unknown parameter %s", where, p)
			}
		}
		for _, m := range nameRE.FindAllStringSubmatch(st, -1) {
			if !known[m[1]] {
				t.Errorf("%s: label/type %q is not a constant", where, m[1])
			}
		}
	}
	names := map[string]bool{}
	for _, st := range AllSchemaCypher() {
		checkStmt("schema", st)
		f := strings.Fields(st)
		if len(f) < 3 || !strings.HasPrefix(f[2], "atg_") || names[f[2]] {
			t.Errorf("schema statement name missing or duplicate: %s", st)
		}
		names[f[2]] = true
		if !strings.Contains(st, "IF NOT EXISTS") && !strings.HasPrefix(st, "DROP INDEX atg_rel_") {
			t.Errorf("schema statement not idempotent: %s", st)
		}
	}
	scopes := []Scope{{}, subScope, fullScope, {ResourceGroups: []string{"rg1"}}, {Labels: []Label{LabelUser}}}
	facts := []NodeFacts{{}, {Subscription: "s1", ResourceGroup: "rg1"}, {Subscription: "s2", ResourceGroup: "rg1"}, {Subscription: "s1", ResourceGroup: "rg2"}}
	for _, s := range NodeSchemas() {
		if s.Label == "" || s.Owner < OwnedByTenant || s.Owner > SharedInTenant {
			t.Errorf("%s: bad owner %v", s.Label, s.Owner)
		}
		if (s.Owner == OwnedBySubscription || s.Owner == OwnedByResourceGroup) && s.SubscriptionProp == "" {
			t.Errorf("%s: owned by subscription without SubscriptionProp", s.Label)
		}
		if s.Owner == OwnedByResourceGroup && s.ResourceGroupProp == "" {
			t.Errorf("%s: owned by resource group without ResourceGroupProp", s.Label)
		}
		for _, p := range append([]string{s.SubscriptionProp, s.ResourceGroupProp, s.TypeProp}, s.Indexed...) {
			if p != "" && IsReservedProp(p) && p != SysTenantID {
				t.Errorf("%s: schema prop %q is reserved", s.Label, p)
			}
		}
		checkStmt(string(s.Label)+" merge", s.MergeNodesCypher())
		checkStmt(string(s.Label)+" delete tenant", s.DeleteTenantCypher())
		for _, sc := range scopes {
			// The generated cleanup exists exactly when the Go predicate can hold.
			anyCovered := false
			for _, f := range facts {
				anyCovered = anyCovered || s.ScopeCovers(sc, f)
			}
			for _, gen := range []func(Scope) (string, bool){s.StaleNodeEdgesCypher, s.StaleNodesCypher,
				func(sc Scope) (string, bool) { return s.StaleOwnedEdgesCypher(sc, EndFrom) }} {
				st, ok := gen(sc)
				if ok != anyCovered {
					t.Errorf("%s scope %+v: cypher generated %v, Go predicate covers some facts %v", s.Label, sc, ok, anyCovered)
				}
				if ok {
					checkStmt(string(s.Label)+" cleanup", st)
					if !strings.Contains(st, "$prefix") || !strings.Contains(st, "$scan") || !strings.Contains(st, "LIMIT $limit") {
						t.Errorf("%s: cleanup not tenant/scan scoped and chunked: %s", s.Label, st)
					}
					if (len(sc.Subscriptions) > 0) != strings.Contains(st, "$subscriptions") && s.Owner != OwnedByTenant && s.Owner != SharedInTenant {
						t.Errorf("%s scope %+v: subscription filter mismatch: %s", s.Label, sc, st)
					}
				}
			}
		}
	}
	for _, e := range EdgeSchemas() {
		if e.OwnedBy != EndFrom && e.OwnedBy != EndTo {
			t.Errorf("%s: no owner end", e.Type)
		}
		checkStmt(string(e.Type)+" merge", e.MergeEdgesCypher(LabelResource, LabelRegion))
		checkStmt(string(e.Type)+" create", e.CreateEdgesCypher(LabelResource, LabelRegion))
		for _, st := range e.SchemaCypher() {
			checkStmt(string(e.Type)+" schema", st)
		}
	}
	if got := append(OwnedEdgeTypes(EndFrom), OwnedEdgeTypes(EndTo)...); len(got) != len(EdgeTypes) {
		t.Errorf("owned edge types cover %d of %d types", len(got), len(EdgeTypes))
	}
	for _, st := range []string{GetNodeCypher(), StatsNodesCypher(), StatsEdgesCypher(), StatsTypesCypher(), TenantsCypher(), EdgesPageCypher(EdgeUses, EdgeQuery{})} {
		checkStmt("query", st)
	}
	if !slices.Contains(OwnedEdgeTypes(EndTo), string(EdgeContains)) {
		t.Errorf("CONTAINS must be owned by its child")
	}
}

func TestScopeCovers(t *testing.T) {
	res, rg, sub, ra, user, tag := nodeSchemas[LabelResource], nodeSchemas[LabelResourceGroup], nodeSchemas[LabelSubscription],
		nodeSchemas[LabelRoleAssignment], nodeSchemas[LabelUser], nodeSchemas[LabelTag]
	in := NodeFacts{Subscription: "s1", ResourceGroup: "rg1"}
	out := NodeFacts{Subscription: "s1", ResourceGroup: "rg2"}
	other := NodeFacts{Subscription: "s2", ResourceGroup: "rg1"}
	cases := []struct {
		s     NodeSchema
		sc    Scope
		f     NodeFacts
		cover bool
	}{
		{res, fullScope, in, true}, {res, fullScope, out, false}, {res, fullScope, other, false},
		{res, Scope{Subscriptions: []string{"S1"}, ResourceGroups: []string{"RG1"}}, in, true},
		{res, subScope, out, true}, {res, Scope{}, other, true},
		{res, Scope{Labels: []Label{LabelUser}}, in, false},
		{rg, fullScope, in, true},
		{sub, fullScope, in, false}, {sub, subScope, in, true}, {sub, subScope, other, false}, {sub, Scope{}, NodeFacts{}, true},
		{ra, subScope, NodeFacts{}, false}, {ra, Scope{}, NodeFacts{}, true},
		{user, fullScope, NodeFacts{}, true}, {user, Scope{Labels: []Label{LabelResource}}, NodeFacts{}, false},
		{tag, subScope, NodeFacts{}, false}, {tag, Scope{}, NodeFacts{}, true},
	}
	for i, c := range cases {
		if got := c.s.ScopeCovers(c.sc, c.f); got != c.cover {
			t.Errorf("case %d: %s %+v %+v: covers %v, want %v", i, c.s.Label, c.sc, c.f, got, c.cover)
		}
	}
}

func TestValidate(t *testing.T) {
	n, err := ValidateNode("t", Node{Label: LabelResource, ID: "/Subscriptions/X/"})
	if err != nil || n.ID != "/subscriptions/x" || n.TenantID != "t" {
		t.Errorf("ValidateNode: %+v %v", n, err)
	}
	for _, bad := range []Node{{Label: "X", ID: "a"}, {Label: LabelUser, ID: " "}, {Label: LabelUser, ID: "a\x00b"},
		{Label: LabelUser, ID: "a", Props: map[string]any{SysLastSeen: "x"}}, {Label: LabelUser, ID: "a", Props: map[string]any{SysTenantID: "other"}}} {
		if _, err := ValidateNode("t", bad); err == nil {
			t.Errorf("ValidateNode(%+v): no error", bad)
		}
	}
	if _, err := ValidateEdge("t", Edge{Type: EdgeUses, FromLabel: LabelResource, From: "a", ToLabel: "Nope", To: "b"}); err == nil {
		t.Errorf("ValidateEdge with unknown label: no error")
	}
	if _, err := CheckTenant("a|b"); err == nil {
		t.Errorf("CheckTenant(a|b): no error")
	}
}
