package posture

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/jsonpath"
)

const (
	tVM      = "microsoft.compute/virtualmachines"
	tVMSS    = "microsoft.compute/virtualmachinescalesets"
	tNIC     = "microsoft.network/networkinterfaces"
	tNSG     = "microsoft.network/networksecuritygroups"
	tPIP     = "microsoft.network/publicipaddresses"
	tLB      = "microsoft.network/loadbalancers"
	tAppGW   = "microsoft.network/applicationgateways"
	tSubnet  = "microsoft.network/virtualnetworks/subnets"
	tStorage = "microsoft.storage/storageaccounts"
	tBlobSvc = "microsoft.storage/storageaccounts/blobservices"
	tBlobCtr = "microsoft.storage/storageaccounts/blobservices/containers"
	tKV      = "microsoft.keyvault/vaults"
	tSQL     = "microsoft.sql/servers"
	tSQLDB   = "microsoft.sql/servers/databases"
	tSQLFW   = "microsoft.sql/servers/firewallrules"
	tCosmos  = "microsoft.documentdb/databaseaccounts"
	tRedis   = "microsoft.cache/redis"
	tACR     = "microsoft.containerregistry/registries"
	tAKS     = "microsoft.containerservice/managedclusters"
	tSite    = "microsoft.web/sites"
	tACA     = "microsoft.app/containerapps"
	tDisk    = "microsoft.compute/disks"
	tUAI     = "microsoft.managedidentity/userassignedidentities"
	tLA      = "microsoft.operationalinsights/workspaces"
)

// allPorts stands for "every port" in port checks.
const allPorts = -1

// entry is one way the internet reaches an interface: a public IP on it, or a public load
// balancer / application gateway whose backend it is, forwarding some ports (nil = all).
type entry struct {
	via   []*graph.Node // public IP first, then the LB/AppGW when there is one
	ports []int
}

// iface is a network interface (or a scale set's NIC configuration) as posture sees it.
type iface struct {
	owner   *graph.Node // the NIC, or the scale set
	entries []entry
	nsgs    []*graph.Node // NIC-level and subnet-level NSGs
}

// netIndex holds the network facts every exposure rule reads.
type netIndex struct {
	g       *Graph
	pipOf   map[string][]*graph.Node // LB/AppGW/NIC key -> its public IPs
	ifaces  map[string][]iface       // VM/VMSS key -> interfaces
	exposed map[string]exposure      // compute key -> how the internet reaches it (only exposed ones)
}

// exposure is how one compute resource is reachable: the interface path and a reachable port.
type exposure struct {
	path []*graph.Node // public IP, [LB/AppGW], NIC
	port int
}

func buildNetIndex(g *Graph) *netIndex {
	x := &netIndex{g: g, pipOf: map[string][]*graph.Node{}, ifaces: map[string][]iface{}, exposed: map[string]exposure{}}
	for _, t := range []string{tNIC, tLB, tAppGW} {
		for _, n := range g.OfType(t) {
			x.pipOf[n.ID] = append(x.pipOf[n.ID], g.Out(n.ID, graph.EdgeHasPublicIP)...)
		}
	}
	for _, vm := range g.OfType(tVM) {
		for _, nic := range g.Out(vm.ID, graph.EdgeUses) {
			if typeOf(nic) == tNIC {
				x.ifaces[vm.ID] = append(x.ifaces[vm.ID], x.nicIface(nic))
			}
		}
	}
	for _, ss := range g.OfType(tVMSS) {
		x.ifaces[ss.ID] = x.vmssIfaces(ss)
	}
	for id, ifs := range x.ifaces {
		if e, ok := x.anyReachable(ifs); ok {
			x.exposed[id] = e
		}
	}
	return x
}

// parentBefore returns the id before /<seg>/ (a sub-resource id's owner), lower-cased.
func parentBefore(id, seg string) string {
	l := graph.NormalizeID(id)
	if i := strings.Index(l, "/"+seg+"/"); i > 0 {
		return l[:i]
	}
	return ""
}

