package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Type-specific checks of a PUT body (the properties the provider needs), references to the
// named sub-objects of other resources (a load balancer's backend pool), and the back-references
// ARM keeps on the other side of a membership (a pool's backendIPConfigurations).

// subObjectLists are the inline sub-object lists another resource may reference by id
// ({resource id}/{list}/{name}), per lower-cased type: a reference to one must name an element
// the resource has, as ARM checks (InvalidResourceReference otherwise).
var subObjectLists = map[string]map[string]string{
	"microsoft.network/loadbalancers": {"backendaddresspools": "backendAddressPools", "frontendipconfigurations": "frontendIPConfigurations",
		"inboundnatrules": "inboundNatRules", "inboundnatpools": "inboundNatPools", "probes": "probes", "loadbalancingrules": "loadBalancingRules",
		"outboundrules": "outboundRules"},
	"microsoft.network/applicationgateways": {"backendaddresspools": "backendAddressPools"},
	"microsoft.network/networkinterfaces":   {"ipconfigurations": "ipConfigurations"},
}

// hasSubObject reports whether resource r lists a sub-object seg/name (seg lower-cased) that
// others may reference; true when seg is not a list the simulator checks.
func hasSubObject(r *resource, seg, name string) bool {
	prop, ok := subObjectLists[r.ltyp][seg]
	if !ok {
		return true
	}
	for _, x := range arr(mget(r.body, "properties", prop)) {
		if strings.EqualFold(sget(x, "name"), name) {
			return true
		}
	}
	return false
}

func badRequest(code, msg string) *apiError { return &apiError{http.StatusBadRequest, code, msg} }

