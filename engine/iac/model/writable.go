package model

import (
	"strings"

	"github.com/atg-go/atg/engine/secrets"
)

// WritableProperties returns the part of a resource's ARM properties that a PUT accepts, as the
// model keeps it: read-only and derived fields, inline sub-resource ids, back-reference lists and
// secrets removed (secret-named properties dropped, secret values replaced by their
// <redacted:RULE> marker). id is the resource's ARM id (inline sub-resources are recognised by
// it). engine/fidelity does not use it: it compares what the REST specs do not mark readOnly
// (engine/armspec), so that it measures this filter too.
func WritableProperties(armType, id string, props map[string]any) map[string]any {
	if props == nil {
		return nil
	}
	c := &cleaner{selfLower: strings.TrimSuffix(strings.ToLower(id), "/"), typ: strings.ToLower(armType)}
	out, _ := secrets.Redact(c.cleanProperties(props), "properties")
	m, _ := out.(map[string]any)
	return m
}
