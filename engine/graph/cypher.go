package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Cypher generated from the schemas (STYLE.md §14). Labels, relationship types and property
// names come only from the schema values (constants); every value is a parameter:
//
//	$rows             UNWIND rows of a merge (see MergeNodesCypher, MergeEdgesCypher)
//	$prefix, $scan    tenant_id + "|" (the uid prefix of a tenant's nodes and edges), scan id
//	$tenant, $nul     tenant_id and "\x00" (edge merges, see MergeEdgesParams)
//	$subscriptions    lower-cased subscription GUIDs of a Scope/NodeQuery
//	$resource_groups  lower-cased resource group names
//	$types            ARM types (NodeQuery) or edge types (owned-edge cleanup)
//	$uids             node uids (NodeQuery.IDs), $from / $to edge endpoint uids
//	$after, $end      keyset pagination bounds on uid; $limit page/chunk size

// CypherName quotes a label, relationship type or property name.
func CypherName(s string) string { return "`" + strings.ReplaceAll(s, "`", "``") + "`" }

func lname(l Label) string    { return strings.ToLower(string(l)) }
func tname(t EdgeType) string { return strings.ToLower(string(t)) }

// SchemaCypher returns the constraints and indexes of a label: a uniqueness constraint on uid
// (Neo4j 5 Community supports single-property uniqueness; composite node keys need Enterprise)
// and one (tenant_id, prop) index per Indexed prop, for ad-hoc Cypher. The store's own tenant
// predicates are `uid STARTS WITH $prefix` (tenant_id + "|"): a seek on the uid index, so no
// separate tenant_id index has to be maintained on every write.
func (s NodeSchema) SchemaCypher() []string {
	l := CypherName(string(s.Label))
	out := []string{
		fmt.Sprintf("CREATE CONSTRAINT atg_%s_uid IF NOT EXISTS FOR (n:%s) REQUIRE n.%s IS UNIQUE", lname(s.Label), l, SysUID),
	}
	for _, p := range s.Indexed {
		out = append(out, fmt.Sprintf("CREATE INDEX atg_%s_%s IF NOT EXISTS FOR (n:%s) ON (n.%s, n.%s)",
			lname(s.Label), p, l, SysTenantID, CypherName(p)))
	}
	return out
}

// SchemaCypher returns the relationship uniqueness constraint of an edge type on uid (keyset
// pagination, tenant scoping by prefix, and the guard of CreateEdgesBody's CREATE: two writers
// that both find an edge missing cannot both create it). It replaces the plain uid index of
// earlier versions, dropped first (an index and a constraint cannot cover the same property).
func (e EdgeSchema) SchemaCypher() []string {
	t := CypherName(string(e.Type))
	return []string{
		fmt.Sprintf("DROP INDEX atg_rel_%s_uid IF EXISTS", tname(e.Type)),
		fmt.Sprintf("CREATE CONSTRAINT atg_rel_%s_key IF NOT EXISTS FOR ()-[r:%s]-() REQUIRE r.%s IS UNIQUE", tname(e.Type), t, SysUID),
	}
}

// AllSchemaCypher returns every constraint and index statement, labels first.
func AllSchemaCypher() []string {
	var out []string
	for _, s := range NodeSchemas() {
		out = append(out, s.SchemaCypher()...)
	}
	for _, e := range EdgeSchemas() {
		out = append(out, e.SchemaCypher()...)
	}
	return out
}

// MergeNodesCypher upserts $rows of props maps: every stored property of a node (see
// EncodeStoredProps plus uid, node_id, tenant_id, first_seen, last_seen), the uid being the
// merge key. first_seen is kept from the first write. The props are set in MERGE's ON CREATE /
// ON MATCH with one SET each (not in a later SET that reads first_seen back), so the plan
// streams rows without an Eager buffer; a new node gets its map in one write (a second
// `SET n.first_seen` after `SET n = props` cost ~10% more Neo4j CPU per node).
func (s NodeSchema) MergeNodesCypher() string {
	return "UNWIND $rows AS props\n" +
		fmt.Sprintf("MERGE (n:%s {%s: props.%s})\n", CypherName(string(s.Label)), SysUID, SysUID) +
		"ON CREATE SET n = props\n" +
		fmt.Sprintf("ON MATCH SET n = props {.*, %s: coalesce(n.%s, props.%s)}", SysFirstSeen, SysFirstSeen, SysFirstSeen)
}

