package sim

import (
	"sort"
	"strings"
	"time"
)

// Richer children (Options.RichChildren): after generation, every web app gets a staging slot,
// every private DNS zone an A record set, every user-assigned identity a federated credential and
// every Cosmos DB account a SQL database. They are truth resources (by_type, resource_ids,
// CONTAINS from the parent); their types join the providers list, as in Azure.

// richTypes are the child types RichChildren adds (with the api-versions the simulator accepts).
// Web app slots are tracked resources that Azure lists in Resource Graph's resources table and
// in /resources (queries such as `resources | where type =~ 'microsoft.web/sites/slots'` are
// common); the other three are proxy resources only their parent's collection lists.
var richTypes = []*typeInfo{
	{Type: "Microsoft.Web/sites/slots", APIVersions: versionsOf("Microsoft.Web/sites/slots", vWeb...), Tracked: true, InARG: true},
	{Type: "Microsoft.Network/privateDnsZones/A", APIVersions: versionsOf("Microsoft.Network/privateDnsZones/A", vDNS...)},
	{Type: "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", APIVersions: versionsOf("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", "2023-01-31")},
	{Type: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases", APIVersions: versionsOf("Microsoft.DocumentDB/databaseAccounts/sqlDatabases", "2024-08-15", "2024-11-15")},
}

// addRichChildren adds the richer children to every subscription of t; it returns how many.
func addRichChildren(st *store, t *tenant) int {
	for _, ti := range richTypes {
		if have := st.types[strings.ToLower(ti.Type)]; have == nil {
			st.types[strings.ToLower(ti.Type)] = ti
		} else {
			have.Tracked, have.InARG = have.Tracked || ti.Tracked, have.InARG || ti.InARG
		}
	}
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	n := 0
	for _, subID := range t.subs {
		sub := st.subs[subID]
		if sub == nil {
			continue
		}
		keys := append([]string(nil), sub.keys...)
		sort.Strings(keys)
		for _, k := range keys {
			p := st.res[k]
			if p == nil {
				continue
			}
			var name, typ string
			var props map[string]any
			pp, _ := p.body["properties"].(map[string]any)
			switch p.ltyp {
			case "microsoft.web/sites":
				name, typ = "staging", "Microsoft.Web/sites/slots"
				props = map[string]any{"enabled": true, "serverFarmId": pp["serverFarmId"], "httpsOnly": true}
			case "microsoft.network/privatednszones":
				name, typ = "app", "Microsoft.Network/privateDnsZones/A"
				props = map[string]any{"ttl": 3600, "aRecords": []any{map[string]any{"ipv4Address": "10.0.1.4"}}}
			case "microsoft.managedidentity/userassignedidentities":
				name, typ = "github-actions", "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials"
				props = map[string]any{"issuer": "https://token.actions.githubusercontent.com",
					"subject": "repo:contoso/app:environment:prod", "audiences": []any{"api://AzureADTokenExchange"}}
			case "microsoft.documentdb/databaseaccounts":
				name, typ = "appdb", "Microsoft.DocumentDB/databaseAccounts/sqlDatabases"
				props = map[string]any{"resource": map[string]any{"id": "appdb"}}
			default:
				continue
			}
			id := p.id + "/" + typ[strings.LastIndex(typ, "/")+1:] + "/" + name
			pname, _ := p.body["name"].(string)
			body := map[string]any{"id": id, "name": pname + "/" + name, "type": typ, "properties": props}
			if typ == "Microsoft.Web/sites/slots" {
				body["name"], body["location"], body["kind"] = pname+"/"+name, p.body["location"], p.body["kind"]
			}
			st.put(&resource{id: id, key: strings.ToLower(id), typ: typ, ltyp: strings.ToLower(typ), sub: p.sub, rg: p.rg,
				parent: p.key, body: body, created: now, changed: now})
			n++
		}
	}
	return n
}
