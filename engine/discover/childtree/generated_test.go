package childtree

import (
	"strings"
	"testing"
)

// The embedded child tree parses, names its source, and every row is one the walk can use.
func TestGeneratedParses(t *testing.T) {
	if generatedErr != nil {
		t.Fatal(generatedErr)
	}
	if !strings.Contains(Source, "azure-rest-api-specs@") || len(Generated) < 900 {
		t.Fatalf("source %q, %d rows", Source, len(Generated))
	}
	for _, c := range Generated {
		if c.Parent != strings.ToLower(c.Parent) || !strings.Contains(c.Type, "/") {
			t.Errorf("row %+v: parent must be lower-cased, type a full ARM type", c)
		}
	}
	if _, _, err := parseGenerated("a\tb\tc\n"); err == nil {
		t.Error("a short row parses")
	}
	if _, _, err := parseGenerated("a\tb\tc/d\tv\tbogus\t\n"); err == nil {
		t.Error("an unknown flag parses")
	}
}