// MergeEdgesCypher upserts $rows of {from, to, first_seen, props} (from/to are node ids,
// props the encoded edge props without the store-level ones) between existing nodes, with the
// batch parameters of MergeEdgesParams; rows whose endpoints are missing write nothing. It
// returns the number of rows written as `written`. The store-level props (uid, tenant_id,
// last_seen) and the endpoint uids are built in the statement rather than sent in every row,
// which halves the rows; like MergeNodesCypher, it sets the props in ON CREATE / ON MATCH so
// the plan has no Eager buffer. The statement is
// MergeEdgesHeader(param) + "\nUNWIND $rows AS row\n" + MergeEdgesBody(from, to).
func (e EdgeSchema) MergeEdgesCypher(from, to Label) string {
	return MergeEdgesHeader(func(name string) string { return "$" + name }) + "\nUNWIND $rows AS row\n" + e.MergeEdgesBody(from, to)
}

// mergeEdgesParamNames are the batch parameters of MergeEdgesCypher, in header order.
var mergeEdgesParamNames = []string{"prefix", "tenant", "scan", "nul"}

// MergeEdgesParams returns the batch parameters of MergeEdgesCypher besides $rows: the uid
// prefix, tenant id and scan id of the batch, and the NUL that separates the endpoints in an
// edge uid (EdgeUID).
func MergeEdgesParams(tenantID, scanID string) map[string]any {
	return map[string]any{"prefix": tenantID + "|", "tenant": tenantID, "scan": scanID, "nul": "\x00"}
}

// MergeEdgesHeader binds the batch parameters of MergeEdgesCypher to variables of the same
// names; expr renders a parameter's value (the parameter itself, or a literal in an export).
func MergeEdgesHeader(expr func(name string) string) string {
	parts := make([]string, len(mergeEdgesParamNames))
	for i, n := range mergeEdgesParamNames {
		parts[i] = expr(n) + " AS " + n
	}
	return "WITH " + strings.Join(parts, ", ")
}

// MergeEdgesBody is MergeEdgesCypher after its UNWIND of rows.
func (e EdgeSchema) MergeEdgesBody(from, to Label) string {
	return edgeEndpoints(from, to) +
		fmt.Sprintf("MERGE (a)-[r:%s]->(b)\n", CypherName(string(e.Type))) +
		"ON CREATE SET r = " + edgeProps("row.first_seen") + "\n" +
		"ON MATCH SET r = " + edgeProps(fmt.Sprintf("coalesce(r.%s, row.first_seen)", SysFirstSeen)) + "\n" +
		"RETURN count(*) AS written"
}

// CreateEdgesCypher writes the same $rows as MergeEdgesCypher, with the same parameters and
// result, without MERGE: an existing relationship (OPTIONAL MATCH) gets its props set, a
// missing one is CREATEd. MERGE locks both endpoints from its first row until the commit, so
// concurrent edge transactions wait on each other and deadlock; CREATE takes its node locks at
// commit, in order. What MERGE's locks guaranteed, the uid uniqueness constraint (SchemaCypher)
// guarantees here: when two writers create the same edge, the second fails with
// Neo.ClientError.Schema.ConstraintValidationFailed and the store runs that batch again with
// MergeEdgesCypher — as it does when a batch holds one edge twice.
func (e EdgeSchema) CreateEdgesCypher(from, to Label) string {
	t := CypherName(string(e.Type))
	return MergeEdgesHeader(func(name string) string { return "$" + name }) + "\nUNWIND $rows AS row\n" +
		edgeEndpoints(from, to) +
		fmt.Sprintf("OPTIONAL MATCH (a)-[r:%s]->(b)\n", t) +
		fmt.Sprintf("FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:%s]->(b) SET n = %s)\n", t, edgeProps("row.first_seen")) +
		fmt.Sprintf("FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = %s)\n", edgeProps(fmt.Sprintf("coalesce(r.%s, row.first_seen)", SysFirstSeen))) +
		"RETURN count(*) AS written"
}

// edgeEndpoints binds a row's endpoint uids and MATCHes the endpoints (a, b).
func edgeEndpoints(from, to Label) string {
	return "WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul\n" +
		fmt.Sprintf("MATCH (a:%s {%s: from})\n", CypherName(string(from)), SysUID) +
		fmt.Sprintf("MATCH (b:%s {%s: to})\n", CypherName(string(to)), SysUID)
}

// edgeProps is the stored property map of an edge row: its props with the store-level ones
// (uid = EdgeUID from the ids, tenant_id, last_seen) and first_seen = first.
func edgeProps(first string) string {
	return fmt.Sprintf("props {.*, %s: from + nul + row.to, %s: tenant, %s: scan, %s: %s}", SysUID, SysTenantID, SysLastSeen, SysFirstSeen, first)
}

