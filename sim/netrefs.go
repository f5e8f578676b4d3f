package sim

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
)

// Back-references ARM adds to a subnet on GET (the ip configurations of the NICs in it, its
// private endpoints) and the private IP a dynamically allocated NIC ip configuration gets.

// subnetRefs returns the ipConfigurations and privateEndpoints referring to a subnet (caller
// holds the read lock).
func (st *store) subnetRefs(subnet *resource) (ipcs, pes []any) {
	sub := st.subs[subnet.sub]
	if sub == nil {
		return nil, nil
	}
	for _, k := range sub.keys {
		r := st.res[k]
		if r == nil {
			continue
		}
		switch r.ltyp {
		case "microsoft.network/networkinterfaces":
			arr, _ := mmap(r.body, "properties")["ipConfigurations"].([]any)
			for _, x := range arr {
				ipc, _ := x.(map[string]any)
				if strings.EqualFold(mstr(mmap(mmap(ipc, "properties"), "subnet"), "id"), subnet.id) {
					id := mstr(ipc, "id")
					if id == "" {
						id = r.id + "/ipConfigurations/" + mstr(ipc, "name")
					}
					ipcs = append(ipcs, map[string]any{"id": id})
				}
			}
		case "microsoft.network/privateendpoints":
			if strings.EqualFold(mstr(mmap(mmap(r.body, "properties"), "subnet"), "id"), subnet.id) {
				pes = append(pes, map[string]any{"id": r.id})
			}
		}
	}
	return ipcs, pes
}

// renderSubnet adds the back-references to a subnet body (a copy).
func (st *store) renderSubnet(r *resource) map[string]any {
	m := make(map[string]any, len(r.body))
	for k, v := range r.body {
		m[k] = v
	}
	props := map[string]any{}
	for k, v := range mmap(r.body, "properties") {
		props[k] = v
	}
	ipcs, pes := st.subnetRefs(r)
	delete(props, "ipConfigurations")
	delete(props, "privateEndpoints")
	if len(ipcs) > 0 {
		props["ipConfigurations"] = ipcs
	}
	if len(pes) > 0 {
		props["privateEndpoints"] = pes
	}
	m["properties"] = props
	return m
}

// allocateNICAddresses gives every Dynamic (or unspecified) ip configuration of a NIC body a
// private IP from its subnet, as Azure does: the first free address after the four Azure
// reserves, keeping the address the NIC already had (caller holds the write lock).
func (st *store) allocateNICAddresses(nicKey string, body, old map[string]any) {
	arr, _ := mmap(body, "properties")["ipConfigurations"].([]any)
	oldAddr := map[string]string{}
	if old != nil {
		oa, _ := mmap(old, "properties")["ipConfigurations"].([]any)
		for _, x := range oa {
			ipc, _ := x.(map[string]any)
			oldAddr[strings.ToLower(mstr(ipc, "name"))] = mstr(mmap(ipc, "properties"), "privateIPAddress")
		}
	}
	for i, x := range arr {
		ipc, _ := x.(map[string]any)
		props := mmap(ipc, "properties")
		if ipc == nil || props == nil {
			continue
		}
		if mstr(ipc, "id") == "" && mstr(ipc, "name") != "" {
			ipc["id"] = mstr(body, "id") + "/ipConfigurations/" + mstr(ipc, "name")
		}
		ipc["type"] = "Microsoft.Network/networkInterfaces/ipConfigurations"
		props["provisioningState"] = "Succeeded"
		if _, ok := props["primary"]; !ok && len(arr) > 0 {
			props["primary"] = i == 0
		}
		if props["privateIPAddressVersion"] == nil {
			props["privateIPAddressVersion"] = "IPv4"
		}
		if strings.EqualFold(mstr(props, "privateIPAllocationMethod"), "Static") {
			continue
		}
		props["privateIPAllocationMethod"] = "Dynamic"
		if mstr(props, "privateIPAddress") != "" {
			continue
		}
		if a := oldAddr[strings.ToLower(mstr(ipc, "name"))]; a != "" {
			props["privateIPAddress"] = a
			continue
		}
		subnetID := strings.ToLower(mstr(mmap(props, "subnet"), "id"))
		sn := st.res[subnetID]
		if sn == nil {
			continue
		}
		prefix := mstr(mmap(sn.body, "properties"), "addressPrefix")
		if prefix == "" {
			if ps, ok := mmap(sn.body, "properties")["addressPrefixes"].([]any); ok && len(ps) > 0 {
				prefix = fmt.Sprint(ps[0])
			}
		}
		if a := st.freeAddress(sn, prefix, nicKey); a != "" {
			props["privateIPAddress"] = a
		}
	}
}

// freeAddress returns the first unused IPv4 address of prefix (from .4 on).
func (st *store) freeAddress(subnet *resource, prefix, exceptNIC string) string {
	p, err := netip.ParsePrefix(prefix)
	if err != nil || !p.Addr().Is4() {
		return ""
	}
	used := map[string]bool{}
	for _, ref := range func() []any { ipcs, _ := st.subnetRefs(subnet); return ipcs }() {
		id := strings.ToLower(mstr(ref.(map[string]any), "id"))
		nicKey, _, _ := strings.Cut(id, "/ipconfigurations/")
		if nicKey == exceptNIC {
			continue
		}
		if nic := st.res[nicKey]; nic != nil {
			arr, _ := mmap(nic.body, "properties")["ipConfigurations"].([]any)
			for _, x := range arr {
				used[mstr(mmap(x.(map[string]any), "properties"), "privateIPAddress")] = true
			}
		}
	}
	base := p.Masked().Addr().As4()
	start := binary.BigEndian.Uint32(base[:])
	size := uint32(1) << (32 - p.Bits())
	for off := uint32(4); off+1 < size; off++ {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], start+off)
		a := netip.AddrFrom4(b).String()
		if !used[a] {
			return a
		}
	}
	return ""
}
