package terraform

import "github.com/atg-go/atg/engine/iac/model"

// MappingEntry is one resource of the mapping report (mapping.json): what it became and why.
type MappingEntry struct {
	Key        string `json:"key"`
	ARMType    string `json:"arm_type"`
	APIVersion string `json:"api_version"`
	Terraform  string `json:"terraform_type"`
	// EmittedAPIVersion is set when an azapi_resource uses another api-version than the one
	// the resource was read with (azapi's schemas do not know that one).
	EmittedAPIVersion string `json:"emitted_api_version,omitempty"`
	// SchemaChecked is false for azapi_resource bodies azapi's schemas cannot check.
	SchemaChecked *bool    `json:"schema_checked,omitempty"`
	Notes         []string `json:"notes,omitempty"`
}

// azapiVersion returns (and remembers) the api-version r is emitted with as azapi_resource.
func (e *emitter) azapiVersion(r *model.Resource) (string, bool) {
	v, schema, note := AzapiVersion(r.Type, r.APIVersion)
	if _, seen := e.apiVersions[r.Key]; !seen {
		e.apiVersions[r.Key] = v
		if note != "" {
			e.notes[r.Key] = append(e.notes[r.Key], note)
		}
		if !schema {
			e.unchecked[r.Key] = true
		}
	}
	return v, schema
}

// mapping renders the mapping report rows in model order.
func (e *emitter) mapping() []MappingEntry {
	out := make([]MappingEntry, 0, len(e.m.Resources))
	for _, r := range e.m.Resources {
		me := MappingEntry{Key: r.Key, ARMType: r.Type, APIVersion: r.APIVersion, Terraform: e.tfType[r.Key], Notes: e.notes[r.Key]}
		if p, ok := e.within[r.Key]; ok {
			me.Terraform = e.tfType[p]
			me.Notes = append(me.Notes, "declared inline by "+e.address(e.idx[p]))
		}
		if v := e.apiVersions[r.Key]; v != "" && v != r.APIVersion {
			me.EmittedAPIVersion = v
		}
		if isAzapi(me.Terraform) {
			checked := !e.unchecked[r.Key]
			me.SchemaChecked = &checked
		}
		out = append(out, me)
	}
	return out
}

// appendNote appends a note once.
func appendNote(notes []string, n string) []string {
	for _, x := range notes {
		if x == n {
			return notes
		}
	}
	return append(notes, n)
}
