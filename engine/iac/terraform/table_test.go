package terraform

import (
	"strings"
	"testing"
)

// The mapping table's invariants (STYLE §15): keys are lower-cased ARM types, every row names
// azurerm types and an emitter, resolvers only on rows with a choice or a fallback, and the
// reverse index maps every Terraform type to exactly one ARM type.
func TestTableInvariants(t *testing.T) {
	seen := map[string]string{}
	for arm, m := range Table {
		if arm != strings.ToLower(arm) || !strings.Contains(arm, "/") {
			t.Errorf("key %q is not a lower-cased ARM type", arm)
		}
		if len(m.Types) == 0 || m.Emit == nil {
			t.Errorf("%s: no types or no emitter", arm)
		}
		if len(m.Types) > 1 && m.Resolve == nil {
			t.Errorf("%s: several types and no resolver", arm)
		}
		for _, tf := range append(append([]string{}, m.Types...), m.Associations...) {
			if !strings.HasPrefix(tf, "azurerm_") {
				t.Errorf("%s: %q is not an azurerm type", arm, tf)
			}
			if prev, ok := seen[tf]; ok && prev != arm {
				t.Errorf("%s produced by %s and %s", tf, prev, arm)
			}
			seen[tf] = arm
		}
	}
	if len(TerraformTypes()) != len(seen) {
		t.Errorf("reverse index has %d types, table %d", len(TerraformTypes()), len(seen))
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		`a"b`:        `"a\"b"`,
		"${x}":       `"$${x}"`,
		"%{if}":      `"%%{if}"`,
		"line\nnext": `"line\nnext"`,
		`back\slash`: `"back\\slash"`,
		"cost $5":    `"cost $5"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}
