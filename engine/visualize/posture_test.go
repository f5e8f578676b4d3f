package visualize

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/posture"
)

// postureReport assesses the synthetic tenant (its key vaults lack purge protection and logs)
// and adds one attack path over drawn nodes.
func postureReport(t *testing.T, d *Data) *posture.Report {
	t.Helper()
	rep := &posture.Report{Findings: []posture.Finding{}}
	var kv, st string
	for _, n := range d.Nodes {
		if strings.Contains(n.Key, "/microsoft.keyvault/vaults/") && kv == "" {
			kv = n.Key
		}
		if strings.Contains(n.Key, "/microsoft.storage/storageaccounts/") && st == "" {
			st = n.Key
		}
	}
	rep.Findings = append(rep.Findings,
		posture.Finding{RuleID: "ATG-DP-002", Severity: posture.Medium, Key: kv},
		posture.Finding{RuleID: "ATG-NET-008", Severity: posture.High, Key: kv},
		posture.Finding{RuleID: "ATG-X-000", Severity: posture.Low, Key: "/not/drawn"})
	rep.Paths = append(rep.Paths,
		posture.Path{Severity: posture.Critical, TargetKind: posture.TargetStorageData, Steps: []posture.Step{{ID: posture.InternetID, Name: "Internet"}, {ID: kv, Name: "kv"}, {ID: st, Name: "st"}}},
		posture.Path{Severity: posture.High, TargetKind: posture.TargetStorageData, Steps: []posture.Step{{ID: "/not/drawn", Name: "x"}, {ID: st, Name: "st"}}})
	return rep
}

func TestApplyPosture(t *testing.T) {
	s := synthetic(t, 50, 1)
	d, err := Build(context.Background(), s, tenant, Filter{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ApplyPosture(d, postureReport(t, d))
	p := d.Posture
	if len(p.Findings) != 1 || p.Findings[0].Severity != "high" || len(p.Findings[0].Rules) != 2 {
		t.Fatalf("findings %+v", p.Findings)
	}
	if len(p.Paths) != 1 || p.Paths[0].Nodes[0] != -1 || len(p.Paths[0].Nodes) != 3 {
		t.Fatalf("paths %+v (a path over an undrawn node is dropped)", p.Paths)
	}
	var buf bytes.Buffer
	if err := Render(&buf, d, Options{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`"posture":{"findings"`)) {
		t.Error("the page carries no posture data")
	}
}

func TestBrowserPostureOverlay(t *testing.T) {
	bin := chromium(t)
	s := synthetic(t, 200, 1)
	d, err := Build(context.Background(), s, tenant, Filter{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ApplyPosture(d, postureReport(t, d))
	var buf bytes.Buffer
	if err := Render(&buf, d, Options{}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "posture.html")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	attrs, seen, _ := openInBrowser(t, bin, file, "#path=0", "")
	if attrs["ready"] != "1" || attrs["posture-nodes"] != "1" || attrs["posture-paths"] != "1" || attrs["attack-path"] != "0" {
		t.Fatalf("posture overlay not drawn: %v", attrs)
	}
	if len(seen) > 0 {
		t.Fatalf("the page made network requests: %v", seen)
	}
}
