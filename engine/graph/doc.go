package graph

// Node shapes (the contract between discovery, rules, stores, spec/IaC, visualisation and the
// simulator's truth). Keys are what Node.ID holds; props are Node.Props keys.
//
//	Tenant            ID = tenant GUID (lower)                props: tenant_id, display_name, default_domain
//	Subscription      ID = "/subscriptions/<guid>" (lower)    props: id (original casing), subscription_id, name (display name), state, tenant_id
//	ResourceGroup     ID = lower-cased ARM id                 props: id, name, location, tags, subscription_id, managed_by, properties
//	Resource          ID = lower-cased ARM id                 props: the whole ARM envelope: id, name, type (lower), type_display,
//	                                                          location, resource_group, subscription_id, kind, sku, identity, zones,
//	                                                          managed_by, plan, tags, system_data, properties, api_version,
//	                                                          out_of_scope (bool, only when pulled in by a reference from a filtered scan)
//	User              ID = object id                          props: display_name, user_principal_name, mail, account_enabled, user_type
//	Group             ID = object id                          props: display_name, mail_nickname, description, security_enabled, mail_enabled,
//	                                                          members: [{"id": oid, "type": "user"|"group"|"servicePrincipal"}]
//	ServicePrincipal  ID = object id                          props: display_name, app_id, service_principal_type, account_enabled
//	Application       ID = object id                          props: display_name, app_id, credentials: [{type, key_id, display_name, start_date_time, end_date_time}] (metadata only)
//	RoleDefinition    ID = lower-cased ARM id                 props: id, name (GUID), role_name, role_type (BuiltInRole|CustomRole),
//	                                                          description, permissions, assignable_scopes
//	RoleAssignment    ID = lower-cased ARM id                 props: id, name, principal_id, principal_type, role_definition_id, scope,
//	                                                          subscription_id, condition, properties (whole ARM properties)
//	Tag               ID = "key=value"                        props: key, value
//	Region            ID = location code (lower, no spaces)   props: name
//
// Edge endpoints are node IDs (keys) with their labels. Edges derived by rules come from
// engine/rules; every edge type is listed in EdgeTypes with its evidence in docs/design/GRAPH.md.
// Values inside props are JSON-compatible; ARM objects (properties, sku, identity, tags, …) are
// stored whole, never truncated.
