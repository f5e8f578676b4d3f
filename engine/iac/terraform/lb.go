package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Sub-resources: azurerm models some ARM sub-resource collections (load balancer pools, probes,
// rules…) as resources of their own. Their local names derive from the owner's key and the
// sub-resource name, made unique per Terraform type.

// localPart turns a sub-resource name into [a-z0-9_].
func localPart(n string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(n) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

// addSub names the resource of type tfType declaring r's sub-resource at suffix (e.g.
// "/probes/http") and records it for references; it returns the address.
func (e *emitter) addSub(r *model.Resource, suffix, tfType, name string) string {
	k := r.Key + "|" + strings.ToLower(suffix)
	if a, ok := e.subs[k]; ok {
		return a
	}
	base := r.Key
	if p := localPart(name); p != "" {
		base += "_" + p
	}
	local := base
	for i := 2; e.subUsed[tfType+"."+local] || e.idx[local] != nil && e.tfType[local] == tfType; i++ {
		local = base + "_" + number(float64(i))
	}
	e.subUsed[tfType+"."+local] = true
	e.subs[k] = tfType + "." + local
	// imported by the ARM sub-resource id unless the emitter says otherwise (subBlock records it)
	e.subIDs[e.subs[k]] = subImport{owner: r.Key, addr: e.subs[k], id: r.ID + suffix}
	return e.subs[k]
}

// sub returns the address recorded for r's sub-resource at suffix.
func (e *emitter) sub(r *model.Resource, suffix string) string {
	return e.subs[r.Key+"|"+strings.ToLower(suffix)]
}

// subBlock starts the resource block of a sub-resource (and records its import).
func (e *emitter) subBlock(addr string) *hclwrite.Body {
	if si, ok := e.subIDs[addr]; ok {
		e.importSub(e.idx[si.owner], addr, si.id)
	}
	e.body.AppendNewline()
	i := strings.IndexByte(addr, '.')
	return e.body.AppendNewBlock("resource", []string{addr[:i], addr[i+1:]}).Body()
}

// selfName returns the sub-resource name a reference to r itself points at ("/probes/x" -> "x"),
// or "" when v is not such a reference.
func selfName(r *model.Resource, v any, collection string) string {
	ref, ok := v.(model.Ref)
	if !ok || ref.Target != r.Key {
		return ""
	}
	prefix := "/" + strings.ToLower(collection) + "/"
	if !strings.HasPrefix(strings.ToLower(ref.Suffix), prefix) {
		return ""
	}
	return ref.Suffix[len(prefix):]
}

// --- load balancers -------------------------------------------------------------------------

var lbCollections = []struct{ arm, tf string }{
	{"backendAddressPools", "azurerm_lb_backend_address_pool"},
	{"probes", "azurerm_lb_probe"},
	{"loadBalancingRules", "azurerm_lb_rule"},
	{"inboundNatRules", "azurerm_lb_nat_rule"},
	{"inboundNatPools", "azurerm_lb_nat_pool"},
	{"outboundRules", "azurerm_lb_outbound_rule"},
}

var lbProtocols = map[string]string{"tcp": "Tcp", "udp": "Udp", "all": "All"}

func resolveLB(r *model.Resource) string {
	switch s(r.SKU["name"]) {
	case "", "Basic", "Standard", "Gateway":
	default:
		return "" // a sku azurerm does not know
	}
	for _, c := range lbCollections {
		for _, x := range arr(r.Body[c.arm]) {
			if !plainName(s(jsonpath.Get(x, "name"))) {
				return "" // azurerm validates sub-resource names; azapi keeps them
			}
		}
	}
	for _, p := range arr(r.Body["probes"]) {
		switch strings.ToLower(s(jsonpath.Get(p, "properties.protocol"))) {
		case "http", "https", "tcp":
		default:
			return ""
		}
	}
	for _, c := range []string{"loadBalancingRules", "inboundNatRules", "inboundNatPools", "outboundRules"} {
		for _, x := range arr(r.Body[c]) {
			if _, ok := lbProtocols[strings.ToLower(s(jsonpath.Get(x, "properties.protocol")))]; !ok {
				return "" // no protocol or one azurerm does not know
			}
		}
	}
	for _, c := range []string{"loadBalancingRules", "inboundNatRules", "inboundNatPools"} {
		for _, x := range arr(r.Body[c]) {
			if fe := selfName(r, idAt(x, "properties.frontendIPConfiguration.id"), "frontendIPConfigurations"); fe == "" {
				return "" // a rule without a frontend of its own: azurerm names the frontend
			}
		}
	}
	for _, x := range arr(r.Body["outboundRules"]) {
		if idAt(x, "properties.backendAddressPool.id") == nil || len(arr(jsonpath.Get(x, "properties.frontendIPConfigurations"))) == 0 {
			return ""
		}
	}
	for _, x := range arr(r.Body["probes"]) {
		if numAt(x, "properties.port") == nil {
			return ""
		}
	}
	return "azurerm_lb"
}

func prepareLB(e *emitter, r *model.Resource, t string) {
	for _, c := range lbCollections {
		for _, x := range arr(r.Body[c.arm]) {
			n := s(jsonpath.Get(x, "name"))
			e.addSub(r, "/"+c.arm+"/"+n, c.tf, n)
		}
	}
}

func emitLB(e *emitter, r *model.Resource, t string) error {
	b := e.block(t, r)
	e.common(b, r, true)
	e.set(b, "sku", s(r.SKU["name"]))
	e.set(b, "sku_tier", s(r.SKU["tier"]))
	for _, fe := range arr(r.Body["frontendIPConfigurations"]) {
		p := m(jsonpath.Get(fe, "properties"))
		fb := b.AppendNewBlock("frontend_ip_configuration", nil).Body()
		e.set(fb, "name", s(jsonpath.Get(fe, "name")))
		if sn := idAt(p, "subnet.id"); sn != nil {
			e.set(fb, "subnet_id", sn)
			alloc := s(p["privateIPAllocationMethod"])
			if alloc == "" {
				alloc = "Dynamic"
			}
			e.set(fb, "private_ip_address_allocation", alloc)
			if strings.EqualFold(alloc, "Static") {
				e.set(fb, "private_ip_address", s(p["privateIPAddress"]))
			}
			e.set(fb, "private_ip_address_version", s(p["privateIPAddressVersion"]))
		}
		e.set(fb, "public_ip_address_id", idAt(p, "publicIPAddress.id"))
		e.set(fb, "public_ip_prefix_id", idAt(p, "publicIPPrefix.id"))
		e.set(fb, "gateway_load_balancer_frontend_ip_configuration_id", idAt(p, "gatewayLoadBalancer.id"))
		e.set(fb, "zones", strList(jsonpath.Get(fe, "zones")))
	}
	e.tags(b, r)
	lbID := e.address(r) + ".id"
	pools := func(x map[string]any) []any {
		var out []any
		if id := idAt(x, "backendAddressPool.id"); id != nil {
			out = append(out, id)
		}
		for _, id := range idsOf(x["backendAddressPools"]) {
			if len(out) == 0 || id != out[0] {
				out = append(out, id)
			}
		}
		return out
	}
	frontend := func(x map[string]any) string {
		return selfName(r, idAt(x, "frontendIPConfiguration.id"), "frontendIPConfigurations")
	}
	for _, x := range arr(r.Body["backendAddressPools"]) {
		n, p := s(jsonpath.Get(x, "name")), m(jsonpath.Get(x, "properties"))
		pb := e.subBlock(e.sub(r, "/backendAddressPools/"+n))
		e.set(pb, "name", n)
		e.setExpr(pb, "loadbalancer_id", lbID)
		e.set(pb, "virtual_network_id", idAt(p, "virtualNetwork.id"))
		if v := s(p["syncMode"]); v == "Automatic" || v == "Manual" {
			e.set(pb, "synchronous_mode", v)
		}
		for _, ti := range arr(p["tunnelInterfaces"]) {
			tb := pb.AppendNewBlock("tunnel_interface", nil).Body()
			e.set(tb, "identifier", numAt(ti, "identifier"))
			e.set(tb, "type", s(jsonpath.Get(ti, "type")))
			e.set(tb, "protocol", s(jsonpath.Get(ti, "protocol")))
			e.set(tb, "port", numAt(ti, "port"))
		}
		// IP-based members are addresses of their own
		for i, a := range arr(p["loadBalancerBackendAddresses"]) {
			ap := m(jsonpath.Get(a, "properties"))
			regional, global := s(ap["ipAddress"]) != "", idAt(ap, "loadBalancerFrontendIPConfiguration.id")
			if !regional && global == nil {
				continue // a NIC member: declared by the NIC's association
			}
			an := s(jsonpath.Get(a, "name"))
			if an == "" {
				an = "address" + number(float64(i+1))
			}
			ab := e.subBlock(e.addSub(r, "/backendAddressPools/"+n+"/loadBalancerBackendAddresses/"+an,
				"azurerm_lb_backend_address_pool_address", n+"_"+an))
			e.set(ab, "name", an)
			e.setExpr(ab, "backend_address_pool_id", e.sub(r, "/backendAddressPools/"+n)+".id")
			if regional {
				e.set(ab, "virtual_network_id", idAt(ap, "virtualNetwork.id"))
				e.set(ab, "ip_address", s(ap["ipAddress"]))
			} else { // a cross-region pool member: a regional load balancer's frontend
				e.set(ab, "backend_address_ip_configuration_id", global)
			}
		}
	}
	for _, x := range arr(r.Body["probes"]) {
		n, p := s(jsonpath.Get(x, "name")), m(jsonpath.Get(x, "properties"))
		pb := e.subBlock(e.sub(r, "/probes/"+n))
		e.set(pb, "name", n)
		e.setExpr(pb, "loadbalancer_id", lbID)
		e.set(pb, "protocol", lbProtocolCase(s(p["protocol"]), "Http", "Https", "Tcp"))
		e.set(pb, "port", numAt(p, "port"))
		e.set(pb, "request_path", s(p["requestPath"]))
		e.set(pb, "interval_in_seconds", numAt(p, "intervalInSeconds"))
		e.set(pb, "number_of_probes", numAt(p, "numberOfProbes"))
		e.set(pb, "probe_threshold", numAt(p, "probeThreshold"))
	}
	for _, x := range arr(r.Body["loadBalancingRules"]) {
		n, p := s(jsonpath.Get(x, "name")), m(jsonpath.Get(x, "properties"))
		rb := e.subBlock(e.sub(r, "/loadBalancingRules/"+n))
		e.set(rb, "name", n)
		e.setExpr(rb, "loadbalancer_id", lbID)
		e.set(rb, "frontend_ip_configuration_name", frontend(p))
		e.set(rb, "protocol", lbProtocols[strings.ToLower(s(p["protocol"]))])
		e.set(rb, "frontend_port", numAt(p, "frontendPort"))
		e.set(rb, "backend_port", numAt(p, "backendPort"))
		e.set(rb, "backend_address_pool_ids", pools(p))
		e.set(rb, "probe_id", idAt(p, "probe.id"))
		e.set(rb, "floating_ip_enabled", boolAt(p, "enableFloatingIP"))
		e.set(rb, "idle_timeout_in_minutes", numAt(p, "idleTimeoutInMinutes"))
		if v := s(p["loadDistribution"]); v == "Default" || v == "SourceIP" || v == "SourceIPProtocol" {
			e.set(rb, "load_distribution", v)
		}
		e.set(rb, "disable_outbound_snat", boolAt(p, "disableOutboundSnat"))
		e.set(rb, "tcp_reset_enabled", boolAt(p, "enableTcpReset"))
	}
	natRule := func(x any, pool bool) {
		n, p := s(jsonpath.Get(x, "name")), m(jsonpath.Get(x, "properties"))
		coll := "inboundNatRules"
		if pool {
			coll = "inboundNatPools"
		}
		rb := e.subBlock(e.sub(r, "/"+coll+"/"+n))
		e.set(rb, "name", n)
		e.rgName(rb, r)
		e.setExpr(rb, "loadbalancer_id", lbID)
		e.set(rb, "frontend_ip_configuration_name", frontend(p))
		e.set(rb, "protocol", lbProtocols[strings.ToLower(s(p["protocol"]))])
		if pool {
			e.set(rb, "frontend_port_start", numAt(p, "frontendPortRangeStart"))
			e.set(rb, "frontend_port_end", numAt(p, "frontendPortRangeEnd"))
		} else if bp := idAt(p, "backendAddressPool.id"); bp != nil {
			e.set(rb, "frontend_port_start", numAt(p, "frontendPortRangeStart"))
			e.set(rb, "frontend_port_end", numAt(p, "frontendPortRangeEnd"))
			e.set(rb, "backend_address_pool_id", bp)
		} else {
			e.set(rb, "frontend_port", numAt(p, "frontendPort"))
		}
		e.set(rb, "backend_port", numAt(p, "backendPort"))
		e.set(rb, "idle_timeout_in_minutes", numAt(p, "idleTimeoutInMinutes"))
		e.set(rb, "floating_ip_enabled", boolAt(p, "enableFloatingIP"))
		e.set(rb, "tcp_reset_enabled", boolAt(p, "enableTcpReset"))
	}
	for _, x := range arr(r.Body["inboundNatRules"]) {
		natRule(x, false)
	}
	for _, x := range arr(r.Body["inboundNatPools"]) {
		natRule(x, true)
	}
	for _, x := range arr(r.Body["outboundRules"]) {
		n, p := s(jsonpath.Get(x, "name")), m(jsonpath.Get(x, "properties"))
		ob := e.subBlock(e.sub(r, "/outboundRules/"+n))
		e.set(ob, "name", n)
		e.setExpr(ob, "loadbalancer_id", lbID)
		e.set(ob, "protocol", lbProtocols[strings.ToLower(s(p["protocol"]))])
		e.set(ob, "backend_address_pool_id", idAt(p, "backendAddressPool.id"))
		e.set(ob, "allocated_outbound_ports", numAt(p, "allocatedOutboundPorts"))
		e.set(ob, "idle_timeout_in_minutes", numAt(p, "idleTimeoutInMinutes"))
		e.set(ob, "tcp_reset_enabled", boolAt(p, "enableTcpReset"))
		for _, fe := range arr(p["frontendIPConfigurations"]) {
			if n := selfName(r, idAt(fe, "id"), "frontendIPConfigurations"); n != "" {
				fb := ob.AppendNewBlock("frontend_ip_configuration", nil).Body()
				e.set(fb, "name", n)
			}
		}
	}
	return nil
}

func lbProtocolCase(v string, allowed ...string) string {
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	return v
}

// nicMemberships are the NIC ip configuration lists of pools and NAT rules it joins (the writable
// side of membership), each an association resource in azurerm.
var nicMemberships = []struct{ arm, tf, attr, short string }{
	{"loadBalancerBackendAddressPools", "azurerm_network_interface_backend_address_pool_association", "backend_address_pool_id", "pool"},
	{"loadBalancerInboundNatRules", "azurerm_network_interface_nat_rule_association", "nat_rule_id", "nat"},
	{"applicationGatewayBackendAddressPools", "azurerm_network_interface_application_gateway_backend_address_pool_association", "backend_address_pool_id", "appgw_pool"},
}

// nicAssociations adds the membership associations of a NIC's ip configurations.
//
// Every association rewrites the whole NIC (GET, change, PUT) and azurerm locks them under
// different keys (the NSG association by the NIC's id, pool and rule associations by its name),
// so two on one NIC applied at once lose one of the changes: each depends on the one before
// (prev, the NIC's NSG association or "").
func (e *emitter) nicAssociations(r *model.Resource, prev string) {
	for _, ic := range arr(r.Body["ipConfigurations"]) {
		icName := s(jsonpath.Get(ic, "name"))
		for _, mb := range nicMemberships {
			for i, target := range idsOf(jsonpath.Get(ic, "properties."+mb.arm)) {
				n := number(float64(i + 1))
				addr := e.addSub(r, "/ipConfigurations/"+icName+"/"+mb.arm+"/"+n, mb.tf, icName+"_"+mb.short+"_"+n)
				// {nic id}/ipConfigurations/{name}|{pool or rule id}
				e.subIDs[addr] = subImport{owner: r.Key, addr: addr, id: pipeID(r.ID+"/ipConfigurations/"+icName, e.armID(target))}
				ab := e.subBlock(addr)
				e.setExpr(ab, "network_interface_id", e.address(r)+".id")
				e.set(ab, "ip_configuration_name", icName)
				e.set(ab, mb.attr, target)
				if prev != "" {
					e.setExpr(ab, "depends_on", "["+prev+"]")
				}
				prev = addr
			}
		}
	}
}
