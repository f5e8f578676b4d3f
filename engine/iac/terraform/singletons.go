package terraform

import (
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
)

// Settings singletons: child resources Azure creates together with their parent (a storage
// account's blobServices/default, a SQL database's transparentDataEncryption/current, a
// flexible server's configurations). They always exist, so `azapi_resource`, which refuses to
// create what already exists ("Resource already exists"), cannot declare them; they are emitted
// as `azapi_update_resource` (same type, name, parent_id and body: a PUT of the settings on
// apply), which needs no import and whose plan is a create of the update. ARM and Bicep deploy
// them as ordinary PUTs.
//
// implicitSingletons maps a lower-cased ARM type to the names Azure creates ("*": every name —
// the server parameters of a database server all exist from the start).
var implicitSingletons = map[string][]string{
	"microsoft.storage/storageaccounts/blobservices":                   {"default"},
	"microsoft.storage/storageaccounts/fileservices":                   {"default"},
	"microsoft.storage/storageaccounts/queueservices":                  {"default"},
	"microsoft.storage/storageaccounts/tableservices":                  {"default"},
	"microsoft.sql/servers/databases/transparentdataencryption":        {"current"},
	"microsoft.sql/servers/databases/backupshorttermretentionpolicies": {"default"},
	"microsoft.sql/servers/databases/backuplongtermretentionpolicies":  {"default"},
	"microsoft.sql/servers/databases/geobackuppolicies":                {"default"},
	"microsoft.sql/servers/databases/auditingsettings":                 {"default"},
	"microsoft.sql/servers/databases/securityalertpolicies":            {"default"},
	"microsoft.sql/servers/auditingsettings":                           {"default"},
	"microsoft.sql/servers/securityalertpolicies":                      {"default"},
	"microsoft.sql/servers/sqlvulnerabilityassessments":                {"default"},
	"microsoft.sql/servers/connectionpolicies":                         {"default"},
	"microsoft.web/sites/config":                                       {"web", "logs", "slotconfignames", "authsettings", "authsettingsv2", "metadata"},
	"microsoft.web/sites/slots/config":                                 {"web", "logs", "authsettings", "authsettingsv2", "metadata"},
	"microsoft.web/sites/basicpublishingcredentialspolicies":           {"ftp", "scm"},
	"microsoft.web/sites/slots/basicpublishingcredentialspolicies":     {"ftp", "scm"},
	"microsoft.dbforpostgresql/flexibleservers/configurations":         {"*"},
	"microsoft.dbformysql/flexibleservers/configurations":              {"*"},
	"microsoft.dbforpostgresql/servers/configurations":                 {"*"},
	"microsoft.dbformysql/servers/configurations":                      {"*"},
	"microsoft.apimanagement/service/groups":                           {"administrators", "developers", "guests"},
	"microsoft.apimanagement/service/products":                         {"starter", "unlimited"},
	"microsoft.apimanagement/service/policies":                         {"policy"},
	"microsoft.apimanagement/service/portalsettings":                   {"signin", "signup", "delegation"},
	"microsoft.operationalinsights/workspaces/tables":                  {"*"},
	"microsoft.security/pricings":                                      {"*"},
	"microsoft.containerregistry/registries/scopemaps":                 {"_repositories_admin", "_repositories_pull", "_repositories_push", "_repositories_pull_metadata_read", "_repositories_push_metadata_write"},
	"microsoft.sql/servers/databases/advancedthreatprotectionsettings": {"default"},
	"microsoft.sql/servers/advancedthreatprotectionsettings":           {"default"},
	"microsoft.sql/servers/databases/vulnerabilityassessments":         {"default"},
	"microsoft.sql/servers/vulnerabilityassessments":                   {"default"},
	"microsoft.sql/servers/databases/extendedauditingsettings":         {"default"},
	"microsoft.sql/servers/extendedauditingsettings":                   {"default"},
	"microsoft.sql/servers/devopsauditingsettings":                     {"default"},
}

// isImplicitSingleton reports whether r is a settings singleton Azure creates with its parent.
func isImplicitSingleton(r *model.Resource) bool {
	if r.LowerType() == "microsoft.operationalinsights/workspaces/tables" && strings.HasSuffix(strings.ToLower(r.LastName()), "_cl") {
		return false // a custom log table is created by its owner
	}
	for _, n := range implicitSingletons[r.LowerType()] {
		if n == "*" || strings.EqualFold(n, r.LastName()) {
			return true
		}
	}
	return false
}

// isAzapi reports whether a Terraform type is one of azapi's resource blocks.
func isAzapi(tfType string) bool {
	return tfType == "azapi_resource" || tfType == "azapi_update_resource"
}

// azapiBlockType is the azapi resource type r is emitted as when it goes to azapi.
func azapiBlockType(r *model.Resource) string {
	if isImplicitSingleton(r) {
		return "azapi_update_resource"
	}
	return "azapi_resource"
}
