// Tenant: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`Tenant` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// Tenant: nodes by id
UNWIND $uids AS u
MATCH (n:`Tenant` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// Subscription: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`Subscription` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// Subscription: nodes by id
UNWIND $uids AS u
MATCH (n:`Subscription` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// ResourceGroup: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`ResourceGroup` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// ResourceGroup: nodes by id
UNWIND $uids AS u
MATCH (n:`ResourceGroup` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// Resource: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`Resource` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// Resource: nodes by id
UNWIND $uids AS u
MATCH (n:`Resource` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// User: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`User` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// User: nodes by id
UNWIND $uids AS u
MATCH (n:`User` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// Group: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`Group` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// Group: nodes by id
UNWIND $uids AS u
MATCH (n:`Group` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// ServicePrincipal: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`ServicePrincipal` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// ServicePrincipal: nodes by id
UNWIND $uids AS u
MATCH (n:`ServicePrincipal` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// Application: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`Application` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// Application: nodes by id
UNWIND $uids AS u
MATCH (n:`Application` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// RoleDefinition: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`RoleDefinition` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// RoleDefinition: nodes by id
UNWIND $uids AS u
MATCH (n:`RoleDefinition` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// RoleAssignment: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`RoleAssignment` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// RoleAssignment: nodes by id
UNWIND $uids AS u
MATCH (n:`RoleAssignment` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// Tag: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`Tag` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// Tag: nodes by id
UNWIND $uids AS u
MATCH (n:`Tag` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// Region: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`Region` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// Region: nodes by id
UNWIND $uids AS u
MATCH (n:`Region` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// Device: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`Device` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// Device: nodes by id
UNWIND $uids AS u
MATCH (n:`Device` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// DirectoryRole: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`DirectoryRole` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// DirectoryRole: nodes by id
UNWIND $uids AS u
MATCH (n:`DirectoryRole` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// AdministrativeUnit: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`AdministrativeUnit` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// AdministrativeUnit: nodes by id
UNWIND $uids AS u
MATCH (n:`AdministrativeUnit` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// ManagementGroup: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`ManagementGroup` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// ManagementGroup: nodes by id
UNWIND $uids AS u
MATCH (n:`ManagementGroup` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// ScanState: edges of nodes by id
UNWIND $uids AS u
MATCH (n:`ScanState` {uid: u})-[r]-()
WITH DISTINCT r LIMIT $limit
DELETE r
RETURN count(*) AS deleted

// ScanState: nodes by id
UNWIND $uids AS u
MATCH (n:`ScanState` {uid: u})
DETACH DELETE n
RETURN count(*) AS deleted

// CONTAINS: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`CONTAINS` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// CONNECTED_TO: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`CONNECTED_TO` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// USES: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`USES` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// SECURED_BY: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`SECURED_BY` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// ROUTES_VIA: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`ROUTES_VIA` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// HAS_PUBLIC_IP: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`HAS_PUBLIC_IP` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// PRIVATE_ENDPOINT_FOR: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`PRIVATE_ENDPOINT_FOR` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// PEERED_WITH: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`PEERED_WITH` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// LINKED_TO: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`LINKED_TO` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// HOSTED_ON: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`HOSTED_ON` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// USES_IDENTITY: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`USES_IDENTITY` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// ASSIGNED_TO: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`ASSIGNED_TO` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// HAS_ROLE: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`HAS_ROLE` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// APPLIES_TO: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`APPLIES_TO` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// MEMBER_OF: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`MEMBER_OF` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// SENDS_DIAGNOSTICS_TO: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`SENDS_DIAGNOSTICS_TO` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// USES_KEY_VAULT: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`USES_KEY_VAULT` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// TAGGED_WITH: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`TAGGED_WITH` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// LOCATED_IN: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`LOCATED_IN` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// REFERENCES: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`REFERENCES` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// OWNS: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`OWNS` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// ELIGIBLE_FOR: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`ELIGIBLE_FOR` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// GRANTED: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`GRANTED` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// HAS_APP_ROLE: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`HAS_APP_ROLE` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// LOCKS: edges by uid
UNWIND $uids AS u
MATCH ()-[r:`LOCKS` {uid: u}]->()
DELETE r
RETURN count(*) AS deleted

// node heads page
CALL {
  MATCH (n:`Tenant`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'Tenant' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Subscription`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'Subscription' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, n.`subscription_id` AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`ResourceGroup`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'ResourceGroup' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, n.`subscription_id` AS sub, n.`name` AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Resource`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'Resource' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, n.`subscription_id` AS sub, n.`resource_group` AS rg, n.`type` AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`User`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'User' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Group`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'Group' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`ServicePrincipal`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'ServicePrincipal' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Application`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'Application' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`RoleDefinition`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'RoleDefinition' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`RoleAssignment`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'RoleAssignment' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, n.`subscription_id` AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Tag`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'Tag' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Region`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'Region' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`Device`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'Device' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`DirectoryRole`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'DirectoryRole' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`AdministrativeUnit`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'AdministrativeUnit' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`ManagementGroup`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'ManagementGroup' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
  UNION ALL
  MATCH (n:`ScanState`) WHERE n.uid > $after AND n.uid < $end
  RETURN n.uid AS uid, 'ScanState' AS label, n.node_id AS id, n.first_seen AS first, n.last_seen AS last, null AS sub, null AS rg, null AS type ORDER BY n.uid LIMIT $limit
}
RETURN uid, label, id, first, last, sub, rg, type ORDER BY uid LIMIT $limit
