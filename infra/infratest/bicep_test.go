package infratest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every file reads: strings, comments and brackets pair up; resources carry a dated API version;
// every param and output is described.
func TestBicepFilesAreWellFormed(t *testing.T) {
	apiVersion := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview)?$`)
	for _, path := range bicepFiles(t) {
		f := mustRead(t, path)
		name := rel(t, path)
		res := f.Resources()
		mods, err := f.Modules()
		if err != nil {
			t.Fatal(err)
		}
		if len(res)+len(mods) == 0 {
			t.Errorf("%s declares no resource and no module", name)
		}
		for _, r := range res {
			if !apiVersion.MatchString(r.APIVersion) {
				t.Errorf("%s:%d: resource %s has API version %q", name, r.Line, r.Symbol, r.APIVersion)
			}
			if !strings.Contains(r.Type, "/") {
				t.Errorf("%s:%d: resource type %q is not Namespace/type", name, r.Line, r.Type)
			}
		}
		params, err := f.Params()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range params {
			if !p.Described {
				t.Errorf("%s:%d: param %s has no @description", name, p.Line, p.Name)
			}
			if looksSecret(p.Name) && !p.Secure {
				t.Errorf("%s:%d: param %s looks secret but is not @secure()", name, p.Line, p.Name)
			}
		}
		outs := f.Outputs()
		if len(outs) == 0 {
			t.Errorf("%s has no outputs", name)
		}
		for o, described := range outs {
			if !described {
				t.Errorf("%s: output %s has no @description", name, o)
			}
			if looksSecret(o) {
				t.Errorf("%s: output %s looks like a secret: outputs are visible in the deployment history", name, o)
			}
		}
	}
}

// looksSecret flags names of values that are secrets (not names of secrets, like fooSecretName).
func looksSecret(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, "secretname") || strings.HasSuffix(n, "name") || strings.HasSuffix(n, "id") {
		return false
	}
	return strings.Contains(n, "password") || strings.Contains(n, "secret") || strings.HasSuffix(n, "key") || strings.Contains(n, "connectionstring") && !strings.Contains(n, "appinsights")
}

// The parser must catch what a compiler would: unbalanced braces and unterminated strings.
func TestMaskRejectsBrokenSyntax(t *testing.T) {
	for _, src := range []string{
		"param a string = 'x\n",
		"var a = {\n  b: 1\n",
		"var a = [\n  1\n}\n",
		"var a = '${b ? 'x' : 'y'\n",
		"/* open comment\n",
	} {
		if _, err := mask(src); err == nil {
			t.Errorf("mask(%q) accepted broken syntax", src)
		}
	}
	ok := "var a = '${b ? '}' : '{'}-x' // } {\nvar c = {\n  d: '''\n}\n'''\n}\n"
	m, err := mask(ok)
	if err != nil {
		t.Fatalf("mask(%q): %v", ok, err)
	}
	if len(m) != len(ok) || strings.Count(m, "{") != 1 || strings.Count(m, "}") != 1 {
		t.Errorf("mask(%q) = %q: want only the object's own braces kept", ok, m)
	}
}

// Every module path exists; each module gets only params it declares and every param it requires;
// every <module>.outputs.<name> used exists; every file in modules/ is used by main.bicep.
func TestModulesResolve(t *testing.T) {
	used := map[string]bool{}
	for _, path := range bicepFiles(t) {
		f := mustRead(t, path)
		mods, err := f.Modules()
		if err != nil {
			t.Fatal(err)
		}
		symbols := map[string]*File{}
		for _, m := range mods {
			target := filepath.Join(filepath.Dir(path), m.Path)
			if _, err := os.Stat(target); err != nil {
				t.Errorf("%s:%d: module %s: %s does not exist", rel(t, path), m.Line, m.Symbol, m.Path)
				continue
			}
			used[target] = true
			mf := mustRead(t, target)
			symbols[m.Symbol] = mf
			declared := mustParams(t, mf)
			for _, p := range m.Params {
				if _, ok := declared[p]; !ok {
					t.Errorf("%s:%d: module %s passes %s, which %s does not declare", rel(t, path), m.Line, m.Symbol, p, m.Path)
				}
			}
			for name, p := range declared {
				if !p.HasDefault && !slices.Contains(m.Params, name) {
					t.Errorf("%s:%d: module %s does not pass required param %s of %s", rel(t, path), m.Line, m.Symbol, name, m.Path)
				}
			}
		}
		refs := regexp.MustCompile(`\b(\w+)\.outputs\.(\w+)`).FindAllStringSubmatch(f.Text, -1) // Text: interpolations count too
		for _, r := range refs {
			mf, ok := symbols[r[1]]
			if !ok {
				t.Errorf("%s: %s.outputs.%s: %s is not a module", rel(t, path), r[1], r[2], r[1])
				continue
			}
			if _, ok := mf.Outputs()[r[2]]; !ok {
				t.Errorf("%s: %s.outputs.%s: %s has no such output", rel(t, path), r[1], r[2], rel(t, mf.Path))
			}
		}
	}
	mods, _ := filepath.Glob(filepath.Join(bicepDir(t), "modules", "*.bicep"))
	for _, m := range mods {
		if !used[m] {
			t.Errorf("%s is not used by any module statement", rel(t, m))
		}
	}
}

// Each environment's parameter file uses main.bicep, supplies every required parameter, sets
// only declared ones, and its literal values pass main.bicep's @allowed/@minValue/@maxValue.
func TestParamFilesSupplyMain(t *testing.T) {
	mainPath := filepath.Join(bicepDir(t), "main.bicep")
	params := mustParams(t, mustRead(t, mainPath))
	for _, env := range environments {
		pf, err := ReadParamFile(filepath.Join(bicepDir(t), "env", env+".bicepparam"))
		if err != nil {
			t.Fatal(err)
		}
		if filepath.Clean(pf.Using) != mainPath {
			t.Errorf("%s: using %s, want ../main.bicep", env, pf.Using)
		}
		for name, p := range params {
			if !p.HasDefault {
				if _, ok := pf.Values[name]; !ok {
					t.Errorf("%s.bicepparam does not supply required param %s", env, name)
				}
			}
		}
		for name, expr := range pf.Values {
			p, ok := params[name]
			if !ok {
				t.Errorf("%s.bicepparam sets %s, which main.bicep does not declare", env, name)
				continue
			}
			v, literal := Literal(expr)
			if p.Secure {
				if literal {
					t.Errorf("%s.bicepparam: secure param %s is a literal: read it from the environment or Key Vault", env, name)
				}
				continue
			}
			if !literal {
				continue
			}
			if err := checkValue(p, v); err != nil {
				t.Errorf("%s.bicepparam: %s = %s: %v", env, name, expr, err)
			}
		}
		if got, _ := Literal(pf.Values["environmentName"]); got != env {
			t.Errorf("%s.bicepparam: environmentName = %q, want %q", env, got, env)
		}
	}
}

func checkValue(p Param, v string) error {
	if len(p.Allowed) > 0 && !slices.Contains(p.Allowed, v) {
		return errf("not one of %v", p.Allowed)
	}
	n := 0
	switch {
	case p.MinLength:
		n = len(v)
	case p.Type == "int":
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			return errf("not an int")
		}
	case p.Type == "bool":
		if v != "true" && v != "false" {
			return errf("not a bool")
		}
		return nil
	default:
		return nil
	}
	if p.Min != nil && n < *p.Min {
		return errf("below minimum %d", *p.Min)
	}
	if p.Max != nil && n > *p.Max {
		return errf("above maximum %d", *p.Max)
	}
	return nil
}

// The properties the issue demands, where a regression would be a security or availability bug.
func TestSecurityBaseline(t *testing.T) {
	must := map[string][]string{
		"modules/storage.bicep": {
			`allowSharedKeyAccess: false`, `allowBlobPublicAccess: false`, `minimumTlsVersion: 'TLS1_2'`,
			`supportsHttpsTrafficOnly: true`, `'Microsoft.Storage/storageAccounts/managementPolicies@`,
			`daysAfterModificationGreaterThan: artifactRetentionDays`, `daysAfterModificationGreaterThan: backupRetentionDays`,
		},
		"modules/functionapp.bicep": {
			`kind: 'functionapp,linux'`, `tier: 'FlexConsumption'`, `httpsOnly: true`, `minTlsVersion: '1.2'`,
			`virtualNetworkSubnetId: subnetId`, `keyVaultReferenceIdentity: identityId`, `type: 'UserAssigned'`,
			`name: 'custom'`, `version: '1.0'`, `instanceMemoryMB: instanceMemoryMB`,
			`maximumInstanceCount: maximumInstanceCount`, `type: 'UserAssignedIdentity'`, `ftpsState: 'Disabled'`,
		},
		"modules/neo4j-aci.bicep": {
			`type: 'Private'`, `restartPolicy: 'Always'`, `livenessProbe:`, `readinessProbe:`, `port: 7474`,
			`7687`, `mountPath: '/data'`, `emptyDir: {}`, `secureValue: 'neo4j/${neo4jPassword}'`, `subnetIds:`,
			`'Microsoft.Network/privateDnsZones/A@`, `imageRegistryCredentials:`, `identity: pullIdentityId`,
			`= if (deployGroup)`, `'atg-neo4j-spec': spec`,
		},
		"modules/keyvault.bicep": {
			`enableRbacAuthorization: true`, `enablePurgeProtection: enablePurgeProtection ? true : null`,
		},
		"modules/network.bicep": {
			`serviceName: 'Microsoft.App/environments'`, `serviceName: 'Microsoft.ContainerInstance/containerGroups'`,
			`'Microsoft.Network/privateDnsZones/virtualNetworkLinks@`,
		},
		"modules/monitoring.bicep": {
			`'Microsoft.OperationalInsights/workspaces@`, `'Microsoft.Insights/components@`, `WorkspaceResourceId: workspace.id`,
		},
		"modules/alerts.bicep": {
			`job failed`, `ResultCode`, `-poison`, `QueueMessageCount`, `StorageBlobLogs`,
			`ContainerEvent_CL`, `union isfuzzy=true (datatable(`,
		},
		"modules/registry.bicep": {
			`'Microsoft.ContainerRegistry/registries@`, `adminUserEnabled: false`, `anonymousPullEnabled: false`,
		},
		"modules/roles.bicep": {
			`param operatorPrincipalIds array`, `for p in operatorPrincipalIds`, `for a in operatorStorageAssignments`,
		},
		"modules/network.bicep#ops": {
			`name: 'allow-bolt-http-from-ops'`, `sourceAddressPrefix: opsPrefix`, `name: opsSubnetName`,
			// ACI in a VNet supports only a NAT gateway for outbound; new subnets have no default outbound.
			`'Microsoft.Network/natGateways@`, `natGateway: {`,
		},
	}
	for file, needles := range must {
		file, _, _ = strings.Cut(file, "#")
		f := mustRead(t, filepath.Join(bicepDir(t), file))
		for _, n := range needles {
			if !strings.Contains(f.Text, n) {
				t.Errorf("%s: missing %q", file, n)
			}
		}
	}
	aci := mustRead(t, filepath.Join(bicepDir(t), "modules", "neo4j-aci.bicep"))
	if strings.Contains(aci.Code, "'Public'") || strings.Contains(aci.Code, "dnsNameLabel") {
		t.Error("neo4j-aci.bicep: Neo4j must have no public IP or DNS label")
	}
	net := mustRead(t, filepath.Join(bicepDir(t), "modules", "network.bicep"))
	if n := strings.Count(net.Code, "natGateway: {"); n != 3 {
		t.Errorf("network.bicep: %d subnets use the NAT gateway, want all 3 (func, neo4j, ops)", n)
	}
	// Neo4j supports only local EXT4/XFS disks: never its store on an SMB share.
	if strings.Contains(aci.Code, "azureFile") {
		t.Error("neo4j-aci.bicep: Neo4j's store must not be on Azure Files (SMB)")
	}
	// The image comes from the environment's registry, never straight from Docker Hub.
	if strings.Contains(aci.Code, "docker.io") || !strings.Contains(aci.Code, "server: registryServer") {
		t.Error("neo4j-aci.bicep: the image must be pulled from the environment registry with credentials")
	}
	fa := mustRead(t, filepath.Join(bicepDir(t), "modules", "functionapp.bicep"))
	for _, v := range []string{"'@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${neo4jPasswordSecretName})'", "'@Microsoft.KeyVault(VaultName=${keyVaultName};SecretName=${apiKeysSecretName})'"} {
		if !strings.Contains(fa.Text, v) {
			t.Errorf("functionapp.bicep: secrets must be Key Vault references: missing %s", v)
		}
	}
}

