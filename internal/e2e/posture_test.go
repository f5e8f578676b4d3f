package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/atg-go/atg/sim"
)

// `atg posture --remote --output-dir DIR` runs the assessment as a service job and downloads
// the three reports; its findings and paths equal a local run's over the same tenant.
func TestRemotePostureMatchesLocal(t *testing.T) {
	e := Start(t, Options{Sim: sim.Options{Resources: 80, Subscriptions: 1, Seed: 3107, PlantPosture: true}})
	ctx := t.Context()
	localGraph := filepath.Join(e.Dir, "local.db")
	if r := e.Run(ctx, append(e.LocalScanArgs(localGraph), "--log-level", "warn")...); r.Code != 0 {
		t.Fatalf("local scan: %s", r)
	}
	if r := e.Run(ctx, append([]string{"scan", "--tenant-id", e.TenantID}, e.RemoteArgs()...)...); r.Code != 0 {
		t.Fatalf("remote scan: %s", r)
	}
	localDir, remoteDir := filepath.Join(e.Dir, "posture-local"), filepath.Join(e.Dir, "posture-remote")
	if r := e.Run(ctx, "posture", "--tenant-id", e.TenantID, "--format", "md,json,sarif", "--output-dir", localDir, "--graph", localGraph); r.Code != 0 {
		t.Fatalf("local posture: %s", r)
	}
	rem := e.Run(ctx, append([]string{"posture", "--tenant-id", e.TenantID, "--output-dir", remoteDir}, e.RemoteArgs()...)...)
	if rem.Code != 0 {
		t.Fatalf("remote posture: %s\nservice log:\n%s", rem, e.ServiceLog())
	}
	for _, f := range []string{"posture.md", "posture.json", "posture.sarif"} {
		if st, err := os.Stat(filepath.Join(remoteDir, f)); err != nil || st.Size() == 0 {
			t.Errorf("remote run did not download %s: %v", f, err)
		}
	}
	lf, lp := findingsOf(t, filepath.Join(localDir, "posture.json"))
	rf, rp := findingsOf(t, filepath.Join(remoteDir, "posture.json"))
	if len(lf) == 0 || !reflect.DeepEqual(lf, rf) || !reflect.DeepEqual(lp, rp) {
		t.Fatalf("local and remote reports differ:\nlocal  %d findings %v\nremote %d findings %v", len(lf), lp, len(rf), rp)
	}
	t.Logf("%d findings and %d paths, identical locally and remotely", len(lf), len(lp))
}

func findingsOf(t *testing.T, path string) (findings, paths []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Findings []struct {
			RuleID     string `json:"rule_id"`
			ResourceID string `json:"resource_id"`
		} `json:"findings"`
		Paths []struct {
			ID string `json:"id"`
		} `json:"attack_paths"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		findings = append(findings, f.RuleID+" "+f.ResourceID)
	}
	for _, p := range rep.Paths {
		paths = append(paths, p.ID)
	}
	sort.Strings(findings)
	sort.Strings(paths)
	return findings, paths
}
