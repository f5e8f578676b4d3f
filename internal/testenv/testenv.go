// Package testenv gives integration tests the real services' coordinates from the environment.
// Under CI (CI set) an unreachable service fails the test; elsewhere it skips with a message.
package testenv

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/atg-go/atg/config"
)

// InCI reports whether tests run under CI.
func InCI() bool { v := os.Getenv("CI"); return v != "" && v != "0" && v != "false" }

// StorageConnectionString returns the Azurite (or other) connection string for tests.
func StorageConnectionString() string {
	for _, k := range []string{"ATG_TEST_STORAGE", "AzureWebJobsStorage"} {
		if v := os.Getenv(k); v != "" {
			return config.ExpandStorage(v)
		}
	}
	return config.AzuriteConnectionString
}

// Neo4j returns URI, user and password for the test Neo4j.
func Neo4j() (uri, user, password string) {
	uri, user, password = os.Getenv("NEO4J_URI"), os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD")
	if uri == "" {
		uri = "bolt://127.0.0.1:7687"
	}
	if user == "" {
		user = "neo4j"
	}
	if password == "" {
		password = "atg-local-dev"
	}
	return uri, user, password
}

func reachable(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func unavailable(t testing.TB, what string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s is not reachable and CI is set: `make test` must start it", what)
	}
	t.Skipf("%s is not reachable; run `make services-up` (or `make test`) to start it", what)
}

// RequireAzurite returns the storage connection string, or fails/skips when Azurite's ports are closed.
func RequireAzurite(t testing.TB) string {
	t.Helper()
	for _, p := range []string{"127.0.0.1:10000", "127.0.0.1:10001", "127.0.0.1:10002"} {
		if os.Getenv("ATG_TEST_STORAGE") == "" && !reachable(p) {
			unavailable(t, "Azurite ("+p+")")
		}
	}
	return StorageConnectionString()
}

// RequireNeo4j returns the Neo4j coordinates, or fails/skips when Bolt is unreachable.
func RequireNeo4j(t testing.TB) (uri, user, password string) {
	t.Helper()
	uri, user, password = Neo4j()
	u := uri
	for _, p := range []string{"bolt://", "neo4j://"} {
		if len(u) > len(p) && u[:len(p)] == p {
			u = u[len(p):]
		}
	}
	if !reachable(u) {
		unavailable(t, "Neo4j ("+uri+")")
	}
	return uri, user, password
}

// Integration marks a test that needs real services or a long run. `go test -short` skips it
// on a developer's machine; under CI it fails instead, so a -short run can never pass CI by
// running nothing that matters.
func Integration(t testing.TB) {
	t.Helper()
	if !testing.Short() {
		return
	}
	if InCI() {
		t.Fatal("integration test skipped by -short while CI is set: CI runs the whole suite")
	}
	t.Skip("integration test (-short)")
}