// Role assignments: only the roles the service needs, and Reader only in target-reader.bicep.
func TestRoleAssignmentsAreLeastPrivilege(t *testing.T) {
	known := map[string]string{
		"b7e6dc6d-f1e8-4753-8033-0f276bb0955b": "Storage Blob Data Owner",
		"974c5e8b-45b9-4653-ba55-5f855dd0fb88": "Storage Queue Data Contributor",
		"0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3": "Storage Table Data Contributor",
		"4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
		"b86a8fe4-44ce-4948-aee5-eccb2c155cd7": "Key Vault Secrets Officer (deployer and operators)",
		"ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor (operators)",
		"7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull (Neo4j image pull identity)",
		"acdd72a7-3c48-4fb6-9b1e-c27b31a9b6e9": "Reader",
	}
	guid := regexp.MustCompile(`'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'`)
	want := map[string][]string{
		"modules/roles.bicep":    {"Storage Blob Data Owner", "Storage Queue Data Contributor", "Storage Table Data Contributor", "Key Vault Secrets User", "Key Vault Secrets Officer (deployer and operators)", "Storage Blob Data Contributor (operators)"},
		"modules/registry.bicep": {"AcrPull (Neo4j image pull identity)"},
		"target-reader.bicep":    {"Reader"},
	}
	for _, path := range bicepFiles(t) {
		f := mustRead(t, path)
		name := filepath.ToSlash(rel(t, path))
		name = strings.TrimPrefix(name, "infra/bicep/")
		var got []string
		for _, m := range guid.FindAllStringSubmatch(f.Text, -1) {
			role, ok := known[m[1]]
			if !ok {
				t.Errorf("%s: unknown role definition id %s: add it here only if the service really needs it", name, m[1])
				continue
			}
			got = append(got, role)
		}
		if strings.Contains(f.Text, "Microsoft.Authorization/roleAssignments@") && want[name] == nil {
			t.Errorf("%s assigns roles: role assignments belong in modules/roles.bicep, modules/registry.bicep (AcrPull) or target-reader.bicep", name)
		}
		if w, ok := want[name]; ok {
			slices.Sort(got)
			slices.Sort(w)
			if !slices.Equal(got, w) {
				t.Errorf("%s grants %v, want exactly %v", name, got, w)
			}
		}
	}
	tr := mustRead(t, filepath.Join(bicepDir(t), "target-reader.bicep"))
	if !regexp.MustCompile(`(?m)^targetScope = 'subscription'$`).MatchString(tr.Text) {
		t.Error("target-reader.bicep must deploy at subscription scope")
	}
}

