package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Governance rows: policy definitions, and policy assignments and exemptions, whose azurerm
// type depends on the scope they sit at (subscription, resource group or resource). A scoped
// row names the scope through ParentAttr with the resource's base id (e.base: the subscription,
// its resource group, or the resource it extends).

// scoped is one ARM type's rows per scope.
type scoped struct{ sub, rg, res simpleRow }

func (sc scoped) pick(r *model.Resource) simpleRow {
	switch {
	case r.Scope != nil:
		return sc.res
	case r.Level == model.LevelSubscription:
		return sc.sub
	}
	return sc.rg
}

// registerScoped adds a scoped type to Table: the resolver picks the row for the resource's
// scope, which then applies like any simple row.
func registerScoped(armType string, sc scoped) {
	byTF := map[string]simpleRow{sc.sub.TF: sc.sub, sc.rg.TF: sc.rg, sc.res.TF: sc.res}
	Table[armType] = Mapping{
		Types: []string{sc.sub.TF, sc.rg.TF, sc.res.TF},
		Resolve: func(r *model.Resource) string {
			row := sc.pick(r)
			if row.why(r) != "" {
				return ""
			}
			return row.TF
		},
		Explain: func(r *model.Resource) string { return sc.pick(r).why(r) },
		Emit: func(e *emitter, r *model.Resource, t string) error {
			return emitSimple(byTF[t])(e, r, t)
		},
	}
}

// scopedRows makes the three rows of a type from the arguments they share.
func scopedRows(suffix string, row simpleRow) scoped {
	at := func(tf, attr string) simpleRow {
		r := row
		r.TF, r.Place, r.ParentAttr = "azurerm_"+tf+"_"+suffix, scopeID, attr
		return r
	}
	return scoped{sub: at("subscription", "subscription_id"), rg: at("resource_group", "resource_group_id"), res: at("resource", "resource_id")}
}

// enforceExtra writes a policy assignment's enforcement mode as azurerm's enforce flag.
func enforceExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	switch m := s(jsonpath.GetFold(r.Body, "enforcementMode")); {
	case strings.EqualFold(m, "DoNotEnforce"):
		e.set(b, "enforce", false)
	case strings.EqualFold(m, "Default"):
		e.set(b, "enforce", true)
	}
}

var policyAssignment = simpleRow{NameAttr: "name", Identity: true,
	Args: []arg{{TF: "policy_definition_id", ARM: "policyDefinitionId", C: cID, Required: true},
		{TF: "display_name", ARM: "displayName"}, {TF: "description", ARM: "description"},
		{TF: "not_scopes", ARM: "notScopes", C: cStrList}, {TF: "parameters", ARM: "parameters", C: cJSON},
		{TF: "metadata", ARM: "metadata", C: cJSON},
		{TF: "non_compliance_message", ARM: "nonComplianceMessages", Block: []arg{{TF: "content", ARM: "message", Required: true},
			{TF: "policy_definition_reference_id", ARM: "policyDefinitionReferenceId"}}}},
	Check: func(r *model.Resource) string {
		if r.Identity != nil && r.Location == "" {
			return "policy assignment with a managed identity but no location"
		}
		return oneOf("enforcementMode", "Default", "DoNotEnforce")(r)
	},
	Extra:  policyLocation(enforceExtra),
	Sets:   []string{"enforce", "location"},
	Reads:  []string{"enforcementMode", "scope"},
	Ignore: []string{"assignmentType", "instanceId"}}

// policyLocation adds the location an assignment with a managed identity needs.
func policyLocation(next func(e *emitter, b *hclwrite.Body, r *model.Resource)) func(e *emitter, b *hclwrite.Body, r *model.Resource) {
	return func(e *emitter, b *hclwrite.Body, r *model.Resource) {
		next(e, b, r)
		if r.Identity != nil && r.Location != "" {
			e.set(b, "location", r.Location)
		}
	}
}

var policyExemption = simpleRow{NameAttr: "name",
	Args: []arg{{TF: "policy_assignment_id", ARM: "policyAssignmentId", C: cID, Required: true},
		{TF: "exemption_category", ARM: "exemptionCategory", Required: true},
		{TF: "display_name", ARM: "displayName"}, {TF: "description", ARM: "description"},
		{TF: "expires_on", ARM: "expiresOn"}, {TF: "policy_definition_reference_ids", ARM: "policyDefinitionReferenceIds", C: cStrList},
		{TF: "metadata", ARM: "metadata", C: cJSON}},
	Ignore: []string{"assignmentScopeValidation"}}

func init() {
	registerScoped("microsoft.authorization/policyassignments", scopedRows("policy_assignment", policyAssignment))
	registerScoped("microsoft.authorization/policyexemptions", scopedRows("policy_exemption", policyExemption))
	registerSimpleRows(policyRows)
}

var policyRows = map[string]simpleRow{
	// Defender for a resource: the resource it extends is its scope
	"microsoft.security/advancedthreatprotectionsettings": {TF: "azurerm_advanced_threat_protection", NameAttr: "-", Place: scopeID,
		ParentAttr: "target_resource_id", Args: []arg{{TF: "enabled", ARM: "isEnabled", C: cBool, Required: true}}},
	// Defender for Cloud integrations of the subscription (MCAS, WDATP, Sentinel…)
	"microsoft.security/settings": {TF: "azurerm_security_center_setting", NameAttr: "setting_name", Place: nameOnly,
		Args: []arg{{TF: "enabled", ARM: "enabled", C: cBool, Required: true}},
		Check: func(r *model.Resource) string {
			switch r.LastName() {
			case "MCAS", "WDATP", "WDATP_EXCLUDE_LINUX_PUBLIC_PREVIEW", "WDATP_UNIFIED_SOLUTION", "Sentinel":
				return ""
			}
			return "security setting " + r.LastName() + " is not one azurerm manages"
		}},
	"microsoft.authorization/policydefinitions": {TF: "azurerm_policy_definition", Place: nameOnly,
		Args: []arg{{TF: "policy_type", ARM: "policyType", Required: true}, {TF: "mode", ARM: "mode", Required: true},
			{TF: "display_name", ARM: "displayName", Required: true}, {TF: "description", ARM: "description"},
			{TF: "policy_rule", ARM: "policyRule", C: cJSON}, {TF: "parameters", ARM: "parameters", C: cJSON},
			{TF: "metadata", ARM: "metadata", C: cJSON}},
		Check: oneOf("policyType", "Custom"), Ignore: []string{"version", "versions"}},
}
