package discover

import "strings"

// ARMID is a parsed ARM resource id.
type ARMID struct {
	SubscriptionID string // as written
	ResourceGroup  string // as written; empty for subscription-level ids
	Type           string // e.g. Microsoft.Network/virtualNetworks/subnets (the last provider's type)
	Name           string // last segment
}

// ParseID parses an ARM id. ok is false when id is not an ARM id under a subscription.
func ParseID(id string) (ARMID, bool) {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	if len(segs) < 2 || !strings.EqualFold(segs[0], "subscriptions") || segs[1] == "" {
		return ARMID{}, false
	}
	out := ARMID{SubscriptionID: segs[1]}
	i := 2
	if len(segs) >= 4 && strings.EqualFold(segs[2], "resourceGroups") {
		out.ResourceGroup = segs[3]
		i = 4
	}
	// the last "providers" segment starts the resource's own type
	last := -1
	for j := i; j < len(segs); j++ {
		if strings.EqualFold(segs[j], "providers") {
			last = j
		}
	}
	switch {
	case last >= 0 && last+1 < len(segs):
		ns := segs[last+1]
		rest := segs[last+2:]
		if len(rest) < 2 || len(rest)%2 != 0 {
			return ARMID{}, false
		}
		typ := ns
		for k := 0; k < len(rest); k += 2 {
			typ += "/" + rest[k]
		}
		out.Type, out.Name = typ, rest[len(rest)-1]
	case out.ResourceGroup != "" && len(segs) == 4:
		out.Type, out.Name = "Microsoft.Resources/resourceGroups", out.ResourceGroup
	case len(segs) == 2:
		out.Type, out.Name = "Microsoft.Resources/subscriptions", out.SubscriptionID
	default:
		return ARMID{}, false
	}
	return out, true
}

// IsResourceID reports whether s looks like the id of an ARM resource (under a provider).
func IsResourceID(s string) bool {
	if !strings.HasPrefix(s, "/subscriptions/") && !strings.HasPrefix(s, "/Subscriptions/") && !strings.HasPrefix(strings.ToLower(s), "/subscriptions/") {
		return false
	}
	a, ok := ParseID(s)
	return ok && a.ResourceGroup != "" && !strings.EqualFold(a.Type, "Microsoft.Resources/resourceGroups")
}
