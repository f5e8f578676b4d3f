package iac_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/azure"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/translate"
	"github.com/atg-go/atg/engine/scan"
	"github.com/atg-go/atg/internal/testenv"
	"github.com/atg-go/atg/sim"
	"github.com/atg-go/atg/sim/simtest"
)

// The whole pipeline on a realistic tenant, checked by the real tool: the simulator's 2,000
// resources in 4 subscriptions are scanned into a temporary embedded graph, generated as
// Terraform (imports included) and `tofu validate`d with azurerm 5.2.0 and azapi 1.15.0.
func TestTofuValidateSimulatedTenant(t *testing.T) {
	toolsDir(t)
	testenv.Integration(t)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// with governance (policy assignments, exemptions, definitions, locks) and the richer
	// children (web app slots, DNS record sets, federated credentials, Cosmos databases)
	_, srv := simtest.Start(t, sim.Options{Resources: 2000, Subscriptions: 4, Seed: 7, Throttle: "off", Logger: quiet,
		Governance: true, RichChildren: true})
	st, err := boltstore.Open(filepath.Join(t.TempDir(), "graph.db"), boltstore.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	if err := st.Init(ctx); err != nil {
		t.Fatal(err)
	}
	tenant := srv.TenantIDs[0]
	clients, err := azure.NewClients(azure.Options{Endpoints: azure.Endpoints{ARM: srv.ARMEndpoint, MSGraph: srv.MSGraphEndpoint},
		TenantID: tenant, Logger: quiet, Throttle: azure.ThrottleOptions{BaseDelay: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	eng := &scan.Engine{Store: st, Azure: clients, Logger: quiet, Concurrency: 16}
	res, err := eng.Run(ctx, scan.Request{TenantID: tenant, IncludeIdentities: true, IncludeRBAC: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failures) > 0 || res.Resources < 2000 {
		t.Fatalf("scan: %d resources, failures %+v", res.Resources, res.Failures[:min(3, len(res.Failures))])
	}
	scanned := time.Since(start)

	dir := t.TempDir()
	if d := os.Getenv("IAC_SIM_OUT"); d != "" {
		dir = d // keep the output for a look
	}
	out, err := iac.GenerateToDir(ctx, st, tenant, iac.FormatTerraform, dir, model.Filter{}, translate.Options{}, true)
	if err != nil {
		t.Fatal(err)
	}
	sum := out.Summary
	if m, err := model.Build(ctx, st, tenant, model.Filter{}); err != nil {
		t.Fatal(err)
	} else if c := model.FindCycle(m); c != nil {
		t.Errorf("dependency cycle in the simulated tenant: %s", strings.Join(c, " -> "))
	}
	if sum.Emitted+sum.Skipped < res.Resources {
		t.Errorf("emitted %d + skipped %d < %d scanned resources", sum.Emitted, sum.Skipped, res.Resources)
	}
	main, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	if err != nil {
		t.Fatal(err)
	}
	// the typed emitters this tenant exercises: load balancers with NICs in their backend pools,
	// application gateways, Cosmos DB accounts, container apps and their environments, AKS
	for _, typ := range []string{"azurerm_lb", "azurerm_lb_backend_address_pool", "azurerm_lb_probe", "azurerm_lb_rule",
		"azurerm_network_interface_backend_address_pool_association", "azurerm_application_gateway", "azurerm_cosmosdb_account",
		"azurerm_container_app_environment", "azurerm_container_app", "azurerm_kubernetes_cluster"} {
		if !bytes.Contains(main, []byte(`resource "`+typ+`" `)) {
			t.Errorf("main.tf has no %s", typ)
		}
	}
	// governance objects and the richer children are generated too (typed, or azapi by type)
	for typ, typed := range map[string]string{"Microsoft.Authorization/policyAssignments": "policy_assignment",
		"Microsoft.Authorization/locks": "azurerm_management_lock", "Microsoft.Authorization/policyDefinitions": "azurerm_policy_definition",
		"Microsoft.Web/sites/slots": "web_app_slot"} {
		if !bytes.Contains(main, []byte(`"`+typ+`@`)) && !bytes.Contains(main, []byte(typed)) {
			t.Errorf("main.tf has no %s", typ)
		}
	}
	// the management group hierarchy below the tenant root group, adopted by imports.tf
	if !bytes.Contains(main, []byte(`resource "azurerm_management_group" "mg_mg_platform"`)) {
		t.Error("main.tf has no azurerm_management_group for the Platform group")
	}
	if imp, _ := os.ReadFile(filepath.Join(dir, "imports.tf")); !bytes.Contains(imp, []byte(`to = azurerm_management_group.mg_mg_platform`)) {
		t.Error("imports.tf does not adopt the management groups")
	}
	// the system pool is the cluster's default_node_pool, not a second pool of the same name
	if !bytes.Contains(main, []byte("# Microsoft.ContainerService/managedClusters/agentPools ")) {
		t.Error("main.tf does not say which agent pools the clusters declare inline")
	}
	generated := time.Since(start) - scanned
	// same graph, same bytes
	again := t.TempDir()
	if _, err := iac.GenerateToDir(ctx, st, tenant, iac.FormatTerraform, again, model.Filter{}, translate.Options{}, true); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"main.tf", "imports.tf", "variables.tf"} {
		a, _ := os.ReadFile(filepath.Join(dir, f))
		b, _ := os.ReadFile(filepath.Join(again, f))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two generations", f)
		}
	}

	cmd := exec.Command(filepath.Join(iactest.RepoRoot(), "scripts", "iac-validate.sh"), dir)
	vout, err := cmd.CombinedOutput()
	t.Logf("scan %d resources in %.1fs, generate in %.1fs (typed %d, generic %d, skipped %d; %s), validate in %.1fs: %s",
		res.Resources, scanned.Seconds(), generated.Seconds(), sum.Typed, sum.Generic, sum.Skipped, topTypes(main, 8),
		(time.Since(start) - scanned - generated).Seconds(), firstLine(vout))
	if err != nil {
		t.Errorf("tofu validate failed: %v\n%s", err, tail(vout, 6000))
	}
}

var resourceRE = regexp.MustCompile(`(?m)^resource "([a-z0-9_]+)" `)

// topTypes summarises the most frequent resource types of a main.tf.
func topTypes(main []byte, n int) string {
	count := map[string]int{}
	for _, m := range resourceRE.FindAllSubmatch(main, -1) {
		count[string(m[1])]++
	}
	types := make([]string, 0, len(count))
	for k := range count {
		types = append(types, k)
	}
	sort.Slice(types, func(i, j int) bool {
		if count[types[i]] != count[types[j]] {
			return count[types[i]] > count[types[j]]
		}
		return types[i] < types[j]
	})
	var b strings.Builder
	for i, k := range types {
		if i == n {
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + "=" + itoa(count[k]))
	}
	return b.String()
}
