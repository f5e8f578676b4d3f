// Package rules derives graph edges from node JSON: every relationship in
// docs/design/GRAPH.md as a pure function of one node (plus an Index of the node keys the
// graph knows), and the generic REFERENCES fallback. Nodes come from engine/discover
// (NodeFromARM and the other node transforms); ARM ids are parsed with engine/armid.ParseKey.
//
// # Entry points
//
//   - Apply(n, idx): the edges (and shared Tag/Region nodes) evidenced by one node.
//   - ApplyAll(nodes, idx): Apply over many nodes, deduplicated, REFERENCES yielding to named
//     edges across nodes, sorted by (tenant, type, from, to). Runs in parallel chunks for
//     large inputs; idx must then be safe for concurrent reads (MapIndex and NodeIndex are).
//   - Named: the rule table (edge type, source label/types, evidence); Apply dispatches on it.
//   - RegionCode: the location normalisation the rules use (ARM ids: engine/armid.ParseKey).
//
// # Decisions
//
//   - CONTAINS forms a tree: each ARM node is contained by its closest enclosing id only
//     (subnet <- VNet <- resource group <- subscription <- tenant; an extension resource
//     such as a diagnostic setting <- the resource it extends). Query "everything in a
//     resource group" with CONTAINS* or the resource_group prop.
//   - Named rules emit edges to targets the index does not know when the label is certain
//     from the evidence (any well-formed ARM id; a principal whose type is stated); the
//     store skips edges whose endpoint was never written. The index's label always wins.
//   - Named rules check the target's ARM type where the edge implies one (a SECURED_BY
//     target must be a network security group, …), so junk ids do not become named edges.
//   - REFERENCES: every string in the node's JSON (ids at the start of a string and any
//     "/subscriptions/…" embedded in URLs or expressions) resolves to the longest prefix
//     the index knows, never climbing to a resource group or subscription unless the string
//     is exactly that id. Skipped: the node itself, its ancestors and descendants (CONTAINS
//     covers them), and targets of named edges from the same node. Among several paths to
//     one target, the lexicographically smallest is kept.
//   - Role definitions: HAS_ROLE tries the assignment's id, the tenant-level form
//     /providers/microsoft.authorization/roledefinitions/<guid>, the assignment's
//     subscription form, then a RoleDefinitionResolver lookup by GUID; unknown ones keep
//     the id as given.
//   - Key Vault references by DNS name need a VaultResolver (NodeIndex implements it;
//     ApplyAll also resolves vaults among the nodes it is given).
//   - Tags: node id "key=value" with the key and value as written (not case-folded).
//     Regions: location lower-cased with everything but letters and digits removed.
package rules