func (x *netIndex) nicIface(nic *graph.Node) iface {
	f := iface{owner: nic}
	f.nsgs = append(f.nsgs, x.g.Out(nic.ID, graph.EdgeSecuredBy)...)
	for _, sn := range x.g.Out(nic.ID, graph.EdgeConnectedTo) {
		f.nsgs = append(f.nsgs, x.g.Out(sn.ID, graph.EdgeSecuredBy)...)
	}
	for _, p := range x.pipOf[nic.ID] {
		f.entries = append(f.entries, entry{via: []*graph.Node{p}})
	}
	for _, ic := range list(get(nic, "properties.ipConfigurations")) {
		props := jsonpath.Field(ic, "properties")
		f.entries = append(f.entries, x.backendEntries(props, str(jsonpath.Field(props, "privateIPAddress")))...)
	}
	return f
}

// backendEntries finds the public LBs / app gateways an ip configuration is a backend of.
func (x *netIndex) backendEntries(ipcProps any, privateIP string) []entry {
	var out []entry
	seen := map[string]bool{}
	add := func(front *graph.Node, ports []int) {
		if front == nil || seen[front.ID] {
			return
		}
		for _, p := range x.pipOf[front.ID] {
			seen[front.ID] = true
			out = append(out, entry{via: []*graph.Node{p, front}, ports: ports})
		}
	}
	for _, pool := range list(jsonpath.Field(ipcProps, "loadBalancerBackendAddressPools")) {
		if lb := x.g.Node(parentBefore(str(jsonpath.Field(pool, "id")), "backendaddresspools")); lb != nil {
			add(lb, lbPorts(lb))
		}
	}
	for _, nat := range list(jsonpath.Field(ipcProps, "loadBalancerInboundNatRules")) {
		if lb := x.g.Node(parentBefore(str(jsonpath.Field(nat, "id")), "inboundnatrules")); lb != nil {
			add(lb, lbPorts(lb))
		}
	}
	for _, pool := range list(jsonpath.Field(ipcProps, "applicationGatewayBackendAddressPools")) {
		if gw := x.g.Node(parentBefore(str(jsonpath.Field(pool, "id")), "backendaddresspools")); gw != nil {
			add(gw, appgwPorts(gw))
		}
	}
	if privateIP != "" {
		for _, gw := range x.g.OfType(tAppGW) {
			for _, pool := range list(get(gw, "properties.backendAddressPools")) {
				for _, a := range list(jsonpath.Field(jsonpath.Field(pool, "properties"), "backendAddresses")) {
					if str(jsonpath.Field(a, "ipAddress")) == privateIP {
						add(gw, appgwPorts(gw))
					}
				}
			}
		}
	}
	return out
}

func lbPorts(lb *graph.Node) []int {
	var ports []int
	for _, key := range []string{"properties.loadBalancingRules", "properties.inboundNatRules"} {
		for _, r := range list(get(lb, key)) {
			p := num(jsonpath.Field(jsonpath.Field(r, "properties"), "backendPort"))
			if p == 0 { // HA ports
				return nil
			}
			ports = append(ports, p)
		}
	}
	if ports == nil {
		return []int{} // a public LB without rules forwards nothing
	}
	return ports
}

func appgwPorts(gw *graph.Node) []int {
	var ports []int
	for _, s := range list(get(gw, "properties.backendHttpSettingsCollection")) {
		if p := num(jsonpath.Field(jsonpath.Field(s, "properties"), "port")); p > 0 {
			ports = append(ports, p)
		}
	}
	if ports == nil {
		return []int{}
	}
	return ports
}

func num(v any) int {
	switch x := v.(type) {
	case float64:
		return int(x)
	case int:
		return x
	case int64:
		return int(x)
	case string:
		n, _ := strconv.Atoi(x)
		return n
	}
	return 0
}