// requiredProps is the provider's answer to a PUT body that lacks what the type needs (nil when
// it has it). secrets are the write-only properties the body (or the resource before) gave.
func (st *store) requiredProps(sub *subscription, self, ltyp string, body, props, secrets map[string]any) *apiError {
	switch ltyp {
	case "microsoft.network/applicationgateways":
		sku := mmapRO(props, "sku")
		if mstr(sku, "name") == "" || mstr(sku, "tier") == "" {
			return badRequest("ApplicationGatewaySkuMissing", "Application gateway "+self+" must specify sku.name and sku.tier.")
		}
		for _, l := range []string{"gatewayIPConfigurations", "frontendIPConfigurations", "frontendPorts", "backendAddressPools",
			"backendHttpSettingsCollection", "httpListeners", "requestRoutingRules"} {
			if len(arr(props[l])) == 0 {
				return badRequest("ApplicationGatewayMustHave"+strings.ToUpper(l[:1])+l[1:], fmt.Sprintf("Application gateway %s must have at least one element in %s.", self, l))
			}
		}
		for i, gic := range arr(props["gatewayIPConfigurations"]) {
			sn := sget(gic, "properties", "subnet", "id")
			if sn == "" {
				return badRequest("ApplicationGatewayIpConfigurationMustHaveSubnet", fmt.Sprintf("Application gateway %s gatewayIPConfigurations[%d] must reference a subnet.", self, i))
			}
			if user := st.otherSubnetUser(sub.tenant, strings.ToLower(sn), self); user != "" {
				return badRequest("ApplicationGatewaySubnetCannotBeUsedByOtherResources", fmt.Sprintf("Subnet %s cannot be used for application gateway %s since it is already in use by %s.", sn, self, user))
			}
		}
		if strings.HasSuffix(mstr(sku, "tier"), "_v2") {
			for i, rr := range arr(props["requestRoutingRules"]) {
				if mget(rr, "properties", "priority") == nil {
					return badRequest("ApplicationGatewayRequestRoutingRulePriorityCannotBeEmpty", fmt.Sprintf("Priority for the request routing rule requestRoutingRules[%d] of %s cannot be empty.", i, self))
				}
			}
		}
	case "microsoft.documentdb/databaseaccounts":
		if mstr(props, "databaseAccountOfferType") == "" {
			return badRequest("BadRequest", "The 'databaseAccountOfferType' property is required (value: Standard).")
		}
		locs := arr(props["locations"])
		if len(locs) == 0 {
			return badRequest("BadRequest", "The 'locations' property must contain at least one location.")
		}
		for i, l := range locs {
			if sget(l, "locationName") == "" {
				return badRequest("BadRequest", fmt.Sprintf("locations[%d].locationName is required.", i))
			}
		}
	case "microsoft.app/managedenvironments":
		alc := mmapRO(props, "appLogsConfiguration")
		if strings.EqualFold(mstr(alc, "destination"), "log-analytics") && mstr(mmapRO(alc, "logAnalyticsConfiguration"), "customerId") == "" {
			return badRequest("InvalidRequestParameterWithDetails", "appLogsConfiguration.logAnalyticsConfiguration.customerId is required when the destination is log-analytics.")
		}
		if vc := mmapRO(props, "vnetConfiguration"); vc != nil && mstr(vc, "infrastructureSubnetId") == "" && vc["internal"] == true {
			return badRequest("ManagedEnvironmentInvalidNetworkConfiguration", "An internal environment needs vnetConfiguration.infrastructureSubnetId.")
		}
	case "microsoft.app/containerapps":
		env := mstr(props, "managedEnvironmentId")
		if env == "" {
			env = mstr(props, "environmentId")
		}
		if env == "" {
			return badRequest("ManagedEnvironmentIdRequired", "The container app must specify properties.managedEnvironmentId.")
		}
		containers := arr(mget(props, "template", "containers"))
		if len(containers) == 0 {
			return badRequest("ContainerAppInvalidSchema", "properties.template.containers must contain at least one container.")
		}
		for i, c := range containers {
			if sget(c, "name") == "" || sget(c, "image") == "" {
				return badRequest("ContainerAppInvalidSchema", fmt.Sprintf("properties.template.containers[%d] needs a name and an image.", i))
			}
		}
		declared := map[string]bool{}
		for i, s := range arr(mget(props, "configuration", "secrets")) {
			name := sget(s, "name")
			if name == "" {
				return badRequest("ContainerAppSecretInvalid", fmt.Sprintf("properties.configuration.secrets[%d] needs a name.", i))
			}
			if sget(s, "keyVaultUrl") == "" && secrets[fmt.Sprintf("configuration.secrets[%d].value", i)] == nil {
				return badRequest("ContainerAppSecretInvalid", fmt.Sprintf("Secret '%s' needs a value or a keyVaultUrl.", name))
			}
			declared[strings.ToLower(name)] = true
		}
		for _, c := range containers {
			for _, e := range arr(mget(c, "env")) {
				if ref := sget(e, "secretRef"); ref != "" && !declared[strings.ToLower(ref)] {
					return badRequest("ContainerAppSecretRefNotFound", fmt.Sprintf("Env var '%s' references secret '%s', which the app does not declare.", sget(e, "name"), ref))
				}
			}
		}
		if wp := mstr(props, "workloadProfileName"); wp != "" {
			if er := st.res[strings.ToLower(env)]; er != nil {
				found := false
				for _, p := range arr(mget(er.body, "properties", "workloadProfiles")) {
					found = found || strings.EqualFold(sget(p, "name"), wp)
				}
				if !found {
					return badRequest("WorkloadProfileNotFound", fmt.Sprintf("Workload profile '%s' does not exist in environment %s.", wp, env))
				}
			}
		}
	}
	return nil
}

// otherSubnetUser returns the id of a resource of the tenant other than self (and the subnet's
// VNet) that uses the subnet, or "": an application gateway needs a subnet of its own.
func (st *store) otherSubnetUser(tenant, subnetKey, self string) string {
	t := st.tenantBy[tenant]
	if t == nil {
		return ""
	}
	selfKey := strings.ToLower(self)
	vnetKey := subnetKey
	if i := strings.Index(vnetKey, "/subnets/"); i > 0 {
		vnetKey = vnetKey[:i]
	}
	for _, sid := range t.subs {
		sub := st.subs[sid]
		if sub == nil {
			continue
		}
		for _, k := range sub.keys {
			if k == selfKey || k == vnetKey || strings.HasPrefix(k, vnetKey+"/") {
				continue
			}
			if r := st.res[k]; r != nil && r.ltyp != "microsoft.network/applicationgateways" && refersTo(r.body["properties"], subnetKey) {
				return r.id
			}
		}
	}
	return ""
}

