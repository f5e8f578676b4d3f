package posture

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/atg-go/atg/internal/buildinfo"
)

// SARIF 2.1.0 output (OASIS standard; the schema is checked in under testdata/ and a test
// validates the output against it). Locations are the resources' ARM ids (logical locations,
// plus an artifact URI under the AZURE base so code-scanning tools that need a file accept
// them) and, when the report was mapped to generated Terraform, that file and line.

// SARIFOptions tune the SARIF output.
type SARIFOptions struct {
	// IaCBase is the URI of the Terraform directory findings were mapped to (originalUriBaseIds IACROOT).
	IaCBase string
}

// PathRuleID is the SARIF rule id of attack-path results.
const PathRuleID = "ATG-PATH-001"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                   `json:"tool"`
	Results            []sarifResult               `json:"results"`
	OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds,omitempty"`
	Properties         map[string]any              `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifArtifactLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
	Region           *sarifRegion     `json:"region,omitempty"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Name               string `json:"name,omitempty"`
	Kind               string `json:"kind,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	Message          *sarifText     `json:"message,omitempty"`
}

type sarifThreadFlowLoc struct {
	Location sarifLocation `json:"location"`
}

type sarifCodeFlow struct {
	ThreadFlows []struct {
		Locations []sarifThreadFlowLoc `json:"locations"`
	} `json:"threadFlows"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           int               `json:"ruleIndex"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	CodeFlows           []sarifCodeFlow   `json:"codeFlows,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

func sarifLevel(s Severity) string {
	switch s {
	case Critical, High:
		return "error"
	case Medium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub code scanning's numeric severity.
func securitySeverity(s Severity) string {
	switch s {
	case Critical:
		return "9.5"
	case High:
		return "8.0"
	case Medium:
		return "5.5"
	}
	return "3.0"
}

func resourceLocation(id string) sarifLocation {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	kind := "resource"
	if !strings.HasPrefix(id, "/") {
		kind = "object"
	}
	return sarifLocation{
		PhysicalLocation: &sarifPhysical{ArtifactLocation: sarifArtifactLoc{URI: strings.Join(segs, "/"), URIBaseID: "AZURE"}},
		LogicalLocations: []sarifLogical{{FullyQualifiedName: id, Name: segs[len(segs)-1], Kind: kind}},
	}
}

func fingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.ToLower(strings.Join(parts, "\x00"))))
	return hex.EncodeToString(h[:16])
}

// WriteSARIF renders the report as a SARIF 2.1.0 log.
func (r *Report) WriteSARIF(w io.Writer, o SARIFOptions) error {
	run := sarifRun{Results: []sarifResult{}, OriginalURIBaseIDs: map[string]sarifArtifactLoc{
		"AZURE": {URI: "azure:///"},
	}, Properties: map[string]any{"tenantId": r.TenantID, "generatedAt": r.GeneratedAt}}
	if o.IaCBase != "" {
		u := o.IaCBase
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		run.OriginalURIBaseIDs["IACROOT"] = sarifArtifactLoc{URI: u}
	}
	run.Tool.Driver = sarifDriver{Name: "atg-posture", Version: buildinfo.Get().Version, InformationURI: "https://github.com/atg-go/atg"}
	index := map[string]int{}
	for _, rule := range r.Rules {
		index[rule.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID: rule.ID, Name: ruleName(rule.Title),
			ShortDescription:     sarifText{Text: rule.Title},
			FullDescription:      sarifText{Text: fmt.Sprintf("%s (STRIDE: %s; Microsoft cloud security benchmark %s).", rule.Title, rule.STRIDE, rule.MCSB)},
			Help:                 sarifText{Text: rule.Fix, Markdown: "**Fix:** " + rule.Fix},
			DefaultConfiguration: map[string]any{"level": sarifLevel(rule.Severity)},
			Properties: map[string]any{"security-severity": securitySeverity(rule.Severity), "precision": "high",
				"tags": []string{"security", "stride:" + string(rule.STRIDE), "mcsb:" + rule.MCSB, string(rule.Category)}},
		})
	}
	index[PathRuleID] = len(run.Tool.Driver.Rules)
	run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
		ID: PathRuleID, Name: "AttackPathToHighValueTarget",
		ShortDescription:     sarifText{Text: "Attack path to a high-value target"},
		FullDescription:      sarifText{Text: "A shortest path from the internet or a low-privilege principal to subscription control, key vault secrets or storage data, through network exposure, managed identities, group membership and role assignments."},
		Help:                 sarifText{Text: "Break the path at any step: close the exposure, narrow the identity's roles, or remove the membership or assignment."},
		DefaultConfiguration: map[string]any{"level": "error"},
		Properties:           map[string]any{"security-severity": "9.0", "tags": []string{"security", "attack-path"}},
	})
	for _, f := range r.Findings {
		loc := resourceLocation(f.ResourceID)
		if f.Location != nil {
			loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifactLoc{URI: f.Location.File, URIBaseID: "IACROOT"},
				Region: &sarifRegion{StartLine: max(1, f.Location.Line)}}
		}
		res := sarifResult{RuleID: f.RuleID, RuleIndex: index[f.RuleID], Level: sarifLevel(f.Severity),
			Message:             sarifText{Text: fmt.Sprintf("%s: %s", f.Title, f.ResourceID)},
			Locations:           []sarifLocation{loc},
			PartialFingerprints: map[string]string{"atgFinding/v1": fingerprint(f.RuleID, f.Key)},
			Properties:          map[string]any{"severity": f.Severity, "stride": f.STRIDE, "mcsb": f.MCSB, "resources": f.Resources, "evidence": f.Evidence, "fix": f.Fix}}
		run.Results = append(run.Results, res)
	}
	for _, p := range r.Paths {
		var names []string
		var flow sarifCodeFlow
		flow.ThreadFlows = make([]struct {
			Locations []sarifThreadFlowLoc `json:"locations"`
		}, 1)
		for _, s := range p.Steps {
			names = append(names, s.Name)
			l := sarifLocation{LogicalLocations: []sarifLogical{{FullyQualifiedName: s.ID, Name: s.Name, Kind: "resource"}}}
			if s.Via != "" {
				l.Message = &sarifText{Text: s.Via}
			}
			flow.ThreadFlows[0].Locations = append(flow.ThreadFlows[0].Locations, sarifThreadFlowLoc{Location: l})
		}
		run.Results = append(run.Results, sarifResult{RuleID: PathRuleID, RuleIndex: index[PathRuleID], Level: sarifLevel(p.Severity),
			Message:             sarifText{Text: fmt.Sprintf("Attack path (%s): %s", p.TargetKind, strings.Join(names, " -> "))},
			Locations:           []sarifLocation{resourceLocation(p.Target)},
			CodeFlows:           []sarifCodeFlow{flow},
			PartialFingerprints: map[string]string{"atgPath/v1": fingerprint(p.ID)},
			Properties:          map[string]any{"source": p.Source, "sourceKind": p.SourceKind, "targetKind": p.TargetKind}})
	}
	log := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// ruleName turns a title into a PascalCase SARIF rule name.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}
