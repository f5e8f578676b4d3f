package config

import (
	"strings"
	"testing"
)

func TestMaskURLPasswords(t *testing.T) {
	for in, want := range map[string]string{
		"bolt://neo4j:s3cret@127.0.0.1:7687":    "bolt://neo4j:***@127.0.0.1:7687",
		"https://user:p%40ss@atg.example.com/x": "https://user:***@atg.example.com/x",
		"neo4j+s://u:pw@db.example.com":         "neo4j+s://u:***@db.example.com",
		"bolt://127.0.0.1:7687":                 "bolt://127.0.0.1:7687",
		"https://user@atg.example.com":          "https://user@atg.example.com",
		"a bolt://x:y@h and https://p:q@k/z":    "a bolt://x:***@h and https://p:***@k/z",
		"/var/lib/graph.db":                     "/var/lib/graph.db",
	} {
		if got := MaskURLPasswords(in); got != want {
			t.Errorf("MaskURLPasswords(%q) = %q, want %q", in, got, want)
		}
	}
	c := &Config{Graph: "bolt://neo4j:hunter2@db:7687", ServiceURL: "https://me:hunter2@atg.example.com"}
	for k, v := range c.Redacted() {
		if strings.Contains(v, "hunter2") {
			t.Errorf("%s shows the password: %s", k, v)
		}
	}
}
