// CONTAINS (owned by to)
DROP INDEX atg_rel_contains_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_contains_key IF NOT EXISTS FOR ()-[r:`CONTAINS`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`CONTAINS`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`CONTAINS`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`CONTAINS`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// CONNECTED_TO (owned by from)
DROP INDEX atg_rel_connected_to_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_connected_to_key IF NOT EXISTS FOR ()-[r:`CONNECTED_TO`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`CONNECTED_TO`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`CONNECTED_TO`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`CONNECTED_TO`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// USES (owned by from)
DROP INDEX atg_rel_uses_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_uses_key IF NOT EXISTS FOR ()-[r:`USES`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`USES`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`USES`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`USES`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// SECURED_BY (owned by from)
DROP INDEX atg_rel_secured_by_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_secured_by_key IF NOT EXISTS FOR ()-[r:`SECURED_BY`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`SECURED_BY`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`SECURED_BY`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`SECURED_BY`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// ROUTES_VIA (owned by from)
DROP INDEX atg_rel_routes_via_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_routes_via_key IF NOT EXISTS FOR ()-[r:`ROUTES_VIA`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`ROUTES_VIA`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`ROUTES_VIA`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`ROUTES_VIA`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// HAS_PUBLIC_IP (owned by from)
DROP INDEX atg_rel_has_public_ip_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_has_public_ip_key IF NOT EXISTS FOR ()-[r:`HAS_PUBLIC_IP`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`HAS_PUBLIC_IP`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`HAS_PUBLIC_IP`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`HAS_PUBLIC_IP`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// PRIVATE_ENDPOINT_FOR (owned by from)
DROP INDEX atg_rel_private_endpoint_for_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_private_endpoint_for_key IF NOT EXISTS FOR ()-[r:`PRIVATE_ENDPOINT_FOR`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`PRIVATE_ENDPOINT_FOR`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`PRIVATE_ENDPOINT_FOR`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`PRIVATE_ENDPOINT_FOR`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// PEERED_WITH (owned by from)
DROP INDEX atg_rel_peered_with_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_peered_with_key IF NOT EXISTS FOR ()-[r:`PEERED_WITH`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`PEERED_WITH`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`PEERED_WITH`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`PEERED_WITH`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// LINKED_TO (owned by from)
DROP INDEX atg_rel_linked_to_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_linked_to_key IF NOT EXISTS FOR ()-[r:`LINKED_TO`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`LINKED_TO`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`LINKED_TO`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`LINKED_TO`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// HOSTED_ON (owned by from)
DROP INDEX atg_rel_hosted_on_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_hosted_on_key IF NOT EXISTS FOR ()-[r:`HOSTED_ON`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`HOSTED_ON`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`HOSTED_ON`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`HOSTED_ON`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// USES_IDENTITY (owned by from)
DROP INDEX atg_rel_uses_identity_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_uses_identity_key IF NOT EXISTS FOR ()-[r:`USES_IDENTITY`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`USES_IDENTITY`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`USES_IDENTITY`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`USES_IDENTITY`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// ASSIGNED_TO (owned by from)
DROP INDEX atg_rel_assigned_to_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_assigned_to_key IF NOT EXISTS FOR ()-[r:`ASSIGNED_TO`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`ASSIGNED_TO`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`ASSIGNED_TO`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`ASSIGNED_TO`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// HAS_ROLE (owned by from)
DROP INDEX atg_rel_has_role_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_has_role_key IF NOT EXISTS FOR ()-[r:`HAS_ROLE`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`HAS_ROLE`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`HAS_ROLE`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`HAS_ROLE`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// APPLIES_TO (owned by from)
DROP INDEX atg_rel_applies_to_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_applies_to_key IF NOT EXISTS FOR ()-[r:`APPLIES_TO`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`APPLIES_TO`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`APPLIES_TO`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`APPLIES_TO`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// MEMBER_OF (owned by from)
DROP INDEX atg_rel_member_of_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_member_of_key IF NOT EXISTS FOR ()-[r:`MEMBER_OF`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`MEMBER_OF`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`MEMBER_OF`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`MEMBER_OF`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// SENDS_DIAGNOSTICS_TO (owned by from)
DROP INDEX atg_rel_sends_diagnostics_to_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_sends_diagnostics_to_key IF NOT EXISTS FOR ()-[r:`SENDS_DIAGNOSTICS_TO`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`SENDS_DIAGNOSTICS_TO`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`SENDS_DIAGNOSTICS_TO`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`SENDS_DIAGNOSTICS_TO`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// USES_KEY_VAULT (owned by from)
DROP INDEX atg_rel_uses_key_vault_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_uses_key_vault_key IF NOT EXISTS FOR ()-[r:`USES_KEY_VAULT`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`USES_KEY_VAULT`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`USES_KEY_VAULT`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`USES_KEY_VAULT`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// TAGGED_WITH (owned by from)
DROP INDEX atg_rel_tagged_with_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_tagged_with_key IF NOT EXISTS FOR ()-[r:`TAGGED_WITH`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`TAGGED_WITH`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`TAGGED_WITH`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`TAGGED_WITH`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// LOCATED_IN (owned by from)
DROP INDEX atg_rel_located_in_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_located_in_key IF NOT EXISTS FOR ()-[r:`LOCATED_IN`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`LOCATED_IN`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`LOCATED_IN`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`LOCATED_IN`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// REFERENCES (owned by from)
DROP INDEX atg_rel_references_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_references_key IF NOT EXISTS FOR ()-[r:`REFERENCES`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`REFERENCES`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`REFERENCES`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`REFERENCES`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// OWNS (owned by from)
DROP INDEX atg_rel_owns_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_owns_key IF NOT EXISTS FOR ()-[r:`OWNS`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`OWNS`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`OWNS`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`OWNS`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// ELIGIBLE_FOR (owned by from)
DROP INDEX atg_rel_eligible_for_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_eligible_for_key IF NOT EXISTS FOR ()-[r:`ELIGIBLE_FOR`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`ELIGIBLE_FOR`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`ELIGIBLE_FOR`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`ELIGIBLE_FOR`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// GRANTED (owned by from)
DROP INDEX atg_rel_granted_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_granted_key IF NOT EXISTS FOR ()-[r:`GRANTED`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`GRANTED`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`GRANTED`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`GRANTED`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// HAS_APP_ROLE (owned by from)
DROP INDEX atg_rel_has_app_role_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_has_app_role_key IF NOT EXISTS FOR ()-[r:`HAS_APP_ROLE`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`HAS_APP_ROLE`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`HAS_APP_ROLE`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`HAS_APP_ROLE`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// LOCKS (owned by from)
DROP INDEX atg_rel_locks_uid IF EXISTS;
CREATE CONSTRAINT atg_rel_locks_key IF NOT EXISTS FOR ()-[r:`LOCKS`]-() REQUIRE r.uid IS UNIQUE;
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
MERGE (a)-[r:`LOCKS`]->(b)
ON CREATE SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen}
ON MATCH SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)}
RETURN count(*) AS written
WITH $prefix AS prefix, $tenant AS tenant, $scan AS scan, $nul AS nul
UNWIND $rows AS row
WITH row, row.props AS props, prefix + row.from AS from, prefix + row.to AS to, tenant, scan, nul
MATCH (a:`Resource` {uid: from})
MATCH (b:`Resource` {uid: to})
OPTIONAL MATCH (a)-[r:`LOCKS`]->(b)
FOREACH (_ IN CASE WHEN r IS NULL THEN [1] ELSE [] END | CREATE (a)-[n:`LOCKS`]->(b) SET n = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: row.first_seen})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | SET r = props {.*, uid: from + nul + row.to, tenant_id: tenant, last_seen: scan, first_seen: coalesce(r.first_seen, row.first_seen)})
RETURN count(*) AS written

// nodes page
CALL {
  MATCH (n:`Tenant`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Subscription`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`ResourceGroup`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Resource`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`User`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Group`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`ServicePrincipal`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Application`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`RoleDefinition`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`RoleAssignment`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Tag`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Region`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Device`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`DirectoryRole`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`AdministrativeUnit`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`ManagementGroup`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`ScanState`) WHERE n.uid > $after AND n.uid < $end
  RETURN n ORDER BY n.uid LIMIT $limit
}
RETURN n ORDER BY n.uid LIMIT $limit

// get node
MATCH (n:`Tenant` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`Subscription` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`ResourceGroup` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`Resource` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`User` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`Group` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`ServicePrincipal` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`Application` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`RoleDefinition` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`RoleAssignment` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`Tag` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`Region` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`Device` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`DirectoryRole` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`AdministrativeUnit` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`ManagementGroup` {uid: $uid}) RETURN n
UNION ALL
MATCH (n:`ScanState` {uid: $uid}) RETURN n

// edges page
MATCH (a)-[r:`CONTAINS`]->(b)
WHERE r.uid > $after AND r.uid < $end AND a.uid IN $from AND b.uid IN $to
RETURN r, a.node_id AS from, labels(a) AS from_labels, b.node_id AS to, labels(b) AS to_labels
ORDER BY r.uid LIMIT $limit

// stats nodes
MATCH (n:`Tenant`) WHERE n.uid STARTS WITH $prefix RETURN "Tenant" AS k, count(n) AS c
UNION ALL
MATCH (n:`Subscription`) WHERE n.uid STARTS WITH $prefix RETURN "Subscription" AS k, count(n) AS c
UNION ALL
MATCH (n:`ResourceGroup`) WHERE n.uid STARTS WITH $prefix RETURN "ResourceGroup" AS k, count(n) AS c
UNION ALL
MATCH (n:`Resource`) WHERE n.uid STARTS WITH $prefix RETURN "Resource" AS k, count(n) AS c
UNION ALL
MATCH (n:`User`) WHERE n.uid STARTS WITH $prefix RETURN "User" AS k, count(n) AS c
UNION ALL
MATCH (n:`Group`) WHERE n.uid STARTS WITH $prefix RETURN "Group" AS k, count(n) AS c
UNION ALL
MATCH (n:`ServicePrincipal`) WHERE n.uid STARTS WITH $prefix RETURN "ServicePrincipal" AS k, count(n) AS c
UNION ALL
MATCH (n:`Application`) WHERE n.uid STARTS WITH $prefix RETURN "Application" AS k, count(n) AS c
UNION ALL
MATCH (n:`RoleDefinition`) WHERE n.uid STARTS WITH $prefix RETURN "RoleDefinition" AS k, count(n) AS c
UNION ALL
MATCH (n:`RoleAssignment`) WHERE n.uid STARTS WITH $prefix RETURN "RoleAssignment" AS k, count(n) AS c
UNION ALL
MATCH (n:`Tag`) WHERE n.uid STARTS WITH $prefix RETURN "Tag" AS k, count(n) AS c
UNION ALL
MATCH (n:`Region`) WHERE n.uid STARTS WITH $prefix RETURN "Region" AS k, count(n) AS c
UNION ALL
MATCH (n:`Device`) WHERE n.uid STARTS WITH $prefix RETURN "Device" AS k, count(n) AS c
UNION ALL
MATCH (n:`DirectoryRole`) WHERE n.uid STARTS WITH $prefix RETURN "DirectoryRole" AS k, count(n) AS c
UNION ALL
MATCH (n:`AdministrativeUnit`) WHERE n.uid STARTS WITH $prefix RETURN "AdministrativeUnit" AS k, count(n) AS c
UNION ALL
MATCH (n:`ManagementGroup`) WHERE n.uid STARTS WITH $prefix RETURN "ManagementGroup" AS k, count(n) AS c
UNION ALL
MATCH (n:`ScanState`) WHERE n.uid STARTS WITH $prefix RETURN "ScanState" AS k, count(n) AS c

// stats types
MATCH (n:`Resource`) WHERE n.uid STARTS WITH $prefix AND size(n.`type`) > 0
RETURN toLower(n.`type`) AS k, count(n) AS c

// stats edges
MATCH ()-[r:`CONTAINS`]->() WHERE r.uid STARTS WITH $prefix RETURN "CONTAINS" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`CONNECTED_TO`]->() WHERE r.uid STARTS WITH $prefix RETURN "CONNECTED_TO" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`USES`]->() WHERE r.uid STARTS WITH $prefix RETURN "USES" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`SECURED_BY`]->() WHERE r.uid STARTS WITH $prefix RETURN "SECURED_BY" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`ROUTES_VIA`]->() WHERE r.uid STARTS WITH $prefix RETURN "ROUTES_VIA" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`HAS_PUBLIC_IP`]->() WHERE r.uid STARTS WITH $prefix RETURN "HAS_PUBLIC_IP" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`PRIVATE_ENDPOINT_FOR`]->() WHERE r.uid STARTS WITH $prefix RETURN "PRIVATE_ENDPOINT_FOR" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`PEERED_WITH`]->() WHERE r.uid STARTS WITH $prefix RETURN "PEERED_WITH" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`LINKED_TO`]->() WHERE r.uid STARTS WITH $prefix RETURN "LINKED_TO" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`HOSTED_ON`]->() WHERE r.uid STARTS WITH $prefix RETURN "HOSTED_ON" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`USES_IDENTITY`]->() WHERE r.uid STARTS WITH $prefix RETURN "USES_IDENTITY" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`ASSIGNED_TO`]->() WHERE r.uid STARTS WITH $prefix RETURN "ASSIGNED_TO" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`HAS_ROLE`]->() WHERE r.uid STARTS WITH $prefix RETURN "HAS_ROLE" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`APPLIES_TO`]->() WHERE r.uid STARTS WITH $prefix RETURN "APPLIES_TO" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`MEMBER_OF`]->() WHERE r.uid STARTS WITH $prefix RETURN "MEMBER_OF" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`SENDS_DIAGNOSTICS_TO`]->() WHERE r.uid STARTS WITH $prefix RETURN "SENDS_DIAGNOSTICS_TO" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`USES_KEY_VAULT`]->() WHERE r.uid STARTS WITH $prefix RETURN "USES_KEY_VAULT" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`TAGGED_WITH`]->() WHERE r.uid STARTS WITH $prefix RETURN "TAGGED_WITH" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`LOCATED_IN`]->() WHERE r.uid STARTS WITH $prefix RETURN "LOCATED_IN" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`REFERENCES`]->() WHERE r.uid STARTS WITH $prefix RETURN "REFERENCES" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`OWNS`]->() WHERE r.uid STARTS WITH $prefix RETURN "OWNS" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`ELIGIBLE_FOR`]->() WHERE r.uid STARTS WITH $prefix RETURN "ELIGIBLE_FOR" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`GRANTED`]->() WHERE r.uid STARTS WITH $prefix RETURN "GRANTED" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`HAS_APP_ROLE`]->() WHERE r.uid STARTS WITH $prefix RETURN "HAS_APP_ROLE" AS k, count(r) AS c
UNION ALL
MATCH ()-[r:`LOCKS`]->() WHERE r.uid STARTS WITH $prefix RETURN "LOCKS" AS k, count(r) AS c

// tenants
MATCH (n:`Tenant`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`Subscription`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`ResourceGroup`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`Resource`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`User`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`Group`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`ServicePrincipal`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`Application`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`RoleDefinition`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`RoleAssignment`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`Tag`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`Region`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`Device`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`DirectoryRole`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`AdministrativeUnit`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`ManagementGroup`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t
UNION
MATCH (n:`ScanState`) WHERE n.tenant_id IS NOT NULL RETURN DISTINCT n.tenant_id AS t

