// schema
CREATE CONSTRAINT atg_roledefinition_uid IF NOT EXISTS FOR (n:`RoleDefinition`) REQUIRE n.uid IS UNIQUE;

// merge
UNWIND $rows AS props
MERGE (n:`RoleDefinition` {uid: props.uid})
ON CREATE SET n = props
ON MATCH SET n = props {.*, first_seen: coalesce(n.first_seen, props.first_seen)}

// stale node edges, whole tenant
MATCH (n:`RoleDefinition`)-[r]-()
WHERE n.uid STARTS WITH $prefix AND n.last_seen <> $scan
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale nodes, whole tenant
MATCH (n:`RoleDefinition`)
WHERE n.uid STARTS WITH $prefix AND n.last_seen <> $scan
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// stale owned edges (from), whole tenant
MATCH (n:`RoleDefinition`)-[r]->()
WHERE n.uid STARTS WITH $prefix AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale owned edges (to), whole tenant
MATCH (n:`RoleDefinition`)<-[r]-()
WHERE n.uid STARTS WITH $prefix AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale node edges, subscription
MATCH (n:`RoleDefinition`)-[r]-()
WHERE n.uid STARTS WITH $prefix AND n.last_seen <> $scan
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale nodes, subscription
MATCH (n:`RoleDefinition`)
WHERE n.uid STARTS WITH $prefix AND n.last_seen <> $scan
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// stale owned edges (from), subscription
MATCH (n:`RoleDefinition`)-[r]->()
WHERE n.uid STARTS WITH $prefix AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale owned edges (to), subscription
MATCH (n:`RoleDefinition`)<-[r]-()
WHERE n.uid STARTS WITH $prefix AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale node edges, subscription+rg
MATCH (n:`RoleDefinition`)-[r]-()
WHERE n.uid STARTS WITH $prefix AND n.last_seen <> $scan
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale nodes, subscription+rg
MATCH (n:`RoleDefinition`)
WHERE n.uid STARTS WITH $prefix AND n.last_seen <> $scan
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// stale owned edges (from), subscription+rg
MATCH (n:`RoleDefinition`)-[r]->()
WHERE n.uid STARTS WITH $prefix AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale owned edges (to), subscription+rg
MATCH (n:`RoleDefinition`)<-[r]-()
WHERE n.uid STARTS WITH $prefix AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// delete tenant
MATCH (n:`RoleDefinition`)
WHERE n.uid STARTS WITH $prefix
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// nodes page, every filter
(none)

