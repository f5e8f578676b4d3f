// Command iaccoverage measures the Terraform generator on the ARM corpus (testdata/arm-corpus,
// one Microsoft example per type): which ARM types emit typed azurerm resources, which go
// through azapi_resource and why, whether the generated code passes `tofu validate` with the
// real providers, and whether azapi's embedded schemas accept every body (`tofu plan` of the
// azapi-only rendering, no credentials). It prints a table per namespace and writes JSON.
// It is a development tool (make iac-coverage), not part of the atg binary.
//
// With the tools built it also runs the plan-clean check on a simulated tenant (-plan N resources,
// default 2,000; 0 skips): scan, generate with imports.tf, `tofu plan` against the simulator, and
// lists every remaining diff with its reason.
//
//	go run ./tools/iaccoverage [-corpus testdata/arm-corpus] [-json bin/iac-coverage.json] [-tools DIR] [-plan N]
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/atg-go/atg/engine/iac/iactest"
	"github.com/atg-go/atg/engine/iac/iactest/simplan"
	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/iac/terraform"
)

// TypeResult is one ARM type of the corpus.
type TypeResult struct {
	Type      string   `json:"type"`
	Namespace string   `json:"namespace"`
	Resources int      `json:"resources"`
	Terraform []string `json:"terraform_types"`
	Typed     bool     `json:"typed"`
	Skipped   string   `json:"skipped,omitempty"`
	Fallbacks []string `json:"fallback_reasons,omitempty"`
	// Notes are the mapping report's other notes (api-version substitutions, unchecked bodies).
	Notes          []string `json:"notes,omitempty"`
	ValidateErrors []string `json:"validate_errors,omitempty"`
	BodyErrors     []string `json:"body_errors,omitempty"`
	SchemaChecked  bool     `json:"body_schema_checked"`
}

// NamespaceResult sums the types of one namespace.
type NamespaceResult struct {
	Namespace      string `json:"namespace"`
	Types          int    `json:"types"`
	Typed          int    `json:"typed_types"`
	Azapi          int    `json:"azapi_types"`
	Skipped        int    `json:"skipped_types"`
	Fallbacks      int    `json:"typed_fallbacks"`
	ValidateErrors int    `json:"validate_errors"`
	BodyErrors     int    `json:"body_errors"`
	Unchecked      int    `json:"unchecked_bodies"`
}

// Report is the JSON output.
type Report struct {
	Corpus            string            `json:"corpus"`
	Types             int               `json:"types"`
	TypedTypes        int               `json:"typed_types"`
	AzapiTypes        int               `json:"azapi_types"`
	SkippedTypes      int               `json:"skipped_types"`
	Resources         int               `json:"resources"`
	ValidateRan       bool              `json:"validate_ran"`
	Valid             bool              `json:"valid"`
	ValidateErrors    int               `json:"validate_errors"`
	PlanRan           bool              `json:"azapi_plan_ran"`
	BodyErrors        int               `json:"body_errors"`
	APIVersionErrors  int               `json:"excused_api_version_errors"`
	SubstitutedAPIVer int               `json:"api_version_substitutions"`
	UncheckedBodies   int               `json:"unchecked_bodies"`
	BrokenCycles      int               `json:"references_removed_for_cycles"`
	Namespaces        []NamespaceResult `json:"namespaces"`
	ByType            []TypeResult      `json:"by_type"`
	// PlanClean is the plan-clean check on a simulated tenant (simplan): imports, no-ops and
	// every remaining diff with its reason; nil when not run (-plan 0 or no tools).
	PlanClean *PlanClean `json:"plan_clean,omitempty"`
	// Apply is the applied round trip on a simulated tenant (simapply): count and property
	// fidelity of the re-scanned copy; nil when not run (-apply 0 or no tools).
	Apply *ApplyRoundTrip `json:"apply_round_trip,omitempty"`
	// PlanCorpus is the plan-clean check on the corpus itself, served by the simulator
	// (`atg sim serve --from`): nil when not run (-plan-corpus=false or no tools).
	PlanCorpus *PlanClean `json:"plan_clean_corpus,omitempty"`
}

// PlanClean summarises simplan.Run for the report.
type PlanClean struct {
	*simplan.Result
	PlanDiffs     int            `json:"plan_diffs"`
	DiffsByReason map[string]int `json:"diffs_by_reason"`
	DiffsByAttr   map[string]int `json:"diffs_by_type_attribute"`
}

