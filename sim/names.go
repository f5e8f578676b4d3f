package sim

import (
	"fmt"
	"net/http"
	"strings"
)

// globalName describes a type whose names are global DNS names (name.blob.core.windows.net,
// name.vault.azure.net, …): unique across every subscription and tenant, so a create with a
// taken name fails with the provider's own answer.
type globalName struct {
	status int
	code   string
	msg    string // %s: the name
}

var globalNames = map[string]globalName{
	"microsoft.storage/storageaccounts":              {http.StatusConflict, "StorageAccountAlreadyTaken", "The storage account named %s is already taken."},
	"microsoft.keyvault/vaults":                      {http.StatusConflict, "VaultAlreadyExists", "The vault name '%s' is already in use. Vault names are globally unique so it is possible that the name is already taken."},
	"microsoft.web/sites":                            {http.StatusConflict, "Conflict", "Website with given name %s already exists."},
	"microsoft.web/staticsites":                      {http.StatusConflict, "Conflict", "Static site with given name %s already exists."},
	"microsoft.sql/servers":                          {http.StatusConflict, "NameAlreadyExists", "The name '%s.database.windows.net' already exists. Choose a different name."},
	"microsoft.containerregistry/registries":         {http.StatusConflict, "AlreadyInUse", "The registry DNS name %s.azurecr.io is already in use. You can check if the name is already claimed using the following API: https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability"},
	"microsoft.documentdb/databaseaccounts":          {http.StatusConflict, "Conflict", "Database account %s already exists. Please choose a different name."},
	"microsoft.cache/redis":                          {http.StatusConflict, "NameNotAvailable", "The name '%s' is already in use."},
	"microsoft.servicebus/namespaces":                {http.StatusConflict, "Conflict", "Namespace %s already exists in another subscription or resource group."},
	"microsoft.eventhub/namespaces":                  {http.StatusConflict, "Conflict", "Namespace %s already exists in another subscription or resource group."},
	"microsoft.appconfiguration/configurationstores": {http.StatusConflict, "NameUnavailable", "The specified name '%s' is already in use."},
	"microsoft.search/searchservices":                {http.StatusConflict, "ServiceNameUnavailable", "The name '%s' is already in use by another search service."},
	"microsoft.apimanagement/service":                {http.StatusConflict, "ServiceAlreadyExists", "Api service already exists: %s"},
	"microsoft.dbforpostgresql/flexibleservers":      {http.StatusConflict, "ServerNameAlreadyExists", "Specified server name '%s' is already used."},
	"microsoft.dbformysql/flexibleservers":           {http.StatusConflict, "ServerNameAlreadyExists", "Specified server name '%s' is already used."},
	"microsoft.cognitiveservices/accounts":           {http.StatusConflict, "CustomDomainInUse", "The custom domain name '%s' is already in use."},
	"microsoft.eventgrid/topics":                     {http.StatusConflict, "Conflict", "Topic %s already exists."},
}

func globalKey(ltyp, name string) string { return ltyp + "|" + strings.ToLower(name) }

// nameTaken answers a create of a globally named resource whose name another resource (in any
// subscription of any tenant) holds, or nil. The caller holds the lock.
func (st *store) nameTaken(ltyp, key, name string) *apiError {
	g, ok := globalNames[ltyp]
	if !ok {
		return nil
	}
	if k, taken := st.global[globalKey(ltyp, name)]; taken && k != key {
		return &apiError{g.status, g.code, fmt.Sprintf(g.msg, name)}
	}
	return nil
}
