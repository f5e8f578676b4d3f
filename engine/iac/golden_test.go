package iac_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/iac"
	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/model"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenFiles are the example payloads whose output is kept as reviewable golden files (with what
// they pull in): a subnet with a delegation, a web app on its plan, a storage account, a key
// vault with access policies, a VM with its extension, a private DNS zone link (child),
// a diagnostic setting (extension resource) and a role assignment.
var goldenFiles = []string{
	"Microsoft.Network__virtualNetworks__subnets.json",
	"Microsoft.Web__sites.json",
	"Microsoft.Web__serverfarms.json",
	"Microsoft.Storage__storageAccounts.json",
	"Microsoft.KeyVault__vaults.json",
	"Microsoft.Compute__virtualMachines__extensions.json",
	"Microsoft.Network__privateDnsZones__virtualNetworkLinks.json",
	"Microsoft.Insights__diagnosticSettings.json",
	"Microsoft.Authorization__roleAssignments.json",
	"Microsoft.Sql__servers__databases.json",
}

func goldenFilter(t *testing.T) model.Filter {
	t.Helper()
	envs, err := iactest.LoadEnvelopes(iactest.ExamplesDir())
	if err != nil {
		t.Fatal(err)
	}
	var f model.Filter
	for _, e := range envs {
		for _, g := range goldenFiles {
			if e.File == g {
				id, _ := e.Body["id"].(string)
				f.IDs = append(f.IDs, id)
			}
		}
	}
	if len(f.IDs) != len(goldenFiles) {
		t.Fatalf("golden payloads: found %d of %d", len(f.IDs), len(goldenFiles))
	}
	return f
}

func TestGolden(t *testing.T) {
	m0, err := model.BuildFromNodes(iactest.TenantID, exampleNodes(t), goldenFilter(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = m0
	for _, f := range iac.Formats {
		t.Run(string(f), func(t *testing.T) {
			m, err := model.BuildFromNodes(iactest.TenantID, exampleNodes(t), goldenFilter(t))
			if err != nil {
				t.Fatal(err)
			}
			files, _, err := iac.Generate(context.Background(), m, f, iac.Options{TerraformImports: true})
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join(iactest.RepoRoot(), "testdata", "golden", string(f))
			if *update {
				if err := os.RemoveAll(dir); err != nil {
					t.Fatal(err)
				}
				if err := files.Write(dir); err != nil {
					t.Fatal(err)
				}
				return
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatalf("%v (run go test ./engine/iac -run TestGolden -update)", err)
			}
			if len(entries) != len(files) {
				var names []string
				for _, e := range entries {
					names = append(names, e.Name())
				}
				t.Errorf("golden has %v, output %v", names, files.Names())
			}
			for _, n := range files.Names() {
				want, err := os.ReadFile(filepath.Join(dir, n))
				if err != nil {
					t.Errorf("%s: %v", n, err)
					continue
				}
				if !bytes.Equal(want, files[n]) {
					t.Errorf("%s differs from the golden file (run with -update and review the diff):\n%s", n, firstDiff(want, files[n]))
				}
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}

func itoa(i int) string {
	s := ""
	for i > 0 {
		s = string(rune('0'+i%10)) + s
		i /= 10
	}
	return s
}