func main() {
	corpus := flag.String("corpus", filepath.Join("testdata", "arm-corpus"), "corpus directory (manifest.json + payloads)")
	out := flag.String("json", filepath.Join("bin", "iac-coverage.json"), "JSON report path")
	tools := flag.String("tools", "", "directory of the Terraform tools (default: scripts/iac-tools.sh --print)")
	keep := flag.String("keep", "", "keep the generated directories under this path")
	plan := flag.Int("plan", 2000, "plan-clean check on a simulated tenant of this many resources (0: skip)")
	apply := flag.Int("apply", 0, "applied round trip on a simulated tenant of this many resources (0: skip)")
	planCorpus := flag.Bool("plan-corpus", true, "plan-clean check on the corpus served by the simulator")
	flag.Parse()
	if err := run(context.Background(), *corpus, *out, *tools, *keep, *plan, *apply, *planCorpus); err != nil {
		slog.Error("iac-coverage failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, corpus, out, tools, keep string, planResources, applyResources int, planCorpus bool) error {
	if tools == "" {
		if b, err := exec.Command(filepath.Join("scripts", "iac-tools.sh"), "--print").Output(); err == nil {
			tools = strings.TrimSpace(string(b))
		}
	}
	nodes, err := iactest.LoadNodes(corpus)
	if err != nil {
		return err
	}
	m, err := model.BuildFromNodes(iactest.TenantID, nodes, model.Filter{})
	if err != nil {
		return err
	}
	rep := &Report{Corpus: corpus, Resources: len(m.Resources)}
	byType := map[string]*TypeResult{}
	get := func(t string) *TypeResult {
		lt := strings.ToLower(t)
		if r := byType[lt]; r != nil {
			return r
		}
		ns, _, _ := strings.Cut(t, "/")
		r := &TypeResult{Type: t, Namespace: strings.ToLower(ns), SchemaChecked: true}
		byType[lt] = r
		return r
	}
	envs, err := iactest.LoadEnvelopes(corpus)
	if err != nil {
		return err
	}
	for _, e := range envs {
		t, _ := e.Body["type"].(string)
		get(t)
	}
	for _, d := range m.Dropped {
		if model.IsCycleBreak(d) {
			rep.BrokenCycles++
		}
	}
	for _, s := range m.Skipped {
		if tr := byType[strings.ToLower(s.Type)]; tr != nil && tr.Resources == 0 {
			tr.Skipped = s.Reason
		}
	}
	res, err := terraform.Emit(m, terraform.Options{})
	if err != nil {
		return err
	}
	keyType := map[string]*TypeResult{}
	for _, me := range res.Mapping {
		tr := byType[strings.ToLower(me.ARMType)]
		if tr == nil {
			continue // not a corpus type (resource groups synthesised for the payloads)
		}
		keyType[me.Key] = tr
		tr.Resources++
		tr.Skipped = ""
		tr.Terraform = appendUnique(tr.Terraform, me.Terraform)
		if !strings.HasPrefix(me.Terraform, "azapi_") {
			tr.Typed = true
		}
		for _, n := range me.Notes {
			if strings.Contains(n, "azapi keeps all") || strings.Contains(n, "outside what") {
				tr.Fallbacks = appendUnique(tr.Fallbacks, n)
			} else {
				tr.Notes = appendUnique(tr.Notes, n)
			}
		}
		if me.EmittedAPIVersion != "" {
			rep.SubstitutedAPIVer++
		}
		if me.SchemaChecked != nil && !*me.SchemaChecked {
			tr.SchemaChecked = false
			rep.UncheckedBodies++
		}
	}
	if tools != "" {
		if _, err := os.Stat(filepath.Join(tools, "tofurc")); err == nil {
			if _, err := os.Stat(filepath.Join(tools, "bin", "terraform-provider-azurerm")); err == nil {
				if err := validate(ctx, tools, m, res, keyType, rep, keep); err != nil {
					return err
				}
			} else {
				slog.Warn("azurerm provider not built: validate skipped", "dir", tools)
			}
			if err := planBodies(ctx, tools, m, keyType, rep, keep); err != nil {
				return err
			}
			if planResources > 0 {
				if err := planClean(ctx, tools, keep, planResources, rep); err != nil {
					return err
				}
			}
			if planCorpus {
				if err := planCleanCorpus(ctx, tools, keep, corpus, rep); err != nil {
					return err
				}
			}
			if applyResources > 0 {
				if err := applyRoundTrip(ctx, tools, keep, applyResources, rep); err != nil {
					return err
				}
			}
		} else {
			slog.Warn("Terraform tools not built: validate and plan skipped (make iac-tools)", "dir", tools)
		}
	}
	// summarise
	nss := map[string]*NamespaceResult{}
	for _, lt := range sortedKeys(byType) {
		tr := byType[lt]
		sort.Strings(tr.Terraform)
		rep.ByType = append(rep.ByType, *tr)
		ns := nss[tr.Namespace]
		if ns == nil {
			ns = &NamespaceResult{Namespace: tr.Namespace}
			nss[tr.Namespace] = ns
		}
		ns.Types++
		rep.Types++
		switch {
		case tr.Resources == 0:
			ns.Skipped++
			rep.SkippedTypes++
		case tr.Typed:
			ns.Typed++
			rep.TypedTypes++
		default:
			ns.Azapi++
			rep.AzapiTypes++
		}
		if len(tr.Fallbacks) > 0 {
			ns.Fallbacks++
		}
		ns.ValidateErrors += len(tr.ValidateErrors)
		ns.BodyErrors += len(tr.BodyErrors)
		if !tr.SchemaChecked {
			ns.Unchecked++
		}
	}
	for _, k := range sortedKeys(nss) {
		rep.Namespaces = append(rep.Namespaces, *nss[k])
	}
	printTable(rep)
	if out != "" {
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", out, err)
		}
		fmt.Printf("\nJSON report: %s\n", out)
	}
	return nil
}

func printTable(rep *Report) {
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "namespace\ttypes\ttyped\tazapi\tskipped\tfallbacks\tvalidate errors\tbody errors\tunchecked bodies\t")
	for _, ns := range rep.Namespaces {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", ns.Namespace, ns.Types, ns.Typed, ns.Azapi, ns.Skipped,
			ns.Fallbacks, ns.ValidateErrors, ns.BodyErrors, ns.Unchecked)
	}
	_ = tw.Flush()
	fmt.Printf("\ncorpus %s: %d types (%d resources): %d typed azurerm, %d azapi, %d skipped by design\n",
		rep.Corpus, rep.Types, rep.Resources, rep.TypedTypes, rep.AzapiTypes, rep.SkippedTypes)
	if rep.ValidateRan {
		fmt.Printf("tofu validate: valid=%v, %d errors\n", rep.Valid, rep.ValidateErrors)
	}
	if rep.PlanRan {
		fmt.Printf("azapi body check (plan): %d body errors, %d excused api-version errors; %d api-versions substituted, %d bodies without an azapi schema\n",
			rep.BodyErrors, rep.APIVersionErrors, rep.SubstitutedAPIVer, rep.UncheckedBodies)
	}
	fmt.Printf("references removed to break dependency cycles: %d\n", rep.BrokenCycles)
	printPlanClean("plan-clean on a simulated tenant", rep.PlanClean)
	printPlanClean("plan-clean on the corpus served by the simulator", rep.PlanCorpus)
	printApply(rep.Apply)
}

