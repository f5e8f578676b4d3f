package sim

// serverDefaults are the properties Azure fills in a resource's body when a PUT omits them and
// returns on every GET; clients (the Terraform providers) read them unconditionally. Applied to
// generated resources and to PUT bodies; a value the body has is kept.
var serverDefaults = map[string]map[string]any{
	"microsoft.compute/disks": {"publicNetworkAccess": "Enabled", "networkAccessPolicy": "AllowAll"},
}

// fillServerDefaults sets the defaults of type ltyp that props lacks.
func fillServerDefaults(ltyp string, props map[string]any) {
	for k, v := range serverDefaults[ltyp] {
		if _, ok := props[k]; !ok {
			props[k] = deepCopy(v)
		}
	}
}
