package posture

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/internal/repotest"
)

func TestRuleTable(t *testing.T) {
	rules := Rules()
	if len(rules) < 30 {
		t.Fatalf("%d rules, want >= 30", len(rules))
	}
	seen := map[string]bool{}
	for _, r := range rules {
		if seen[r.ID] {
			t.Errorf("duplicate rule id %s", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Fix == "" || r.MCSB == "" || r.STRIDE == "" || r.Category == "" || r.Check == nil {
			t.Errorf("%s: incomplete row %+v", r.ID, r)
		}
		if !slices.Contains(Severities, r.Severity) {
			t.Errorf("%s: severity %q", r.ID, r.Severity)
		}
		if (len(r.Types) == 0) == (r.Label == "") {
			t.Errorf("%s: exactly one of Types and Label must be set", r.ID)
		}
		for _, typ := range r.Types {
			if typ != strings.ToLower(typ) {
				t.Errorf("%s: type %q not lower-case", r.ID, typ)
			}
		}
		if !strings.HasPrefix(r.ID, "ATG-") {
			t.Errorf("%s: ids start with ATG-", r.ID)
		}
	}
}

const (
	sub    = "/subscriptions/00000000-0000-0000-0000-000000000001"
	rgID   = sub + "/resourceGroups/rg"
	tenant = "t1"
)

func res(typ, name string, props map[string]any, extra ...map[string]any) graph.Node {
	id := rgID + "/providers/" + typ + "/" + name
	p := map[string]any{"id": id, "name": name, "type": strings.ToLower(typ), "properties": props}
	for _, e := range extra {
		for k, v := range e {
			p[k] = v
		}
	}
	return graph.Node{Label: graph.LabelResource, ID: graph.NormalizeID(id), Props: p}
}

func edge(t graph.EdgeType, from, to graph.Node) graph.Edge {
	return graph.Edge{Type: t, From: from.ID, FromLabel: from.Label, To: to.ID, ToLabel: to.Label}
}

func ra(name, principal, ptype, role, scope string) graph.Node {
	id := scope + "/providers/Microsoft.Authorization/roleAssignments/" + name
	return graph.Node{Label: graph.LabelRoleAssignment, ID: graph.NormalizeID(id), Props: map[string]any{"id": id, "name": name, "principal_id": principal,
		"principal_type": ptype, "role_definition_id": sub + "/providers/Microsoft.Authorization/roleDefinitions/" + role, "scope": scope}}
}

// fixture is a small tenant: an internet-exposed VM (SSH open) whose identity is subscription
// Owner, a key vault a guest reaches through a group, and a compliant storage account.
func fixture() *Graph {
	nsg := res("Microsoft.Network/networkSecurityGroups", "nsg-open", map[string]any{"securityRules": []any{
		map[string]any{"name": "ssh", "properties": map[string]any{"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 100.0,
			"sourceAddressPrefix": "Internet", "destinationPortRange": "22"}}}})
	pip := res("Microsoft.Network/publicIPAddresses", "pip-vm", map[string]any{"ipAddress": "20.1.2.3"})
	nic := res("Microsoft.Network/networkInterfaces", "nic-vm", map[string]any{"ipConfigurations": []any{}, "networkSecurityGroup": map[string]any{"id": nsg.Props["id"]}})
	vm := res("Microsoft.Compute/virtualMachines", "vm-exposed", map[string]any{}, map[string]any{"identity": map[string]any{"type": "SystemAssigned", "principalId": "sp-vm"}})
	sp := graph.Node{Label: graph.LabelServicePrincipal, ID: "sp-vm", Props: map[string]any{"display_name": "vm-exposed"}}
	subN := graph.Node{Label: graph.LabelSubscription, ID: sub, Props: map[string]any{"id": sub, "name": "prod"}}
	owner := ra("ra1", "sp-vm", "ServicePrincipal", roleOwner, sub)
	kv := res("Microsoft.KeyVault/vaults", "kv-weak", map[string]any{"enableSoftDelete": false, "enablePurgeProtection": false, "publicNetworkAccess": "Enabled"})
	guest := graph.Node{Label: graph.LabelUser, ID: "guest1", Props: map[string]any{"display_name": "Guest One", "user_type": "Guest"}}
	grp := graph.Node{Label: graph.LabelGroup, ID: "grp1", Props: map[string]any{"display_name": "sg-kv-readers"}}
	kvra := ra("ra2", "grp1", "Group", roleKVSecretsUser, kv.Props["id"].(string))
	st := res("Microsoft.Storage/storageAccounts", "stok", map[string]any{"minimumTlsVersion": "TLS1_2", "supportsHttpsTrafficOnly": true,
		"allowBlobPublicAccess": false, "publicNetworkAccess": "Disabled", "allowSharedKeyAccess": false})
	app := graph.Node{Label: graph.LabelApplication, ID: "app1", Props: map[string]any{"display_name": "app-old", "credentials": []any{
		map[string]any{"type": "password", "start_date_time": "2024-01-01T00:00:00Z", "end_date_time": "2026-01-01T00:00:00Z"}}}}
	nodes := []graph.Node{nsg, pip, nic, vm, sp, subN, owner, kv, guest, grp, kvra, st, app}
	edges := []graph.Edge{edge(graph.EdgeHasPublicIP, nic, pip), edge(graph.EdgeSecuredBy, nic, nsg), edge(graph.EdgeUses, vm, nic),
		edge(graph.EdgeUsesIdentity, vm, sp), edge(graph.EdgeAssignedTo, owner, sp), edge(graph.EdgeAppliesTo, owner, subN),
		edge(graph.EdgeMemberOf, guest, grp), edge(graph.EdgeAssignedTo, kvra, grp), edge(graph.EdgeAppliesTo, kvra, kv)}
	return FromParts(tenant, nodes, edges)
}

func runFixture(t *testing.T) *Report {
	t.Helper()
	rep, err := Run(context.Background(), fixture(), Options{Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func findingSet(rep *Report) map[string]bool {
	out := map[string]bool{}
	for _, f := range rep.Findings {
		out[f.RuleID+" "+f.Name] = true
	}
	return out
}

func TestFixtureFindings(t *testing.T) {
	rep := runFixture(t)
	got := findingSet(rep)
	for _, want := range []string{"ATG-NET-001 vm-exposed", "ATG-NET-006 nsg-open", "ATG-NET-015 vm-exposed", "ATG-IAM-001 ra1",
		"ATG-IAM-005 vm-exposed", "ATG-DP-001 kv-weak", "ATG-DP-002 kv-weak", "ATG-NET-008 kv-weak", "ATG-LOG-001 kv-weak",
		"ATG-IAM-006 app-old", "ATG-IAM-007 app-old"} {
		if !got[want] {
			t.Errorf("missing finding %s; got %v", want, got)
		}
	}
	for k := range got {
		if strings.HasSuffix(k, " stok") || strings.HasPrefix(k, "ATG-NET-002") || strings.HasPrefix(k, "ATG-NET-003") {
			t.Errorf("unexpected finding %s", k)
		}
	}
	paths := map[string][]string{}
	for _, p := range rep.Paths {
		var ids []string
		for _, s := range p.Steps {
			ids = append(ids, s.Name)
		}
		paths[p.SourceKind+" "+p.TargetKind] = ids
	}
	if want := []string{"Internet", "pip-vm", "nic-vm", "vm-exposed", "vm-exposed", "prod"}; !slices.Equal(paths["internet subscription-owner"], want) {
		t.Errorf("internet path = %v, want %v", paths["internet subscription-owner"], want)
	}
	if want := []string{"Guest One", "sg-kv-readers", "kv-weak"}; !slices.Equal(paths["principal key-vault-secrets"], want) {
		t.Errorf("principal path = %v, want %v (all %v)", paths["principal key-vault-secrets"], want, paths)
	}
}

func TestRedaction(t *testing.T) {
	in := map[string]any{"siteConfig": map[string]any{"appSettings": []any{
		map[string]any{"name": "DB_PASSWORD", "value": "hunter2"},
		map[string]any{"name": "KV_REF", "value": "@Microsoft.KeyVault(SecretUri=https://x.vault.azure.net/secrets/s/)"},
		map[string]any{"name": "STORAGE", "value": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc=="},
		map[string]any{"name": "REGION", "value": "eastus"}}},
		"adminPassword": "p@ss", "disablePasswordAuthentication": true, "keyVaultSecretId": "https://x.vault.azure.net/secrets/s"}
	out, _ := json.Marshal(DefaultRedactor("properties", in))
	s := string(out)
	for _, leak := range []string{"hunter2", "abc==", "p@ss"} {
		if strings.Contains(s, leak) {
			t.Errorf("secret %q leaked: %s", leak, s)
		}
	}
	for _, keep := range []string{"eastus", "@Microsoft.KeyVault", `"disablePasswordAuthentication":true`, "https://x.vault.azure.net/secrets/s\""} {
		if !strings.Contains(s, keep) {
			t.Errorf("%q lost: %s", keep, s)
		}
	}
}

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(repotest.Testdata("sarif", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://json.schemastore.org/sarif-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validateSARIF(t *testing.T, sch *jsonschema.Schema, b []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(v); err != nil {
		t.Fatalf("SARIF does not validate: %v", err)
	}
}

func TestSARIFValidates(t *testing.T) {
	sch := compileSARIFSchema(t)
	rep := runFixture(t)
	var b bytes.Buffer
	if err := rep.WriteSARIF(&b, SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sch, b.Bytes())
	// the schema is strict enough to catch a broken log
	var broken map[string]any
	_ = json.Unmarshal(b.Bytes(), &broken)
	broken["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)["level"] = "fatal"
	bb, _ := json.Marshal(broken)
	v, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bb))
	if sch.Validate(v) == nil {
		t.Fatal("a result with level fatal validated")
	}
	// with IaC locations
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.tf"), []byte("resource \"azurerm_key_vault\" \"kv_weak\" {\n  name = \"kv-weak\"\n}\n\nresource \"azurerm_linux_virtual_machine\" \"vm\" {\n  name = \"vm-exposed\"\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "imports.tf"), []byte("import {\n  to = azurerm_linux_virtual_machine.vm\n  id = \""+rgID+"/providers/Microsoft.Compute/virtualMachines/vm-exposed\"\n}\n"), 0o644)
	x, err := LoadIaC(dir)
	if err != nil {
		t.Fatal(err)
	}
	if n := rep.MapIaC(x); n == 0 {
		t.Fatal("no finding mapped to Terraform")
	}
	for _, f := range rep.Findings {
		if f.Name == "vm-exposed" && (f.Location == nil || f.Location.Line != 5 || f.Location.Address != "azurerm_linux_virtual_machine.vm") {
			t.Errorf("vm location = %+v", f.Location)
		}
		if f.Name == "kv-weak" && (f.Location == nil || f.Location.Line != 1) {
			t.Errorf("kv location = %+v", f.Location)
		}
	}
	b.Reset()
	if err := rep.WriteSARIF(&b, SARIFOptions{IaCBase: "file:///tmp/iac/"}); err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, sch, b.Bytes())
	if !strings.Contains(b.String(), `"uriBaseId": "IACROOT"`) {
		t.Error("no IaC location in SARIF")
	}
}

func TestMarkdown(t *testing.T) {
	rep := runFixture(t)
	var b bytes.Buffer
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{"## Summary", "| critical |", "```mermaid", "flowchart LR", "### ATG-NET-001", "**Fix:**"} {
		if !strings.Contains(s, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if err := rep.Write(&b, "xml"); err == nil {
		t.Error("unknown format accepted")
	}
}
