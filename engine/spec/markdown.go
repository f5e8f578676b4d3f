package spec

import (
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/secrets"
)

// Markdown renders the spec as a document ending in one fenced json block.
func (s *Spec) Markdown() ([]byte, error) {
	js, err := s.JSON()
	if err != nil {
		return nil, err
	}
	m := s.Model
	var b strings.Builder
	title := s.Tenant.DisplayName
	if title == "" {
		title = s.Tenant.ID
	}
	fmt.Fprintf(&b, "# Tenant specification: %s\n\n", md(title))
	if s.Anonymized {
		b.WriteString("> Anonymised: names, ids, principals, domains and addresses are stable pseudonyms.\n\n")
	}
	fmt.Fprintf(&b, "- Tenant: `%s`", s.Tenant.ID)
	if s.Tenant.DefaultDomain != "" {
		fmt.Fprintf(&b, " (%s)", md(s.Tenant.DefaultDomain))
	}
	b.WriteString("\n")
	rgs := m.ResourceGroups()
	fmt.Fprintf(&b, "- Subscriptions: %d · resource groups: %d · resources: %d · skipped: %d\n",
		max(len(s.Tenant.Subscriptions), len(m.Subscriptions)), len(rgs), len(m.Resources)-len(rgs), len(m.Skipped))
	counts := map[string]int{}
	for _, p := range s.Principals {
		counts[p.Kind]++
	}
	fmt.Fprintf(&b, "- Identities: %d users, %d groups, %d service principals\n\n", counts["User"], counts["Group"], counts["ServicePrincipal"])

	b.WriteString("## Resources by type\n\n| type | count |\n|---|---:|\n")
	byType := map[string]int{}
	for _, r := range m.Resources {
		if !r.IsResourceGroup() {
			byType[r.Type]++
		}
	}
	types := model.SortedKeys(byType)
	sort.SliceStable(types, func(i, j int) bool { return byType[types[i]] > byType[types[j]] })
	for _, t := range types {
		fmt.Fprintf(&b, "| %s | %d |\n", t, byType[t])
	}

	idx := m.Index()
	rels := map[string][]Relationship{}
	for _, r := range s.Relationships {
		rels[r.From] = append(rels[r.From], r)
	}
	subNames := map[string]string{}
	for _, sub := range s.Tenant.Subscriptions {
		subNames[strings.ToLower(sub.ID)] = sub.Name
	}
	byRG := map[string][]*model.Resource{}
	var subLevel []*model.Resource
	for _, r := range m.Resources {
		switch {
		case r.IsResourceGroup():
		case r.Level == model.LevelSubscription:
			subLevel = append(subLevel, r)
		default:
			byRG[strings.ToLower(r.ResourceGroup)] = append(byRG[strings.ToLower(r.ResourceGroup)], r)
		}
	}
	bySub := map[string][]*model.Resource{}
	for _, rg := range rgs {
		bySub[strings.ToLower(rg.Subscription)] = append(bySub[strings.ToLower(rg.Subscription)], rg)
	}
	for _, sub := range model.SortedKeys(bySub) {
		name := subNames[sub]
		if name == "" {
			name = sub
		}
		fmt.Fprintf(&b, "\n## Subscription %s (`%s`)\n", md(name), sub)
		for _, rg := range bySub[sub] {
			members := byRG[strings.ToLower(rg.Name)]
			fmt.Fprintf(&b, "\n### Resource group %s (%s, %d resources)\n\n", md(rg.Name), rg.Location, len(members))
			if len(members) == 0 {
				continue
			}
			b.WriteString("| resource | type | location | key settings |\n|---|---|---|---|\n")
			for _, r := range members {
				fmt.Fprintf(&b, "| `%s` %s | %s | %s | %s |\n", r.Key, md(r.LastName()), r.Type, r.Location, md(keySettings(r)))
			}
			var lines []string
			for _, r := range members {
				for _, rel := range rels[r.Key] {
					to := rel.To
					if t := idx[to]; t != nil {
						to = t.Key
					}
					lines = append(lines, fmt.Sprintf("- `%s` %s `%s`", r.Key, rel.Type, to))
				}
			}
			if len(lines) > 0 {
				b.WriteString("\nRelationships:\n\n" + strings.Join(lines, "\n") + "\n")
			}
		}
	}

	b.WriteString("\n## Identities and role assignments\n\n")
	var uais []string
	for _, r := range m.Resources {
		if r.LowerType() == "microsoft.managedidentity/userassignedidentities" {
			uais = append(uais, "`"+r.Key+"`")
		}
	}
	fmt.Fprintf(&b, "User-assigned identities: %s\n\n", orNone(strings.Join(uais, ", ")))
	var withIdentity []string
	for _, r := range m.Resources {
		if r.Identity != nil {
			withIdentity = append(withIdentity, fmt.Sprintf("`%s` (%s)", r.Key, r.Identity.Type))
		}
	}
	fmt.Fprintf(&b, "Resources with a managed identity: %s\n\n", orNone(strings.Join(withIdentity, ", ")))
	b.WriteString("| role assignment | principal | type | role definition | scope |\n|---|---|---|---|---|\n")
	n := 0
	for _, r := range append(subLevel, m.Resources...) {
		if r.LowerType() != "microsoft.authorization/roleassignments" || (n > 0 && r.Level == model.LevelSubscription && contains(subLevel, r) && false) {
			continue
		}
		n++
		scope := "resource group " + r.ResourceGroup
		switch {
		case r.Scope != nil:
			scope = display(r.Scope)
		case r.Level == model.LevelSubscription:
			scope = "subscription"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.Key, display(r.Body["principalId"]), md(str(r.Body["principalType"])),
			display(r.Body["roleDefinitionId"]), md(scope))
	}
	markdownDirectory(&b, s.Directory)
	markdownGovernance(&b, s.Governance)
	if len(m.Skipped) > 0 {
		b.WriteString("\n## Not included\n\n| id | type | reason |\n|---|---|---|\n")
		for _, sk := range m.Skipped {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", md(sk.ID), sk.Type, md(sk.Reason))
		}
	}
	if len(m.Secrets) > 0 {
		b.WriteString("\n## Secrets\n\nValues the source held that are secrets (found by value or by name) are not in this " +
			"document: each is `<redacted:RULE>` here and an input (generated or asked for by create-tenant) in the JSON.\n\n" +
			"| resource | path | rule | input |\n|---|---|---|---|\n")
		for _, f := range m.Secrets {
			in := "removed"
			if f.Variable != "" {
				in = "`" + f.Variable + "`"
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", f.Key, md(f.Path), md(secrets.Marker(f.Rule)), in)
		}
	}
	b.WriteString("\n## Machine-readable spec\n\nThe block below is what `atg create-tenant --spec` reads (format " + FormatVersion + ").\n\n```json\n")
	b.Write(js)
	b.WriteString("```\n")
	return []byte(b.String()), nil
}

func contains(rs []*model.Resource, r *model.Resource) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// display renders a body value for prose.
func display(v any) string {
	switch t := v.(type) {
	case model.Ref:
		return "`" + t.Target + "`" + md(t.Suffix)
	case model.Var:
		return "var `" + t.Name + "`"
	case string:
		if r := secrets.CheckValue(t); r != "" {
			return secrets.Marker(r)
		}
		return md(t)
	case model.SubRel:
		return "subscription" + md(t.Path)
	case nil:
		return ""
	}
	return md(fmt.Sprint(v))
}

// md escapes table-breaking characters.
func md(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "`", "'")
	return r.Replace(s)
}

// keySettings picks what a reader wants to know about a resource: sku, kind, zones and the
// first scalar properties (in name order).
func keySettings(r *model.Resource) string {
	var parts []string
	if n := str(r.SKU["name"]); n != "" {
		parts = append(parts, "sku "+n)
	}
	if r.Kind != "" {
		parts = append(parts, "kind "+r.Kind)
	}
	if len(r.Zones) > 0 {
		parts = append(parts, "zones "+strings.Join(r.Zones, ","))
	}
	if r.Identity != nil {
		parts = append(parts, "identity "+r.Identity.Type)
	}
	n := 0
	for _, k := range model.SortedKeys(r.Body) {
		if n == 4 {
			break
		}
		switch v := r.Body[k].(type) {
		case string:
			if v != "" && len(v) < 60 {
				parts = append(parts, k+"="+v)
				n++
			}
		case bool:
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
			n++
		case float64:
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
			n++
		case model.Ref:
			parts = append(parts, k+"→"+v.Target)
			n++
		}
	}
	return strings.Join(parts, "; ")
}
