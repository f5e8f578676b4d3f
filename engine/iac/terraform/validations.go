package terraform

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Value validations of azurerm arguments that a payload can break (learned from `tofu
// validate` on the corpus): a resource whose name or parent names do not pass them goes to
// azapi, which takes the name as it is.

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// argPatterns: Terraform type -> argument ("name" or a parent-name argument) -> pattern.
var argPatterns = map[string]map[string]*regexp.Regexp{
	"azurerm_role_assignment":                     {"name": uuidRE},
	"azurerm_cosmosdb_sql_role_assignment":        {"name": uuidRE, "account_name": regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)},
	"azurerm_synapse_private_link_hub":            {"name": regexp.MustCompile(`^[a-z0-9]{1,45}$`)},
	"azurerm_synapse_sql_pool":                    {"name": regexp.MustCompile(`^[A-Za-z0-9_]{1,60}$`)},
	"azurerm_iotcentral_application":              {"name": regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$`)},
	"azurerm_kusto_database":                      {"cluster_name": regexp.MustCompile(`^[a-z][a-z0-9]{3,21}$`)},
	"azurerm_kusto_eventhub_data_connection":      {"cluster_name": regexp.MustCompile(`^[a-z][a-z0-9]{3,21}$`)},
	"azurerm_kusto_cluster":                       {"name": regexp.MustCompile(`^[a-z][a-z0-9]{3,21}$`)},
	"azurerm_kusto_cluster_principal_assignment":  {"cluster_name": regexp.MustCompile(`^[a-z][a-z0-9]{3,21}$`)},
	"azurerm_kusto_database_principal_assignment": {"cluster_name": regexp.MustCompile(`^[a-z][a-z0-9]{3,21}$`)},
	"azurerm_cosmosdb_sql_database":               {"account_name": regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)},
	"azurerm_cosmosdb_mongo_database":             {"account_name": regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)},
	"azurerm_cosmosdb_cassandra_keyspace":         {"account_name": regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)},
	"azurerm_cosmosdb_gremlin_database":           {"account_name": regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)},
	"azurerm_cosmosdb_table":                      {"account_name": regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$`)},
}

// nameViolation checks r's own name (and, for simple rows, its parents' names) against the
// type's patterns.
func nameViolation(tfType string, r *model.Resource, nameAttrs []string) string {
	ps := argPatterns[tfType]
	if len(ps) == 0 {
		return ""
	}
	if p := ps["name"]; p != nil && !p.MatchString(r.LastName()) {
		return "name " + r.LastName() + " is outside what " + tfType + " accepts"
	}
	nm := r.NameSegments()
	for i, a := range nameAttrs {
		if p := ps[a]; p != nil && i < len(nm) && !p.MatchString(nm[i]) {
			return a + " " + nm[i] + " is outside what " + tfType + " accepts"
		}
	}
	return ""
}

// oneOf is a Check: the string at path must be one of values (when present).
func oneOf(path string, values ...string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		v, ok := jsonpath.GetFold(r.Body, path).(string)
		if !ok {
			if strings.HasPrefix(path, "$sku.") {
				v, ok = r.SKU[strings.TrimPrefix(path, "$sku.")].(string)
			}
			if !ok {
				return ""
			}
		}
		for _, x := range values {
			if v == x {
				return ""
			}
		}
		return strings.TrimPrefix(path, "$") + " " + v + " is not one of " + strings.Join(values, ", ")
	}
}

// numOneOf is a Check: the number at path must be one of values (when present).
func numOneOf(path string, values ...float64) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		v, ok := jsonpath.GetFold(r.Body, path).(float64)
		if !ok {
			return ""
		}
		for _, x := range values {
			if v == x {
				return ""
			}
		}
		return path + " " + number(v) + " is not a size azurerm takes"
	}
}

// absURL is a Check: the string at path must be an absolute URL with a host (when present).
func absURL(path string) func(r *model.Resource) string {
	return func(r *model.Resource) string {
		v, ok := jsonpath.GetFold(r.Body, path).(string)
		if !ok {
			return ""
		}
		if u, err := url.Parse(v); err != nil || u.Scheme == "" || u.Host == "" {
			return path + " " + v + " is not an absolute URL"
		}
		return ""
	}
}
