package discover

import (
	"strings"

	"github.com/atg-go/atg/engine/armid"
)

// IsResourceID reports whether s looks like the id of an ARM resource (under a provider, in a
// resource group).
func IsResourceID(s string) bool {
	a, ok := armid.Parse(s)
	return ok && a.ResourceGroup != "" && !strings.EqualFold(a.Type(), "Microsoft.Resources/resourceGroups")
}
