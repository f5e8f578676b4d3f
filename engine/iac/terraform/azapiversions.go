package terraform

import (
	_ "embed"
	"sort"
	"strings"
	"sync"
)

// azapiVersionsData lists, per lower-cased ARM type, the api-versions the embedded schemas of
// the azapi provider this project builds with know (generated: go run ./tools/azapiversions).
//
//go:embed azapi_versions.txt
var azapiVersionsData string

// AzapiProviderVersion is the azapi release azapi_versions.txt was generated from.
const AzapiProviderVersion = "1.15.0"

var azapiVersions = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, line := range strings.Split(azapiVersionsData, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		t, vs, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		out[t] = strings.Split(vs, ",")
	}
	return out
})

// AzapiKnownVersions returns the api-versions azapi's schemas know for an ARM type (sorted), or nil.
func AzapiKnownVersions(armType string) []string { return azapiVersions()[strings.ToLower(armType)] }

// AzapiVersion picks the api-version an azapi_resource of armType is emitted with: the one it
// was read with when azapi's schemas know it, else the newest they know (by date), so that
// the body is always schema-checked. schema is false when azapi knows no
// version of the type at all (the body cannot be checked; validation is switched off for that
// resource). note explains any change, for the mapping report.
func AzapiVersion(armType, read string) (version string, schema bool, note string) {
	known := AzapiKnownVersions(armType)
	if len(known) == 0 {
		return read, false, "azapi " + AzapiProviderVersion + " has no schema for this type: body not schema-checked (schema_validation_enabled = false)"
	}
	i := sort.SearchStrings(known, read)
	if i < len(known) && known[i] == read {
		return read, true, ""
	}
	// the newest: the one whose schema azapi_schema.txt carries (bodies are fitted to it)
	pick := known[len(known)-1]
	return pick, true, "api-version " + read + " unknown to azapi " + AzapiProviderVersion + "'s schemas: emitted with " + pick + ", the newest it knows"
}
