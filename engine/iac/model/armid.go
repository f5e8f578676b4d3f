package model

import "github.com/atg-go/atg/engine/armid"

// ARMID is a parsed Azure Resource Manager id (see engine/armid).
type ARMID = armid.ID

// ParseID parses an ARM id. It reports false for strings that are not ARM ids.
func ParseID(s string) (ARMID, bool) { return armid.Parse(s) }

// LooksLikeID reports whether s is worth treating as an ARM id reference.
func LooksLikeID(s string) bool { return armid.LooksLike(s) }
