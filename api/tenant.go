package api

import (
	"fmt"
	"strings"
)

// NormalizeTenantID is the stored form of a tenant id (lower-case, trimmed): the same rule as
// engine/graph.NormalizeTenantID (a test in handler/executors keeps them equal), for the
// hosting layers that name tenants without importing the engine (backup names, admin paths).
func NormalizeTenantID(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// CheckTenantID normalizes a tenant id and rejects one the graph cannot store (empty, or
// holding '|' or NUL), like engine/graph.CheckTenant.
func CheckTenantID(id string) (string, error) {
	t := NormalizeTenantID(id)
	if t == "" || strings.ContainsAny(t, "|\x00") {
		return "", fmt.Errorf("invalid tenant id %q", id)
	}
	return t, nil
}
