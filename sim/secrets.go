package sim

import (
	"fmt"
	"net/http"
	"strings"
)

// writeOnly lists, per lower-cased type, the properties ARM accepts in a PUT or PATCH but never
// returns: passwords, custom data, protected settings. Paths are relative to "properties";
// "[]" steps into every element of an array. The simulator keeps them apart from the body
// (Simulator.WriteOnly), so no GET, list, Resource Graph row or truth shows them.
var writeOnly = map[string][]string{
	"microsoft.sql/servers":                                {"administratorLoginPassword"},
	"microsoft.sql/managedinstances":                       {"administratorLoginPassword"},
	"microsoft.dbforpostgresql/flexibleservers":            {"administratorLoginPassword"},
	"microsoft.dbformysql/flexibleservers":                 {"administratorLoginPassword"},
	"microsoft.dbforpostgresql/servers":                    {"administratorLoginPassword"},
	"microsoft.dbformysql/servers":                         {"administratorLoginPassword"},
	"microsoft.synapse/workspaces":                         {"sqlAdministratorLoginPassword"},
	"microsoft.compute/virtualmachines":                    {"osProfile.adminPassword", "osProfile.customData", "userData"},
	"microsoft.compute/virtualmachinescalesets":            {"virtualMachineProfile.osProfile.adminPassword", "virtualMachineProfile.osProfile.customData", "virtualMachineProfile.userData"},
	"microsoft.compute/virtualmachines/extensions":         {"protectedSettings"},
	"microsoft.compute/virtualmachinescalesets/extensions": {"protectedSettings"},
	"microsoft.containerservice/managedclusters":           {"windowsProfile.adminPassword", "servicePrincipalProfile.secret"},
	"microsoft.network/applicationgateways":                {"sslCertificates[].properties.password", "sslCertificates[].properties.data"},
	"microsoft.containerinstance/containergroups":          {"imageRegistryCredentials[].password", "containers[].properties.environmentVariables[].secureValue"},
	"microsoft.app/managedenvironments":                    {"appLogsConfiguration.logAnalyticsConfiguration.sharedKey"},
	"microsoft.app/containerapps":                          {"configuration.secrets[].value"},
}

// takeWriteOnly removes the write-only properties of a type from a request body's properties
// (freshly decoded: safe to change) and returns them by their concrete path.
func takeWriteOnly(ltyp string, props map[string]any) map[string]any {
	paths := writeOnly[ltyp]
	if len(paths) == 0 || props == nil {
		return nil
	}
	out := map[string]any{}
	var take func(m map[string]any, segs []string, at string)
	take = func(m map[string]any, segs []string, at string) {
		seg := segs[0]
		arr := strings.HasSuffix(seg, "[]")
		name := strings.TrimSuffix(seg, "[]")
		v, ok := m[name]
		if !ok {
			return
		}
		path := at + name
		switch {
		case len(segs) == 1:
			out[path] = v
			delete(m, name)
		case arr:
			a, _ := v.([]any)
			for i, e := range a {
				if em, ok := e.(map[string]any); ok {
					take(em, segs[1:], fmt.Sprintf("%s[%d].", path, i))
				}
			}
		default:
			if sub, ok := v.(map[string]any); ok {
				take(sub, segs[1:], path+".")
			}
		}
	}
	for _, p := range paths {
		take(props, strings.Split(p, "."), "")
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// WriteOnly returns the write-only properties (passwords, custom data, protected settings; paths
// relative to "properties") the writes so far gave the resource with this id, which ARM accepts
// but never returns. For tests that must check a secret was sent without it being readable.
func (s *Simulator) WriteOnly(id string) map[string]any {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	r := s.st.res[strings.TrimSuffix(strings.ToLower(id), "/")]
	if r == nil {
		return nil
	}
	out := make(map[string]any, len(r.secrets))
	for k, v := range r.secrets {
		out[k] = v
	}
	return out
}

// requiredSecret is ARM's answer to a create that lacks a secret the type needs: an
// administrator login without its password, a VM that allows password sign-in without one.
func requiredSecret(ltyp string, props, secrets map[string]any) *apiError {
	switch ltyp {
	case "microsoft.sql/servers", "microsoft.sql/managedinstances":
		if mstr(props, "administratorLogin") != "" && secrets["administratorLoginPassword"] == nil {
			return &apiError{http.StatusBadRequest, "InvalidParameterValue", "Invalid value given for parameter Password. Specify a valid parameter value."}
		}
	case "microsoft.dbforpostgresql/flexibleservers", "microsoft.dbformysql/flexibleservers":
		cm := strings.ToLower(mstr(props, "createMode"))
		if (cm == "" || cm == "default" || cm == "create") && mstr(props, "administratorLogin") != "" && secrets["administratorLoginPassword"] == nil {
			return &apiError{http.StatusBadRequest, "InvalidParameterValue", "Invalid value given for parameter administratorLoginPassword. Specify a valid parameter value."}
		}
	case "microsoft.compute/virtualmachines":
		op := mmapRO(props, "osProfile")
		if op == nil {
			return nil
		}
		lc := mmapRO(op, "linuxConfiguration")
		noPassword := lc != nil && lc["disablePasswordAuthentication"] == true && !isWindows(props)
		if !noPassword && secrets["osProfile.adminPassword"] == nil {
			return invalidParam("Required parameter 'adminPassword' is missing (null).")
		}
		if noPassword {
			keys, _ := mmapRO(lc, "ssh")["publicKeys"].([]any)
			if len(keys) == 0 {
				return invalidParam("Authentication using either SSH or by user name and password must be enabled in Linux profile.")
			}
		}
	}
	return nil
}
