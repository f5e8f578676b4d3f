// Command atg is Azure Tenant Grapher: it discovers an Azure tenant into a graph,
// writes specs and IaC from it, recreates tenants, and hosts the same engine as a service.
package main

import (
	"os"

	"github.com/atg-go/atg/cli/root"
)

func main() {
	os.Exit(root.Main())
}
