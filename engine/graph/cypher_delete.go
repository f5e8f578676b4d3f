package graph

import "fmt"

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
