package sim

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/atg-go/atg/internal/repotest"
	"github.com/atg-go/atg/internal/testenv"
)

// TestAzapiProviderAgainstTheSimulator: the real azapi provider (OpenTofu) applies a resource
// group and a VNet to the simulator over HTTPS (its certificate trusted through SSL_CERT_FILE),
// signed in through the simulator's managed-identity endpoint (IDENTITY_ENDPOINT), then plans
// clean and destroys, polling the async operations as against Azure. Needs the Terraform tools
// (make iac-tools); skipped without them, failed under CI.
func TestAzapiProviderAgainstTheSimulator(t *testing.T) {
	tools, s, srv := tofuAgainstSim(t, 50, "bin/tofu", "bin/terraform-provider-azapi")
	dir := t.TempDir()
	sub := s.SubscriptionIDs(srv.TenantIDs[0])[0]
	files := map[string]string{
		"tofurc": fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"registry.opentofu.org/azure/azapi\" = %q\n  }\n  direct {}\n}\n", filepath.Join(tools, "bin")),
		"main.tf": fmt.Sprintf(`terraform {
  required_providers {
    azapi = { source = "azure/azapi" }
  }
}
provider "azapi" {
  endpoint = [{
    resource_manager_endpoint       = "%[1]s/"
    resource_manager_audience       = "%[1]s/"
    active_directory_authority_host = "%[1]s/"
  }]
  tenant_id                  = "%[2]s"
  subscription_id            = "%[3]s"
  use_msi                    = true
  skip_provider_registration = true
}
resource "azapi_resource" "rg" {
  type      = "Microsoft.Resources/resourceGroups@2021-04-01"
  name      = "rg-tofu"
  location  = "westeurope"
  parent_id = "/subscriptions/%[3]s"
}
resource "azapi_resource" "vnet" {
  type      = "Microsoft.Network/virtualNetworks@2024-01-01"
  name      = "vnet-tofu"
  parent_id = azapi_resource.rg.id
  location  = "westeurope"
  body = {
    properties = {
      addressSpace = { addressPrefixes = ["10.9.0.0/16"] }
      subnets      = [{ name = "a", properties = { addressPrefix = "10.9.1.0/24" } }]
    }
  }
}
`, srv.ARMEndpoint, srv.TenantIDs[0], sub),
	}
	run := tofuIn(t, tools, dir, srv, files, 3*time.Minute, "TF_CLI_CONFIG_FILE="+filepath.Join(dir, "tofurc"),
		"IDENTITY_ENDPOINT="+srv.ARMEndpoint+"/metadata/identity/oauth2/token", "IDENTITY_HEADER=sim")
	if out, code := run("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("tofu apply: %d\n%s", code, out)
	}
	got := s.Truth().Tenants[0]
	found := false
	for _, id := range got.ResourceIDs {
		found = found || strings.HasSuffix(id, "/resourcegroups/rg-tofu/providers/microsoft.network/virtualnetworks/vnet-tofu/subnets/a")
	}
	if !found {
		t.Fatal("the applied subnet is not in the simulator")
	}
	planCleanThenDestroy(t, run)
	if err := s.DeleteResource("/subscriptions/" + sub + "/resourceGroups/rg-tofu"); err == nil {
		t.Fatal("destroy left the resource group")
	}
}

