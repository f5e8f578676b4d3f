package model

// VarsUsed collects the names of the variables a set of resources uses (in bodies, tags, scopes
// and user-assigned identities), for emitters that declare only what their output needs.
func VarsUsed(rs []*Resource) map[string]bool {
	used := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch t := v.(type) {
		case Var:
			used[t.Name] = true
		case map[string]any:
			for _, x := range t {
				walk(x)
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	for _, r := range rs {
		walk(r.Body)
		walk(r.Tags)
		walk(r.Scope)
		if r.Identity != nil {
			for _, u := range r.Identity.UserAssigned {
				walk(u)
			}
		}
	}
	return used
}