// planClean runs simplan and records its figures.
func planClean(ctx context.Context, tools, keep string, n int, rep *Report) error {
	if _, err := os.Stat(filepath.Join(tools, "bin", "terraform-provider-azurerm")); err != nil {
		slog.Warn("azurerm provider not built: plan-clean skipped", "dir", tools)
		return nil
	}
	dir, done, err := workDir(keep, "plan-clean")
	if err != nil {
		return err
	}
	defer done()
	res, err := simplan.Run(ctx, simplan.Options{Tools: tools, Resources: n, Dir: dir, Parallelism: 8})
	if err != nil {
		return fmt.Errorf("plan-clean: %w", err)
	}
	rep.PlanClean = &PlanClean{Result: res, PlanDiffs: len(res.Plan.Diffs), DiffsByReason: res.Plan.ByReason(), DiffsByAttr: res.Plan.ByType()}
	return nil
}

// planCleanCorpus runs simplan on the corpus served by the simulator (re-homed into one
// subscription) and records its figures; a plan that cannot finish is reported, not fatal.
func planCleanCorpus(ctx context.Context, tools, keep, corpus string, rep *Report) error {
	if _, err := os.Stat(filepath.Join(tools, "bin", "terraform-provider-azurerm")); err != nil {
		return nil
	}
	dir, done, err := workDir(keep, "plan-corpus")
	if err != nil {
		return err
	}
	defer done()
	res, err := simplan.Run(ctx, simplan.Options{Tools: tools, Dir: dir, Parallelism: 16, FromDir: corpus})
	if res == nil || res.Plan == nil {
		return fmt.Errorf("plan-clean on the corpus: %w", err)
	}
	rep.PlanCorpus = &PlanClean{Result: res, PlanDiffs: len(res.Plan.Diffs), DiffsByReason: res.Plan.ByReason(), DiffsByAttr: res.Plan.ByType()}
	return nil
}

