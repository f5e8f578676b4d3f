// schema
CREATE CONSTRAINT atg_resource_uid IF NOT EXISTS FOR (n:`Resource`) REQUIRE n.uid IS UNIQUE;
CREATE INDEX atg_resource_type IF NOT EXISTS FOR (n:`Resource`) ON (n.tenant_id, n.`type`);
CREATE INDEX atg_resource_subscription_id IF NOT EXISTS FOR (n:`Resource`) ON (n.tenant_id, n.`subscription_id`);

// merge
UNWIND $rows AS props
MERGE (n:`Resource` {uid: props.uid})
ON CREATE SET n = props
ON MATCH SET n = props {.*, first_seen: coalesce(n.first_seen, props.first_seen)}

// stale node edges, whole tenant
MATCH (n:`Resource`)-[r]-()
WHERE n.uid STARTS WITH $prefix AND n.last_seen <> $scan
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale nodes, whole tenant
MATCH (n:`Resource`)
WHERE n.uid STARTS WITH $prefix AND n.last_seen <> $scan
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// stale owned edges (from), whole tenant
MATCH (n:`Resource`)-[r]->()
WHERE n.uid STARTS WITH $prefix AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale owned edges (to), whole tenant
MATCH (n:`Resource`)<-[r]-()
WHERE n.uid STARTS WITH $prefix AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale node edges, subscription
MATCH (n:`Resource`)-[r]-()
WHERE n.uid STARTS WITH $prefix AND toLower(n.`subscription_id`) IN $subscriptions AND n.last_seen <> $scan
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale nodes, subscription
MATCH (n:`Resource`)
WHERE n.uid STARTS WITH $prefix AND toLower(n.`subscription_id`) IN $subscriptions AND n.last_seen <> $scan
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// stale owned edges (from), subscription
MATCH (n:`Resource`)-[r]->()
WHERE n.uid STARTS WITH $prefix AND toLower(n.`subscription_id`) IN $subscriptions AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale owned edges (to), subscription
MATCH (n:`Resource`)<-[r]-()
WHERE n.uid STARTS WITH $prefix AND toLower(n.`subscription_id`) IN $subscriptions AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale node edges, subscription+rg
MATCH (n:`Resource`)-[r]-()
WHERE n.uid STARTS WITH $prefix AND toLower(n.`subscription_id`) IN $subscriptions AND toLower(n.`resource_group`) IN $resource_groups AND n.last_seen <> $scan
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale nodes, subscription+rg
MATCH (n:`Resource`)
WHERE n.uid STARTS WITH $prefix AND toLower(n.`subscription_id`) IN $subscriptions AND toLower(n.`resource_group`) IN $resource_groups AND n.last_seen <> $scan
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// stale owned edges (from), subscription+rg
MATCH (n:`Resource`)-[r]->()
WHERE n.uid STARTS WITH $prefix AND toLower(n.`subscription_id`) IN $subscriptions AND toLower(n.`resource_group`) IN $resource_groups AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// stale owned edges (to), subscription+rg
MATCH (n:`Resource`)<-[r]-()
WHERE n.uid STARTS WITH $prefix AND toLower(n.`subscription_id`) IN $subscriptions AND toLower(n.`resource_group`) IN $resource_groups AND type(r) IN $types AND r.last_seen <> $scan
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// delete tenant
MATCH (n:`Resource`)
WHERE n.uid STARTS WITH $prefix
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted

// nodes page, every filter
CALL {
  MATCH (n:`Resource`) WHERE n.uid > $after AND n.uid < $end AND n.uid IN $uids AND toLower(n.`type`) IN $types AND toLower(n.`subscription_id`) IN $subscriptions AND toLower(n.`resource_group`) IN $resource_groups
  RETURN n ORDER BY n.uid LIMIT $limit
}
RETURN n ORDER BY n.uid LIMIT $limit

