package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// Application Insights standard availability tests (azurerm_application_insights_standard_web_test).
// ARM links a test to its component only by a "hidden-link:<component id>" tag, which azurerm
// writes itself and leaves out of its tags: the link becomes application_insights_id and the
// other tags are written as they are. Classic ping tests (retired) stay azapi.

func init() { registerSimpleRows(webTestRows) }

const hiddenLink = "hidden-link:"

// webTestComponent is the component id a test's hidden-link tag names ("" when none or several).
func webTestComponent(r *model.Resource) string {
	id := ""
	for k := range r.Tags {
		if strings.HasPrefix(strings.ToLower(k), hiddenLink) {
			if c := k[len(hiddenLink):]; strings.Contains(strings.ToLower(c), "/providers/microsoft.insights/components/") {
				if id != "" {
					return ""
				}
				id = c
			}
		}
	}
	return id
}

func webTestCheck(r *model.Resource) string {
	if k := r.Kind; !strings.EqualFold(k, "standard") && !strings.EqualFold(s(jsonpath.GetFold(r.Body, "Kind")), "standard") {
		return "web test kind " + k + " is not expressed"
	}
	if webTestComponent(r) == "" {
		return "a web test without one hidden-link tag naming its Application Insights component is not expressed"
	}
	if n := s(jsonpath.GetFold(r.Body, "Name")); n != "" && n != r.LastName() {
		return "display name " + n + " differs from the test's name (azurerm writes the name)"
	}
	return ""
}

func webTestExtra(e *emitter, b *hclwrite.Body, r *model.Resource) {
	if c := e.resourceByID(webTestComponent(r)); c != nil {
		e.setExpr(b, "application_insights_id", e.idOf(c))
	} else {
		// a literal source id would survive no translation: the next pass emits the test as azapi
		e.violations[r.Key] = "the Application Insights component a web test links to (hidden-link tag) is outside the generated set"
	}
	var locs []any
	for _, l := range arr(jsonpath.GetFold(r.Body, "Locations")) {
		locs = append(locs, s(jsonpath.GetFold(l, "Id")))
	}
	e.set(b, "geo_locations", locs)
	tags := map[string]any{}
	for k, v := range r.Tags {
		if !strings.HasPrefix(strings.ToLower(k), hiddenLink) {
			tags[k] = v
		}
	}
	e.set(b, "tags", tags)
}

var webTestRows = map[string]simpleRow{
	"microsoft.insights/webtests": {TF: "azurerm_application_insights_standard_web_test", Place: inRG, Location: true, NeedLocation: true,
		Args: []arg{{TF: "description", ARM: "Description"}, {TF: "enabled", ARM: "Enabled", C: cBool}, {TF: "frequency", ARM: "Frequency", C: cNum},
			{TF: "timeout", ARM: "Timeout", C: cNum}, {TF: "retry_enabled", ARM: "RetryEnabled", C: cBool},
			{TF: "request", ARM: "Request", Required: true, Max: 1, Block: []arg{{TF: "url", ARM: "RequestUrl", Required: true},
				{TF: "http_verb", ARM: "HttpVerb"}, {TF: "body", ARM: "RequestBody"},
				{TF: "parse_dependent_requests_enabled", ARM: "ParseDependentRequests", C: cBool}, {TF: "follow_redirects_enabled", ARM: "FollowRedirects", C: cBool},
				{TF: "header", ARM: "Headers", Block: []arg{{TF: "name", ARM: "key", Required: true}, {TF: "value", ARM: "value", Required: true}}}}},
			{TF: "validation_rules", ARM: "ValidationRules", Max: 1, Block: []arg{{TF: "expected_status_code", ARM: "ExpectedHttpStatusCode", C: cNum},
				{TF: "ssl_check_enabled", ARM: "SSLCheck", C: cBool}, {TF: "ssl_cert_remaining_lifetime", ARM: "SSLCertRemainingLifetimeCheck", C: cNum},
				{TF: "content", ARM: "ContentValidation", Max: 1, Block: []arg{{TF: "content_match", ARM: "ContentMatch", Required: true},
					{TF: "ignore_case", ARM: "IgnoreCase", C: cBool}, {TF: "pass_if_text_found", ARM: "PassIfTextFound", C: cBool}}}}}},
		Check: checks(webTestCheck, fieldsOnly("Locations", "Id")), Extra: webTestExtra,
		Sets: []string{"application_insights_id", "geo_locations", "tags"}, Reads: []string{"Locations", "Kind", "Name"},
		// the test's own id for the service
		Ignore: []string{"SyntheticMonitorId"}},
}