// TestAzurermProviderAgainstTheSimulator: the real azurerm provider configures a custom cloud
// from the simulator's metadata endpoint (metadata_host, HTTPS), signs in with managed identity
// (msi_endpoint), skips resource provider registration, then applies a resource group and a
// storage account (which it reads back with its keys and blob/file service properties), plans
// clean and destroys. With HTTPS_PROXY at the simulator, data-plane hosts are answered by it.
// Needs the Terraform tools (make iac-tools); skipped without them, failed under CI.
func TestAzurermProviderAgainstTheSimulator(t *testing.T) {
	tools, s, srv := tofuAgainstSim(t, 20, "bin/tofu", "bin/terraform-provider-azurerm", "tofurc")
	dir := t.TempDir()
	sub := s.SubscriptionIDs(srv.TenantIDs[0])[0]
	host := strings.TrimPrefix(srv.ARMEndpoint, "https://")
	files := map[string]string{
		"main.tf": fmt.Sprintf(`terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm" }
  }
}
provider "azurerm" {
  features {}
  metadata_host                   = %[1]q
  tenant_id                       = %[2]q
  subscription_id                 = %[3]q
  use_msi                         = true
  msi_endpoint                    = "https://%[1]s/metadata/identity/oauth2/token"
  resource_provider_registrations = "none"
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-azurerm"
  location = "westeurope"
}
resource "azurerm_storage_account" "st" {
  name                     = "stazurermsim"
  resource_group_name      = azurerm_resource_group.rg.name
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
}
`, host, srv.TenantIDs[0], sub),
	}
	run := tofuIn(t, tools, dir, srv, files, 4*time.Minute, "TF_CLI_CONFIG_FILE="+filepath.Join(tools, "tofurc"),
		"HTTPS_PROXY="+srv.ARMEndpoint, "NO_PROXY=127.0.0.1,localhost")
	if out, code := run("init", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("tofu init: %d\n%s", code, out)
	}
	if out, code := run("apply", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("tofu apply: %d\n%s", code, out)
	}
	found := false
	for _, id := range s.Truth().Tenants[0].ResourceIDs {
		found = found || strings.HasSuffix(id, "/resourcegroups/rg-azurerm/providers/microsoft.storage/storageaccounts/stazurermsim")
	}
	if !found {
		t.Fatal("the applied storage account is not in the simulator")
	}
	planCleanThenDestroy(t, run)
}

// tofuAgainstSim finds the Terraform tools (skipping without them, failing under CI; -short
// skips) and serves a simulated tenant of resources over HTTPS until the test ends.
func tofuAgainstSim(t *testing.T, resources int, need ...string) (string, *Simulator, *Server) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short")
	}
	missing := t.Skipf
	if testenv.InCI() {
		missing = t.Fatalf
	}
	out, err := exec.Command(filepath.Join(repotest.Root(), "scripts", "iac-tools.sh"), "--print").Output()
	if err != nil {
		missing("iac-tools.sh --print: %v", err)
	}
	tools := strings.TrimSpace(string(out))
	for _, f := range need {
		if _, err := os.Stat(filepath.Join(tools, f)); err != nil {
			missing("Terraform tools not built (%s missing): run make iac-tools", f)
		}
	}
	f := startSim(t, Options{Resources: resources, Seed: 4, Throttle: "fast", TLS: true})
	return tools, f.sim, f.srv
}

// tofuIn writes the simulator's certificate (sim.pem) and files into dir and returns a runner of
// the tools' tofu there, its combined output and exit code (a tofu that does not start fails the
// test). Its environment is PATH, HOME=dir, TF_IN_AUTOMATION, SSL_CERT_FILE=sim.pem and env; a
// run is bounded by timeout.
func tofuIn(t *testing.T, tools, dir string, srv *Server, files map[string]string, timeout time.Duration, env ...string) func(args ...string) (string, int) {
	t.Helper()
	files["sim.pem"] = string(srv.CertPEM)
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TF_IN_AUTOMATION=1", "SSL_CERT_FILE=" + filepath.Join(dir, "sim.pem")}, env...)
	return func(args ...string) (string, int) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, filepath.Join(tools, "bin", "tofu"), args...)
		cmd.Dir, cmd.Env = dir, env
		b, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("tofu %v: %v", args, err)
		}
		return string(b), code
	}
}

// planCleanThenDestroy requires a plan after an apply to show no changes, then destroys.
func planCleanThenDestroy(t *testing.T, run func(args ...string) (string, int)) {
	t.Helper()
	if out, code := run("plan", "-input=false", "-no-color", "-detailed-exitcode"); code != 0 {
		t.Fatalf("tofu plan after apply is not clean (exit %d):\n%s", code, out)
	}
	if out, code := run("destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
		t.Fatalf("tofu destroy: %d\n%s", code, out)
	}
}
