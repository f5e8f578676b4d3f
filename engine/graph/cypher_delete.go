package graph

import (
	"fmt"
	"strings"
)

// Deletes by explicit key (incremental scans remove exactly what changed away).

// DeleteNodeEdgesByIDCypher deletes up to $limit relationships of the label's nodes whose uids
// are in $uids and returns `deleted`; run it until it deletes fewer than $limit, then
// DeleteNodesByIDCypher.
func (s NodeSchema) DeleteNodeEdgesByIDCypher() string {
	return fmt.Sprintf("UNWIND $uids AS u\nMATCH (n:%s {%s: u})-[r]-()\n", CypherName(string(s.Label)), SysUID) +
		"WITH DISTINCT r LIMIT $limit\nDELETE r\nRETURN count(*) AS deleted"
}

// DeleteNodesByIDCypher deletes the label's nodes whose uids are in $uids (their relationships
// gone first, see DeleteNodeEdgesByIDCypher) and returns `deleted`.
func (s NodeSchema) DeleteNodesByIDCypher() string {
	return fmt.Sprintf("UNWIND $uids AS u\nMATCH (n:%s {%s: u})\n", CypherName(string(s.Label)), SysUID) +
		"DETACH DELETE n\nRETURN count(*) AS deleted"
}

// DeleteEdgesByUIDCypher deletes the relationships of this type whose uids (EdgeUID) are in
// $uids and returns `deleted`.
func (e EdgeSchema) DeleteEdgesByUIDCypher() string {
	return fmt.Sprintf("UNWIND $uids AS u\nMATCH ()-[r:%s {%s: u}]->()\n", CypherName(string(e.Type)), SysUID) +
		"DELETE r\nRETURN count(*) AS deleted"
}

// NodeHeadsPageCypher returns the next page (by uid, after $after and before $end, at most
// $limit) of every label's nodes without their props: columns uid, label, id, first, last and
// the scoping facts sub, rg, type (null where the label has none).
func NodeHeadsPageCypher() string {
	var parts []string
	for _, s := range NodeSchemas() {
		fact := func(p string) string {
			if p == "" {
				return "null"
			}
			return "n." + CypherName(p)
		}
		parts = append(parts, fmt.Sprintf("  MATCH (n:%s) WHERE n.%s > $after AND n.%s < $end\n", CypherName(string(s.Label)), SysUID, SysUID)+
			fmt.Sprintf("  RETURN n.%s AS uid, '%s' AS label, n.%s AS id, n.%s AS first, n.%s AS last, %s AS sub, %s AS rg, %s AS type ORDER BY n.%s LIMIT $limit",
				SysUID, s.Label, SysNodeID, SysFirstSeen, SysLastSeen, fact(s.SubscriptionProp), fact(s.ResourceGroupProp), fact(s.TypeProp), SysUID))
	}
	return "CALL {\n" + strings.Join(parts, "\n  UNION ALL\n") + "\n}\nRETURN uid, label, id, first, last, sub, rg, type ORDER BY uid LIMIT $limit"
}