// writeDir writes the emitted files and a tfvars giving every input without a default a value.
func writeDir(dir string, files map[string][]byte, m *model.Model) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			return err
		}
	}
	var vars strings.Builder
	for _, v := range m.Variables {
		if v.Default == nil {
			vars.WriteString(v.Name + " = \"placeholder-Value-1\"\n")
		}
	}
	return os.WriteFile(filepath.Join(dir, "coverage.auto.tfvars"), []byte(vars.String()), 0o644)
}

func tofu(ctx context.Context, tools, dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(tools, "bin", "tofu"), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(tools, "tofurc"), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"ARM_SUBSCRIPTION_ID=00000000-0000-0000-0000-000000000000", "ARM_TENANT_ID=00000000-0000-0000-0000-000000000000")
	return cmd.Output()
}

func workDir(keep, name string) (string, func(), error) {
	if keep != "" {
		d := filepath.Join(keep, name)
		_ = os.RemoveAll(d)
		return d, func() {}, nil
	}
	d, err := os.MkdirTemp("", "iac-coverage-")
	if err != nil {
		return "", nil, err
	}
	return d, func() { _ = os.RemoveAll(d) }, nil
}

var resourceLineRE = regexp.MustCompile(`(?m)^resource "([^"]+)" "([^"]+)"`)

// blockAt returns the resource key declared at or before line (1-based) of main.tf.
func blockIndex(main []byte) func(line int) string {
	type blk struct {
		line int
		key  string
	}
	var blocks []blk
	for _, loc := range resourceLineRE.FindAllSubmatchIndex(main, -1) {
		line := 1 + strings.Count(string(main[:loc[0]]), "\n")
		blocks = append(blocks, blk{line, string(main[loc[4]:loc[5]])})
	}
	return func(line int) string {
		i := sort.Search(len(blocks), func(i int) bool { return blocks[i].line > line }) - 1
		if i < 0 {
			return ""
		}
		return blocks[i].key
	}
}

