package infratest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Azure Container Instances limits for one Linux container group, VNet-deployed included (ACI's
// "Resource availability & quota limits"; a quota request does not lift them).
const (
	aciMaxCPU      = 4
	aciMaxMemoryGB = 16
)

// The Neo4j size parameters are bounded by ACI's per-group limits in main.bicep and in the
// module, and every environment's values fit: a deployment beyond them fails.
func TestNeo4jSizeWithinACILimits(t *testing.T) {
	limits := map[string]int{"neo4jCpu": aciMaxCPU, "neo4jMemoryGB": aciMaxMemoryGB}
	moduleName := map[string]string{"neo4jCpu": "cpu", "neo4jMemoryGB": "memoryGB"}
	mainParams := mustParams(t, mustRead(t, filepath.Join(bicepDir(t), "main.bicep")))
	modParams := mustParams(t, mustRead(t, filepath.Join(bicepDir(t), "modules", "neo4j-aci.bicep")))
	for name, limit := range limits {
		decls := map[string]Param{"main.bicep " + name: mainParams[name], "neo4j-aci.bicep " + moduleName[name]: modParams[moduleName[name]]}
		for where, p := range decls {
			if p.Name == "" {
				t.Errorf("%s: not declared", where)
				continue
			}
			if p.Max == nil || *p.Max > limit {
				t.Errorf("%s: @maxValue must be at most ACI's %d per container group", where, limit)
			}
			if p.Min == nil || *p.Min < 1 {
				t.Errorf("%s: needs @minValue >= 1", where)
			}
		}
	}
	for _, env := range environments {
		pf, err := ReadParamFile(filepath.Join(bicepDir(t), "env", env+".bicepparam"))
		if err != nil {
			t.Fatal(err)
		}
		for name, limit := range limits {
			v, ok := Literal(pf.Values[name])
			n, err := strconv.Atoi(v)
			if !ok || err != nil {
				t.Errorf("%s.bicepparam: %s must be a literal int, got %q", env, name, pf.Values[name])
				continue
			}
			if n > limit {
				t.Errorf("%s.bicepparam: %s = %d exceeds ACI's %d per Linux container group", env, name, n, limit)
			}
		}
	}
	// heap (1/4) + page cache (1/2) leave room for the JVM and the OS.
	aci := mustRead(t, filepath.Join(bicepDir(t), "modules", "neo4j-aci.bicep"))
	for _, want := range []string{"var heapGB = max(1, memoryGB / 4)", "var pageCacheGB = max(1, memoryGB / 2)"} {
		if !strings.Contains(aci.Text, want) {
			t.Errorf("neo4j-aci.bicep: missing %q", want)
		}
	}
}

// sampledTypes maps Application Insights tables to the telemetry type host.json's sampling
// settings name; resource-log tables are never sampled.
var (
	appInsightsTables = map[string]string{
		"AppRequests": "Request", "AppTraces": "Trace", "AppExceptions": "Exception",
		"AppDependencies": "Dependency", "AppEvents": "Event", "AppPageViews": "PageView",
	}
	resourceLogTables = []string{"StorageQueueLogs", "StorageBlobLogs", "StorageTableLogs", "AzureActivity"}
	// customTables are written unsampled by Azure services but exist only after their first
	// record: a query may read them only through `union isfuzzy=true` with a datatable stub.
	customTables = []string{"ContainerEvent_CL", "ContainerInstanceLog_CL"}
	fuzzyRe      = regexp.MustCompile(`^union isfuzzy=true \(datatable\([^)]*\)\[\]\), ([A-Za-z_, ]+?) \|`)
)

// Every log alert's query reads unsampled data, from a table every workspace has (no custom
// _CL table), and no rule skips query validation.
func TestAlertsReadUnsampledData(t *testing.T) {
	var host struct {
		Logging struct {
			ApplicationInsights struct {
				SamplingSettings struct {
					IsEnabled     *bool  `json:"isEnabled"`
					ExcludedTypes string `json:"excludedTypes"`
				} `json:"samplingSettings"`
			} `json:"applicationInsights"`
		} `json:"logging"`
	}
	b, err := os.ReadFile(filepath.Join(root(t), "host.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &host); err != nil {
		t.Fatalf("host.json: %v", err)
	}
	ss := host.Logging.ApplicationInsights.SamplingSettings
	samplingOff := ss.IsEnabled != nil && !*ss.IsEnabled
	excluded := strings.Split(ss.ExcludedTypes, ";")

	for _, path := range bicepFiles(t) {
		if f := mustRead(t, path); strings.Contains(f.Code, "skipQueryValidation") {
			t.Errorf("%s: skipQueryValidation hides KQL errors until the alert silently never fires", rel(t, path))
		}
	}
	alerts := mustRead(t, filepath.Join(bicepDir(t), "modules", "alerts.bicep"))
	queries := regexp.MustCompile(`(?m)^\s*query: '(.*)'$`).FindAllStringSubmatch(alerts.Text, -1)
	if len(queries) < 4 {
		t.Fatalf("alerts.bicep: found %d queries, want the failed-jobs, 5xx, poison and backup ones", len(queries))
	}
	fuzzyQueries := 0
	for _, q := range queries {
		tables := []string{strings.TrimSpace(strings.SplitN(q[1], "|", 2)[0])}
		fuzzy := false
		if m := fuzzyRe.FindStringSubmatch(q[1]); m != nil {
			fuzzy, tables = true, strings.Split(m[1], ",")
			fuzzyQueries++
		} else if strings.HasPrefix(q[1], "union") {
			t.Errorf("alert query %q: a union must be `union isfuzzy=true (datatable(...)[]), T, ... |`", q[1])
			continue
		}
		for _, table := range tables {
			checkAlertTable(t, q[1], strings.TrimSpace(table), fuzzy, samplingOff, excluded)
		}
	}
	if fuzzyQueries == 0 {
		t.Error("alerts.bicep: no alert reads ACI's container events (the Neo4j alert)")
	}
	// The API error rate counts API requests only: queue and timer invocations are requests too.
	for _, q := range queries {
		if strings.Contains(q[1], "ResultCode") && !strings.Contains(q[1], `where Name == "api"`) {
			t.Errorf("5xx alert %q must count only the api function's requests", q[1])
		}
	}
}

func checkAlertTable(t *testing.T, query, table string, fuzzy, samplingOff bool, excluded []string) {
	t.Helper()
	switch typ, isApp := appInsightsTables[table]; {
	case slices.Contains(customTables, table):
		if !fuzzy {
			t.Errorf("alert query %q reads the custom table %s directly: it exists only after its first record, so the rule cannot be validated on a fresh workspace (read it through union isfuzzy=true with a datatable stub)", query, table)
		}
	case strings.HasSuffix(table, "_CL"):
		t.Errorf("alert query %q reads the custom table %s: not known to be unsampled (add it to customTables with the reason)", query, table)
	case isApp:
		if !samplingOff && !slices.Contains(excluded, typ) {
			t.Errorf("alert query %q reads %s, which is sampled: add %s to host.json samplingSettings.excludedTypes", query, table, typ)
		}
	case slices.Contains(resourceLogTables, table):
	default:
		t.Errorf("alert query %q reads %s: not known to be unsampled (add it here with the reason)", query, table)
	}
}

// registry.bicep is deployed on its own before main.bicep: both must name things the same way.
func TestRegistryNamesMatchMain(t *testing.T) {
	reg := mustRead(t, filepath.Join(bicepDir(t), "modules", "registry.bicep"))
	main := mustRead(t, filepath.Join(bicepDir(t), "main.bicep"))
	suffix := regexp.MustCompile(`(?m)^var suffix = (.+)$`)
	a, b := suffix.FindStringSubmatch(reg.Text), suffix.FindStringSubmatch(main.Text)
	if a == nil || b == nil || a[1] != b[1] {
		t.Errorf("registry.bicep and main.bicep compute the name suffix differently: %q vs %q", a, b)
	}
	mp := mustParams(t, main)
	rp := mustParams(t, reg)
	if mp["baseName"].Default != rp["baseName"].Default {
		t.Errorf("baseName default: main.bicep %s, registry.bicep %s", mp["baseName"].Default, rp["baseName"].Default)
	}
}
