package api

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestValidateNormalisesAndNamesFields(t *testing.T) {
	q := ScanRequest{TenantID: "AAAAAAAA-1111-2222-3333-444444444444", SubscriptionIDs: []string{"BBBBBBBB-1111-2222-3333-444444444444", "bbbbbbbb-1111-2222-3333-444444444444"}}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	if q.TenantID != "aaaaaaaa-1111-2222-3333-444444444444" || len(q.SubscriptionIDs) != 1 || q.IncludeIdentities == nil || !*q.IncludeRBAC {
		t.Fatalf("not normalised: %+v", q)
	}
	g := GenerateIaCRequest{TenantID: "x", Format: "pulumi", Types: []string{"not a type"}}
	err := g.Validate()
	var fe FieldErrors
	if !errors.As(err, &fe) || fe["tenant_id"] == "" || fe["format"] == "" || fe["types[0]"] == "" {
		t.Fatalf("want field errors for tenant_id, format and types[0], got %v", err)
	}
	if !strings.HasPrefix(err.Error(), "invalid request: format: ") {
		t.Fatalf("message should list fields in order: %q", err)
	}
	c := CreateTenantRequest{SourceTenantID: "aaaaaaaa-1111-2222-3333-444444444444", Spec: []byte(`{"a":1}`)}
	if err := c.Validate(); !errors.As(err, &fe) || fe["spec"] == "" || fe["target.subscription_id"] == "" {
		t.Fatalf("spec and source together, no target: %v", err)
	}
}

func TestScanRequestIncrementalRoundTrip(t *testing.T) {
	var q ScanRequest
	if err := json.Unmarshal([]byte(`{"tenant_id":"aaaaaaaa-1111-2222-3333-444444444444","incremental":true}`), &q); err != nil {
		t.Fatal(err)
	}
	if err := q.Validate(); err != nil || !q.Incremental || q.Full {
		t.Fatalf("incremental request: %+v %v", q, err)
	}
	b, _ := json.Marshal(ScanRequest{TenantID: q.TenantID})
	if strings.Contains(string(b), "incremental") || strings.Contains(string(b), "full") {
		t.Fatalf("a full request names no mode: %s", b)
	}
}
