package graphcmd

import (
	"context"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
)

// graph export --redact: on by default for graphml and cypher, off for json (the backup); every
// export says which it is; import refuses a redacted export unless --allow-redacted.
func TestExportRedact(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	s, err := e.f.GraphStore(ctx)
	if err != nil {
		t.Fatal(err)
	}
	secret := "AccountKey=" + strings.Repeat("q7Lx", 21) + "==;"
	conn := "DefaultEndpointsProtocol=https;AccountName=st1;" + secret + "EndpointSuffix=core.windows.net"
	n := graph.Node{Label: graph.LabelResource, ID: "/subscriptions/s1/resourcegroups/rg/providers/microsoft.web/sites/app1",
		Props: map[string]any{graph.PropName: "app1", graph.PropType: "microsoft.web/sites", graph.PropTags: map[string]any{"storage": conn}}}
	if err := s.UpsertNodes(ctx, "t1", "scan-1", []graph.Node{n}); err != nil {
		t.Fatal(err)
	}
	s.Close(ctx)
	for _, c := range []struct {
		args     []string
		redacted bool
	}{
		{[]string{"--format", "graphml"}, true},
		{[]string{"--format", "cypher"}, true},
		{[]string{"--format", "json"}, false},
		{[]string{"--format", "json", "--redact"}, true},
		{[]string{"--format", "graphml", "--redact=false"}, false},
	} {
		if err := e.run(t, append([]string{"export", "--tenant-id", "t1"}, c.args...)...); err != nil {
			t.Fatal(err)
		}
		out := e.out.String()
		leaked := strings.Contains(out, strings.Repeat("q7Lx", 21))
		says := strings.Contains(out, "redacted for sharing")
		if leaked == c.redacted || says != c.redacted || (!c.redacted && !strings.Contains(out, "complete")) {
			t.Errorf("export %v: leaked=%v says-redacted=%v, want redacted=%v", c.args, leaked, says, c.redacted)
		}
		if c.redacted && !strings.Contains(out, "redacted:connection-string") {
			t.Errorf("export %v: no marker", c.args)
		}
	}
	// the last redacted json export cannot be restored by accident
	if err := e.run(t, "export", "--tenant-id", "t1", "--redact"); err != nil {
		t.Fatal(err)
	}
	red := e.out.String()
	e.in.WriteString(red)
	if err := e.run(t, "import", "--tenant-id", "t2", "--input", "-"); err == nil || !strings.Contains(err.Error(), "--allow-redacted") {
		t.Errorf("import of a redacted export: %v", err)
	}
	e.in.Reset()
	e.in.WriteString(red)
	if err := e.run(t, "import", "--tenant-id", "t2", "--input", "-", "--allow-redacted"); err != nil {
		t.Errorf("import --allow-redacted: %v", err)
	}
}