// scopeWhere is the predicate "node v of this label is covered by the scope" (see
// NodeSchema.ScopeCovers); ok is false when no node of the label can be.
func (s NodeSchema) scopeWhere(v string, sc Scope) (string, bool) {
	if !s.scopePossible(sc) {
		return "", false
	}
	conds := []string{fmt.Sprintf("%s.%s STARTS WITH $prefix", v, SysUID)}
	if s.Owner == OwnedBySubscription || s.Owner == OwnedByResourceGroup {
		if len(sc.Subscriptions) > 0 {
			conds = append(conds, fmt.Sprintf("toLower(%s.%s) IN $subscriptions", v, CypherName(s.SubscriptionProp)))
		}
	}
	if s.Owner == OwnedByResourceGroup && len(sc.ResourceGroups) > 0 {
		conds = append(conds, fmt.Sprintf("toLower(%s.%s) IN $resource_groups", v, CypherName(s.ResourceGroupProp)))
	}
	return strings.Join(conds, " AND "), true
}

// StaleNodeEdgesCypher deletes up to $limit relationships of the label's stale in-scope nodes
// and returns `deleted`; run it until it deletes fewer than $limit, then StaleNodesCypher.
func (s NodeSchema) StaleNodeEdgesCypher(sc Scope) (string, bool) {
	w, ok := s.scopeWhere("n", sc)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("MATCH (n:%s)-[r]-()\n", CypherName(string(s.Label))) +
		fmt.Sprintf("WHERE %s AND n.%s <> $scan\n", w, SysLastSeen) +
		"WITH DISTINCT r LIMIT $limit\nDELETE r\nRETURN count(*) AS deleted", true
}

// StaleNodesCypher deletes up to $limit stale in-scope nodes of the label and returns `deleted`.
func (s NodeSchema) StaleNodesCypher(sc Scope) (string, bool) {
	w, ok := s.scopeWhere("n", sc)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("MATCH (n:%s)\n", CypherName(string(s.Label))) +
		fmt.Sprintf("WHERE %s AND n.%s <> $scan\n", w, SysLastSeen) +
		"WITH n LIMIT $limit\nDETACH DELETE n\nRETURN count(*) AS deleted", true
}

// StaleOwnedEdgesCypher deletes up to $limit stale relationships of the types in $types whose
// owning endpoint (end) is an in-scope node of this label, and returns `deleted`.
func (s NodeSchema) StaleOwnedEdgesCypher(sc Scope, end EdgeEnd) (string, bool) {
	w, ok := s.scopeWhere("n", sc)
	if !ok {
		return "", false
	}
	pat := "(n:%s)-[r]->()"
	if end == EndTo {
		pat = "(n:%s)<-[r]-()"
	}
	return "MATCH " + fmt.Sprintf(pat, CypherName(string(s.Label))) + "\n" +
		fmt.Sprintf("WHERE %s AND type(r) IN $types AND r.%s <> $scan\n", w, SysLastSeen) +
		"WITH r LIMIT $limit\nDELETE r\nRETURN count(*) AS deleted", true
}

// OwnedEdgeTypes returns the edge types owned by the given end, as strings for $types.
func OwnedEdgeTypes(end EdgeEnd) []string {
	var out []string
	for _, e := range EdgeSchemas() {
		if e.OwnedBy == end {
			out = append(out, string(e.Type))
		}
	}
	return out
}

// DeleteTenantCypher deletes up to $limit nodes (with their relationships) of the label under $prefix.
func (s NodeSchema) DeleteTenantCypher() string {
	return fmt.Sprintf("MATCH (n:%s)\nWHERE n.%s STARTS WITH $prefix\nWITH n LIMIT $limit\nDETACH DELETE n\nRETURN count(*) AS deleted",
		CypherName(string(s.Label)), SysUID)
}

// nodeFilter is the label's part of a NodeQuery; ok is false when no node of it can match.
func (s NodeSchema) nodeFilter(v string, q NodeQuery) (string, bool) {
	if len(q.Labels) > 0 && !slices.Contains(q.Labels, s.Label) {
		return "", false
	}
	conds := []string{fmt.Sprintf("%s.%s > $after AND %s.%s < $end", v, SysUID, v, SysUID)}
	if len(q.IDs) > 0 {
		conds = append(conds, fmt.Sprintf("%s.%s IN $uids", v, SysUID))
	}
	for _, f := range []struct {
		set   bool
		prop  string
		param string
	}{{len(q.Types) > 0, s.TypeProp, "$types"}, {len(q.Subscriptions) > 0, s.SubscriptionProp, "$subscriptions"},
		{len(q.ResourceGroups) > 0, s.ResourceGroupProp, "$resource_groups"}} {
		if !f.set {
			continue
		}
		if f.prop == "" {
			return "", false
		}
		conds = append(conds, fmt.Sprintf("toLower(%s.%s) IN %s", v, CypherName(f.prop), f.param))
	}
	return strings.Join(conds, " AND "), true
}