func (x *netIndex) vmssIfaces(ss *graph.Node) []iface {
	var out []iface
	for _, cfg := range list(get(ss, "properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations")) {
		props := jsonpath.Field(cfg, "properties")
		f := iface{owner: ss}
		if nsg := x.g.Node(str(jsonpath.Field(jsonpath.Field(props, "networkSecurityGroup"), "id"))); nsg != nil {
			f.nsgs = append(f.nsgs, nsg)
		}
		for _, ic := range list(jsonpath.Field(props, "ipConfigurations")) {
			ip := jsonpath.Field(ic, "properties")
			if sn := x.g.Node(str(jsonpath.Field(jsonpath.Field(ip, "subnet"), "id"))); sn != nil {
				f.nsgs = append(f.nsgs, x.g.Out(sn.ID, graph.EdgeSecuredBy)...)
			}
			if jsonpath.Field(ip, "publicIPAddressConfiguration") != nil {
				f.entries = append(f.entries, entry{via: []*graph.Node{ss}})
			}
			f.entries = append(f.entries, x.backendEntries(ip, "")...)
		}
		out = append(out, f)
	}
	return out
}

// reachable reports whether the internet reaches port (allPorts: every port) on the interface
// through one of its entries and every NSG in the way, with the entry used.
func (f iface) reachable(port int) (entry, bool) {
	for _, e := range f.entries {
		if !e.forwards(port) {
			continue
		}
		if nsgsAllow(f.nsgs, port) {
			return e, true
		}
	}
	return entry{}, false
}

func (e entry) forwards(port int) bool {
	if e.ports == nil {
		return true
	}
	if port == allPorts {
		return false
	}
	for _, p := range e.ports {
		if p == port {
			return true
		}
	}
	return false
}

func nsgsAllow(nsgs []*graph.Node, port int) bool {
	for _, n := range nsgs {
		if ok, _ := nsgDecision(n, port); !ok {
			return false
		}
	}
	return true // no NSG: nothing filters
}

// anyReachable finds some port the internet reaches on any interface.
func (x *netIndex) anyReachable(ifs []iface) (exposure, bool) {
	for _, f := range ifs {
		for _, e := range f.entries {
			cands := append([]int{}, e.ports...)
			if e.ports == nil {
				cands = append(cands, allPorts, 22, 3389, 80, 443)
				for _, n := range f.nsgs {
					for _, r := range inboundInternetRules(n) {
						if r.allow {
							cands = append(cands, r.lo)
						}
					}
				}
				if len(f.nsgs) == 0 {
					cands = []int{allPorts}
				}
			}
			for _, p := range cands {
				if e.forwards(p) && nsgsAllow(f.nsgs, p) {
					path := append(append([]*graph.Node{}, e.via...), f.owner)
					return exposure{path: path, port: p}, true
				}
			}
		}
	}
	return exposure{}, false
}

// nsgRule is one inbound security rule whose source is the internet.
type nsgRule struct {
	idx      int
	name     string
	priority int
	allow    bool
	lo, hi   int // destination port range; 0..65535 for *
	ranges   [][2]int
}

func (r nsgRule) covers(port int) bool {
	for _, rg := range r.ranges {
		if port == allPorts {
			if rg[0] <= 0 && rg[1] >= 65535 {
				return true
			}
			continue
		}
		if port >= rg[0] && port <= rg[1] {
			return true
		}
	}
	return false
}

var internetSources = map[string]bool{"*": true, "internet": true, "0.0.0.0/0": true, "any": true, "0.0.0.0": true, "::/0": true}

func inboundInternetRules(nsg *graph.Node) []nsgRule {
	var out []nsgRule
	for i, r := range list(get(nsg, "properties.securityRules")) {
		p := jsonpath.Field(r, "properties")
		if !strings.EqualFold(str(jsonpath.Field(p, "direction")), "Inbound") {
			continue
		}
		proto := strings.ToLower(str(jsonpath.Field(p, "protocol")))
		if proto != "" && proto != "*" && proto != "tcp" && proto != "any" {
			continue
		}
		srcs := []string{str(jsonpath.Field(p, "sourceAddressPrefix"))}
		for _, s := range list(jsonpath.Field(p, "sourceAddressPrefixes")) {
			srcs = append(srcs, str(s))
		}
		internet := false
		for _, s := range srcs {
			if internetSources[strings.ToLower(strings.TrimSpace(s))] {
				internet = true
			}
		}
		if !internet {
			continue
		}
		nr := nsgRule{idx: i, name: str(jsonpath.Field(r, "name")), priority: num(jsonpath.Field(p, "priority")),
			allow: strings.EqualFold(str(jsonpath.Field(p, "access")), "Allow")}
		specs := []string{str(jsonpath.Field(p, "destinationPortRange"))}
		for _, s := range list(jsonpath.Field(p, "destinationPortRanges")) {
			specs = append(specs, str(s))
		}
		for _, s := range specs {
			if lo, hi, ok := portRange(s); ok {
				nr.ranges = append(nr.ranges, [2]int{lo, hi})
			}
		}
		if len(nr.ranges) > 0 {
			nr.lo, nr.hi = nr.ranges[0][0], nr.ranges[0][1]
			out = append(out, nr)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].priority < out[j].priority })
	return out
}