// Neo4j is pinned to an exact 5.x community release, the one the tests run against locally.
func TestNeo4jImagePinned(t *testing.T) {
	p := mustParams(t, mustRead(t, filepath.Join(bicepDir(t), "main.bicep")))["neo4jImage"]
	m := regexp.MustCompile(`^'neo4j:(5\.\d+\.\d+)-community'$`).FindStringSubmatch(p.Default)
	if m == nil {
		t.Fatalf("neo4jImage default %q: want 'neo4j:5.x.y-community' (an exact version, never latest)", p.Default)
	}
	pom, err := os.ReadFile(filepath.Join(root(t), "tools", "neo4j", "pom.xml"))
	if err != nil {
		t.Skipf("no tools/neo4j/pom.xml to compare with: %v", err)
	}
	v := regexp.MustCompile(`<neo4j.version>([^<]+)</neo4j.version>`).FindSubmatch(pom)
	if v == nil {
		t.Skip("tools/neo4j/pom.xml names no neo4j.version")
	}
	if string(v[1]) != m[1] {
		t.Errorf("neo4jImage is %s but the tests run Neo4j %s (tools/neo4j/pom.xml): keep them equal", m[1], v[1])
	}
}

// What Bicep's linter reports as no-unused-params / no-unused-vars: each declared name is used
// somewhere else in its file (in code or inside a string interpolation).
func TestNoUnusedParamsOrVars(t *testing.T) {
	varRe := regexp.MustCompile(`(?m)^var\s+(\w+)\s*=`)
	for _, path := range bicepFiles(t) {
		f := mustRead(t, path)
		params, err := f.Params()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range params {
			names = append(names, p.Name)
		}
		for _, m := range varRe.FindAllStringSubmatch(f.Text, -1) {
			names = append(names, m[1])
		}
		code := f.Code
		for _, n := range names {
			uses := regexp.MustCompile(`\b`+n+`\b`).FindAllStringIndex(code, -1)
			if len(uses) < 2 {
				t.Errorf("%s: %s is declared but never used", rel(t, path), n)
			}
		}
	}
}