// NodesPageCypher returns the next page (by uid, after $after and before $end, at most $limit)
// of nodes matching q, as column `n`; ok is false when no label can match.
func NodesPageCypher(q NodeQuery) (string, bool) {
	var parts []string
	for _, s := range NodeSchemas() {
		w, ok := s.nodeFilter("n", q)
		if !ok {
			continue
		}
		parts = append(parts, fmt.Sprintf("  MATCH (n:%s) WHERE %s\n  RETURN n ORDER BY n.%s LIMIT $limit", CypherName(string(s.Label)), w, SysUID))
	}
	if len(parts) == 0 {
		return "", false
	}
	return "CALL {\n" + strings.Join(parts, "\n  UNION ALL\n") + fmt.Sprintf("\n}\nRETURN n ORDER BY n.%s LIMIT $limit", SysUID), true
}

// GetNodeCypher finds the node with uid $uid under any label, as column `n`.
func GetNodeCypher() string {
	var parts []string
	for _, s := range NodeSchemas() {
		parts = append(parts, fmt.Sprintf("MATCH (n:%s {%s: $uid}) RETURN n", CypherName(string(s.Label)), SysUID))
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

// EdgesPageCypher returns the next page of edges of type t (by uid, after $after, before $end,
// at most $limit, optionally from $from / to $to uids) as columns r, from, from_labels, to, to_labels.
func EdgesPageCypher(t EdgeType, q EdgeQuery) string {
	conds := []string{fmt.Sprintf("r.%s > $after AND r.%s < $end", SysUID, SysUID)}
	if len(q.From) > 0 {
		conds = append(conds, fmt.Sprintf("a.%s IN $from", SysUID))
	}
	if len(q.To) > 0 {
		conds = append(conds, fmt.Sprintf("b.%s IN $to", SysUID))
	}
	return fmt.Sprintf("MATCH (a)-[r:%s]->(b)\nWHERE %s\n", CypherName(string(t)), strings.Join(conds, " AND ")) +
		fmt.Sprintf("RETURN r, a.%s AS from, labels(a) AS from_labels, b.%s AS to, labels(b) AS to_labels\n", SysNodeID, SysNodeID) +
		fmt.Sprintf("ORDER BY r.%s LIMIT $limit", SysUID)
}

// StatsNodesCypher counts the $prefix tenant's nodes per label: columns k (label), c.
func StatsNodesCypher() string {
	var parts []string
	for _, s := range NodeSchemas() {
		parts = append(parts, fmt.Sprintf("MATCH (n:%s) WHERE n.%s STARTS WITH $prefix RETURN %q AS k, count(n) AS c",
			CypherName(string(s.Label)), SysUID, string(s.Label)))
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

// StatsTypesCypher counts the $prefix tenant's Resource nodes per lower-cased type: columns k, c.
func StatsTypesCypher() string {
	s := nodeSchemas[LabelResource]
	return fmt.Sprintf("MATCH (n:%s) WHERE n.%s STARTS WITH $prefix AND size(n.%s) > 0\nRETURN toLower(n.%s) AS k, count(n) AS c",
		CypherName(string(s.Label)), SysUID, CypherName(s.TypeProp), CypherName(s.TypeProp))
}

// StatsEdgesCypher counts the $prefix tenant's relationships per type: columns k, c.
func StatsEdgesCypher() string {
	var parts []string
	for _, e := range EdgeSchemas() {
		parts = append(parts, fmt.Sprintf("MATCH ()-[r:%s]->() WHERE r.%s STARTS WITH $prefix RETURN %q AS k, count(r) AS c",
			CypherName(string(e.Type)), SysUID, string(e.Type)))
	}
	return strings.Join(parts, "\nUNION ALL\n")
}

// TenantsCypher lists the distinct tenant ids of all labels: column t.
func TenantsCypher() string {
	var parts []string
	for _, s := range NodeSchemas() {
		parts = append(parts, fmt.Sprintf("MATCH (n:%s) WHERE n.%s IS NOT NULL RETURN DISTINCT n.%s AS t",
			CypherName(string(s.Label)), SysTenantID, SysTenantID))
	}
	return strings.Join(parts, "\nUNION\n")
}