// poolRefs returns the load balancer backend pool ids (lower-cased) the ip configurations of a
// NIC body join, with the ip configuration ids that join each.
func poolRefs(nicID string, body map[string]any) map[string][]string {
	out := map[string][]string{}
	for _, ic := range arr(mget(body, "properties", "ipConfigurations")) {
		icID := nicID + "/ipConfigurations/" + sget(ic, "name")
		for _, p := range arr(mget(ic, "properties", "loadBalancerBackendAddressPools")) {
			if id := sget(p, "id"); id != "" {
				k := strings.ToLower(strings.TrimSuffix(id, "/"))
				out[k] = append(out[k], icID)
			}
		}
	}
	return out
}

// syncPoolMembers keeps the backendIPConfigurations back-references of the load balancer pools
// a NIC joined (old body) or joins (new body, nil after a DELETE), as ARM shows them on the load
// balancer. Bodies are replaced, never changed in place. The caller holds the write lock.
func (st *store) syncPoolMembers(nicID string, old, cur map[string]any, now time.Time) {
	before, after := poolRefs(nicID, old), poolRefs(nicID, cur)
	if len(before) == 0 && len(after) == 0 {
		return
	}
	nicKey := strings.ToLower(nicID)
	lbs := map[string]bool{}
	for _, m := range []map[string][]string{before, after} {
		for pool := range m {
			if i := strings.Index(pool, "/backendaddresspools/"); i > 0 {
				lbs[pool[:i]] = true
			}
		}
	}
	for lbKey := range lbs {
		lb := st.res[lbKey]
		if lb == nil || lb.ltyp != "microsoft.network/loadbalancers" {
			continue
		}
		nb := deepCopy(lb.body).(map[string]any)
		for _, x := range arr(mget(nb, "properties", "backendAddressPools")) {
			pool := mmapOrNil(x)
			if pool == nil {
				continue
			}
			pk := lbKey + "/backendaddresspools/" + strings.ToLower(mstr(pool, "name"))
			pp := mmap(pool, "properties")
			var members []any
			for _, m := range arr(pp["backendIPConfigurations"]) {
				if id := strings.ToLower(sget(m, "id")); !strings.HasPrefix(id, nicKey+"/") {
					members = append(members, m)
				}
			}
			for _, ic := range after[pk] {
				members = append(members, ref(ic))
			}
			if len(members) == 0 {
				delete(pp, "backendIPConfigurations")
			} else {
				pp["backendIPConfigurations"] = members
			}
		}
		nr := *lb
		nr.body, nr.changed = nb, now
		st.res[lbKey] = &nr
	}
}

// keepPoolMembers carries the backendIPConfigurations of an updated load balancer's pools over
// from the stored one: they are read-only back-references (the NICs' memberships), whatever
// the PUT body says.
func keepPoolMembers(old *resource, props map[string]any) {
	prev := map[string]any{}
	if old != nil {
		for _, x := range arr(mget(old.body, "properties", "backendAddressPools")) {
			if m := mget(x, "properties", "backendIPConfigurations"); m != nil {
				prev[strings.ToLower(sget(x, "name"))] = m
			}
		}
	}
	for _, x := range arr(props["backendAddressPools"]) {
		pool := mmapOrNil(x)
		if pool == nil {
			continue
		}
		pp := mmap(pool, "properties")
		if m, ok := prev[strings.ToLower(mstr(pool, "name"))]; ok {
			pp["backendIPConfigurations"] = deepCopy(m)
		} else {
			delete(pp, "backendIPConfigurations")
		}
	}
}