func portRange(s string) (lo, hi int, ok bool) {
	s = strings.TrimSpace(s)
	switch s {
	case "":
		return 0, 0, false
	case "*", "Any", "any":
		return 0, 65535, true
	}
	a, b, found := strings.Cut(s, "-")
	lo, err1 := strconv.Atoi(strings.TrimSpace(a))
	hi = lo
	var err2 error
	if found {
		hi, err2 = strconv.Atoi(strings.TrimSpace(b))
	}
	if err1 != nil || err2 != nil || lo > hi {
		return 0, 0, false
	}
	return lo, hi, true
}

// nsgDecision applies an NSG's inbound internet rules to a port (first match by priority;
// Azure's default rules deny the internet). It returns the deciding rule when one matched.
func nsgDecision(nsg *graph.Node, port int) (bool, *nsgRule) {
	for _, r := range inboundInternetRules(nsg) {
		if r.covers(port) {
			r := r
			return r.allow, &r
		}
	}
	return false, nil
}

// nsgEvidence is the evidence of the deciding allow rules of the NSGs in the way.
func nsgEvidence(nsgs []*graph.Node, port int) ([]Evidence, []string) {
	var evs []Evidence
	var ids []string
	for _, n := range nsgs {
		ok, r := nsgDecision(n, port)
		if !ok || r == nil {
			continue
		}
		path := fmt.Sprintf("properties.securityRules[%d]", r.idx)
		rule := list(get(n, "properties.securityRules"))[r.idx]
		p := jsonpath.Field(rule, "properties")
		evs = append(evs, Evidence{Resource: displayID(n), Path: path, Value: map[string]any{"name": r.name, "priority": r.priority,
			"access": jsonpath.Field(p, "access"), "direction": jsonpath.Field(p, "direction"), "sourceAddressPrefix": jsonpath.Field(p, "sourceAddressPrefix"),
			"destinationPortRange": jsonpath.Field(p, "destinationPortRange")}})
		ids = append(ids, n.ID)
	}
	return evs, ids
}

// portHit checks a VM/VMSS for an NSG rule admitting port from the internet on an exposed
// interface (an interface without any NSG is NET-004's business, not this).
func portHit(c *Context, n *graph.Node, port int) *Hit {
	for _, f := range c.net.ifaces[n.ID] {
		if len(f.nsgs) == 0 {
			continue
		}
		e, ok := f.reachable(port)
		if !ok {
			continue
		}
		evs, ids := nsgEvidence(f.nsgs, port)
		h := &Hit{Evidence: evs}
		for _, v := range e.via {
			h.Related = append(h.Related, v.ID)
		}
		if f.owner.ID != n.ID {
			h.Related = append(h.Related, f.owner.ID)
		}
		h.Related = append(h.Related, ids...)
		if typeOf(e.via[0]) == tPIP {
			h.Evidence = append(h.Evidence, Evidence{Resource: displayID(e.via[0]), Path: "properties.ipAddress", Value: get(e.via[0], "properties.ipAddress")})
		} else {
			h.Evidence = append(h.Evidence, Evidence{Path: "properties.virtualMachineProfile.networkProfile.networkInterfaceConfigurations", Value: "publicIPAddressConfiguration set"})
		}
		return h
	}
	return nil
}