func validate(ctx context.Context, tools string, m *model.Model, res terraform.Result, keyType map[string]*TypeResult, rep *Report, keep string) error {
	dir, done, err := workDir(keep, "typed")
	if err != nil {
		return err
	}
	defer done()
	if err := writeDir(dir, res.Files, m); err != nil {
		return err
	}
	if out, err := tofu(ctx, tools, dir, "init", "-backend=false", "-input=false", "-no-color"); err != nil {
		return fmt.Errorf("tofu init: %w\n%s", err, out)
	}
	out, _ := tofu(ctx, tools, dir, "validate", "-json", "-no-color")
	var vr struct {
		Valid       bool `json:"valid"`
		ErrorCount  int  `json:"error_count"`
		Diagnostics []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Detail   string `json:"detail"`
			Range    *struct {
				Filename string `json:"filename"`
				Start    struct {
					Line int `json:"line"`
				} `json:"start"`
			} `json:"range"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(out, &vr); err != nil {
		return fmt.Errorf("tofu validate output: %w\n%s", err, out)
	}
	rep.ValidateRan, rep.Valid, rep.ValidateErrors = true, vr.Valid, vr.ErrorCount
	at := blockIndex(res.Files["main.tf"])
	for _, d := range vr.Diagnostics {
		if d.Severity != "error" {
			continue
		}
		msg := d.Summary + ": " + firstLine(d.Detail)
		if d.Range != nil && d.Range.Filename == "main.tf" {
			if tr := keyType[at(d.Range.Start.Line)]; tr != nil {
				tr.ValidateErrors = append(tr.ValidateErrors, msg)
				continue
			}
		}
		slog.Warn("validate error outside a resource", "msg", msg)
	}
	return nil
}

var withRE = regexp.MustCompile(`with azapi_resource\.([a-z0-9_]+),`)

func planBodies(ctx context.Context, tools string, m *model.Model, keyType map[string]*TypeResult, rep *Report, keep string) error {
	res, err := terraform.Emit(m, terraform.Options{AzapiOnly: true})
	if err != nil {
		return err
	}
	dir, done, err := workDir(keep, "azapi")
	if err != nil {
		return err
	}
	defer done()
	if err := writeDir(dir, res.Files, m); err != nil {
		return err
	}
	if out, err := tofu(ctx, tools, dir, "init", "-backend=false", "-input=false", "-no-color"); err != nil {
		return fmt.Errorf("tofu init: %w\n%s", err, out)
	}
	cmd := exec.CommandContext(ctx, filepath.Join(tools, "bin", "tofu"), "plan", "-refresh=false", "-input=false", "-no-color", "-lock=false", "-parallelism=4")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+filepath.Join(tools, "tofurc"), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"ARM_SUBSCRIPTION_ID=00000000-0000-0000-0000-000000000000", "ARM_TENANT_ID=00000000-0000-0000-0000-000000000000")
	out, _ := cmd.CombinedOutput()
	rep.PlanRan = true
	for _, e := range strings.Split(string(out), "Error: ")[1:] {
		key := ""
		if mm := withRE.FindStringSubmatch(e); mm != nil {
			key = mm[1]
		}
		msg := compactError(e)
		if strings.Contains(e, "api-version is") {
			rep.APIVersionErrors++
		} else {
			rep.BodyErrors++
		}
		if tr := keyType[key]; tr != nil {
			tr.BodyErrors = append(tr.BodyErrors, msg)
		} else {
			slog.Warn("plan error outside a resource", "msg", msg)
		}
	}
	if !strings.Contains(string(out), "Plan:") && rep.BodyErrors+rep.APIVersionErrors == 0 {
		return fmt.Errorf("tofu plan did not run:\n%s", tail(out, 3000))
	}
	return nil
}

var spaceRE = regexp.MustCompile(`\s+`)

func compactError(e string) string {
	lines := strings.Split(e, "\n")
	var keep []string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "│") && strings.TrimSpace(strings.TrimPrefix(l, "│")) == "" {
			continue
		}
		keep = append(keep, strings.TrimSpace(strings.TrimPrefix(l, "│")))
	}
	s := spaceRE.ReplaceAllString(strings.Join(keep, " "), " ")
	if i := strings.Index(s, "You can try to update"); i > 0 {
		s = s[:i]
	}
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func tail(b []byte, n int) string {
	if len(b) > n {
		return string(b[len(b)-n:])
	}
	return string(b)
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// printPlanClean prints one plan-clean check: counts, diffs by reason and by attribute, errors.
func printPlanClean(title string, pc *PlanClean) {
	if pc == nil || pc.Plan == nil {
		return
	}
	p := pc.Plan
	fmt.Printf("\n%s (%d resources scanned, %d emitted: %d typed, %d azapi; %d import blocks), plan in %.0fs:\n",
		title, pc.Scanned, pc.Emitted, pc.Typed, pc.Azapi, pc.ImportBlocks, p.Seconds)
	fmt.Printf("  %d resources planned, %d imported, %d no-op, %d changed, %d errors\n", p.Resources, p.Imports, p.NoOp, p.Changed, len(p.Errors))
	tw := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  plan diffs by reason\tresources\t")
	for _, k := range sortedKeys(pc.DiffsByReason) {
		fmt.Fprintf(tw, "  %s\t%d\t\n", k, pc.DiffsByReason[k])
	}
	fmt.Fprintln(tw, "  plan diffs by type.attribute\tresources\t")
	for _, k := range sortedKeys(pc.DiffsByAttr) {
		fmt.Fprintf(tw, "  %s\t%d\t\n", k, pc.DiffsByAttr[k])
	}
	_ = tw.Flush()
	for _, e := range p.Errors {
		fmt.Printf("  plan error: %s\n", strings.SplitN(e, "\n", 2)[0])
	}
}
