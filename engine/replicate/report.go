package replicate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	secretdet "github.com/atg-go/atg/engine/secrets"
)

// Report is the outcome of a deployment (the `atg create-tenant -o json` shape).
type Report struct {
	SourceTenantID string            `json:"source_tenant_id,omitempty"`
	TargetTenantID string            `json:"target_tenant_id"`
	DryRun         bool              `json:"dry_run"`
	Cancelled      bool              `json:"cancelled,omitempty"`
	Subscriptions  map[string]string `json:"subscriptions"`
	Planned        int               `json:"planned"`
	Created        int               `json:"created"`
	Updated        int               `json:"updated"`
	Unchanged      int               `json:"unchanged"`
	Failed         int               `json:"failed"`
	Blocked        int               `json:"blocked"`
	// NotDeployed are resources left out by design (model or translation) with the reason.
	NotDeployed []model.Skipped `json:"not_deployed"`
	// UnmappedPrincipals are principals of role assignments without a target identity.
	UnmappedPrincipals []string       `json:"unmapped_principals"`
	ByType             map[string]int `json:"deployed_by_type"`
	// Identities is what --create-identities did (nil when not asked).
	Identities *IdentityReport `json:"identities,omitempty"`
	Results    []Result        `json:"results"`
	APICalls   map[string]int  `json:"api_calls"`
	Throttled  int             `json:"throttled"`
	DurationS  float64         `json:"duration_s"`
}

func newReport(p *Plan, dry bool) *Report {
	r := &Report{SourceTenantID: p.SourceTenantID, TargetTenantID: p.TargetTenantID, DryRun: dry, Subscriptions: p.Subscriptions,
		Planned: len(p.Items), NotDeployed: p.Skipped, ByType: map[string]int{}, Results: []Result{}, UnmappedPrincipals: []string{}}
	seen := map[string]bool{}
	for _, s := range p.Skipped {
		if pid, ok := strings.CutPrefix(s.Reason, "principal "); ok && strings.Contains(pid, "identity map") {
			pid, _, _ = strings.Cut(pid, " ")
			if !seen[pid] {
				seen[pid] = true
				r.UnmappedPrincipals = append(r.UnmappedPrincipals, pid)
			}
		}
	}
	sort.Strings(r.UnmappedPrincipals)
	return r
}

func (r *Report) add(res Result) {
	// an ARM error may echo what was sent (a generated secret) or read: the report carries no
	// detected secret
	res.Message = secretdet.RedactText(res.Message)
	res.Reason = secretdet.RedactText(res.Reason)
	r.Results = append(r.Results, res)
	switch res.Action {
	case ActionCreate:
		r.Created++
	case ActionUpdate:
		r.Updated++
	case ActionSkip:
		r.Unchanged++
	case ActionFail:
		r.Failed++
	case ActionBlocked:
		r.Blocked++
	}
	if res.Action == ActionCreate || res.Action == ActionUpdate || res.Action == ActionSkip {
		r.ByType[res.Type]++
	}
}

func (r *Report) finish() {
	sort.Slice(r.Results, func(i, j int) bool {
		if r.Results[i].Level != r.Results[j].Level {
			return r.Results[i].Level < r.Results[j].Level
		}
		return r.Results[i].Key < r.Results[j].Key
	})
}

// OK reports whether nothing failed, nothing was blocked and the run completed.
func (r *Report) OK() bool { return r.Failed == 0 && r.Blocked == 0 && !r.Cancelled }

// Markdown renders the report. A dry run lists every resource with its planned action; a real
// run lists failures, blocked resources and what was not deployed.
func (r *Report) Markdown() string {
	var b strings.Builder
	title := "create-tenant report"
	if r.DryRun {
		title = "create-tenant plan (dry run)"
	}
	fmt.Fprintf(&b, "# %s\n\n", title)
	fmt.Fprintf(&b, "- source tenant: `%s`\n- target tenant: `%s`\n", r.SourceTenantID, r.TargetTenantID)
	for _, s := range model.SortedKeys(r.Subscriptions) {
		fmt.Fprintf(&b, "- subscription `%s` -> `%s`\n", s, r.Subscriptions[s])
	}
	verb := map[bool]string{true: "would be ", false: ""}[r.DryRun]
	fmt.Fprintf(&b, "\n| planned | %screated | %supdated | unchanged | failed | blocked | not deployed |\n|---|---|---|---|---|---|---|\n", verb, verb)
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d | %d |\n\n", r.Planned, r.Created, r.Updated, r.Unchanged, r.Failed, r.Blocked, len(r.NotDeployed))
	if r.Cancelled {
		b.WriteString("**Interrupted**: run the same command again to finish; what exists is skipped.\n\n")
	}
	fmt.Fprintf(&b, "API calls: arm %d, msgraph %d; throttled %d; %.1fs\n\n", r.APICalls["arm"], r.APICalls["msgraph"], r.Throttled, r.DurationS)
	section := func(title string, keep func(Result) bool, line func(Result) string) {
		var rows []string
		for _, x := range r.Results {
			if keep(x) {
				rows = append(rows, line(x))
			}
		}
		if len(rows) == 0 {
			return
		}
		fmt.Fprintf(&b, "## %s (%d)\n\n", title, len(rows))
		for _, l := range rows {
			b.WriteString(l + "\n")
		}
		b.WriteString("\n")
	}
	section("Failed", func(x Result) bool { return x.Action == ActionFail }, func(x Result) string {
		return fmt.Sprintf("- `%s` (%s): **%s** %s", x.TargetID, x.Type, x.Code, oneLine(x.Message))
	})
	section("Blocked", func(x Result) bool { return x.Action == ActionBlocked }, func(x Result) string {
		return fmt.Sprintf("- `%s` (%s): %s", x.TargetID, x.Type, x.Reason)
	})
	if r.DryRun {
		section("Plan", func(x Result) bool { return x.Action != ActionFail && x.Action != ActionBlocked }, func(x Result) string {
			s := fmt.Sprintf("- level %d **%s** `%s` (%s): %s", x.Level, x.Action, x.TargetID, x.Type, x.Reason)
			if len(x.Diff) > 0 {
				s += " [" + strings.Join(head(x.Diff, 5), ", ") + "]"
			}
			return s
		})
	} else {
		section("Updated", func(x Result) bool { return x.Action == ActionUpdate }, func(x Result) string {
			return fmt.Sprintf("- `%s` (%s): %s", x.TargetID, x.Type, strings.Join(head(x.Diff, 5), ", "))
		})
	}
	if len(r.UnmappedPrincipals) > 0 {
		fmt.Fprintf(&b, "## Unmapped principals (%d)\n\nRole assignments for these source principals were not created: add them to `--identity-map` or use `--create-identities`.\n\n", len(r.UnmappedPrincipals))
		for _, p := range r.UnmappedPrincipals {
			fmt.Fprintf(&b, "- `%s`\n", p)
		}
		b.WriteString("\n")
	}
	if len(r.NotDeployed) > 0 {
		fmt.Fprintf(&b, "## Not deployed by design (%d)\n\n", len(r.NotDeployed))
		for _, s := range r.NotDeployed {
			fmt.Fprintf(&b, "- `%s` (%s): %s\n", s.ID, s.Type, s.Reason)
		}
	}
	return b.String()
}

func head(s []string, n int) []string {
	if len(s) > n {
		return append(append([]string(nil), s[:n]...), fmt.Sprintf("… %d more", len(s)-n))
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
