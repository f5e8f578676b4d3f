package iactest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Plan-clean: generated Terraform, with imports.tf, planned by the real OpenTofu and azurerm/azapi
// providers against the simulator serving the source tenant. Every resource is imported and
// refreshed through the providers' own reads, so a diff is something the generated code would
// change — a mapping bug, a documented provider limitation, or a secret input nobody has.

// PlanTarget is the simulator the providers are pointed at (atg sim serve --tls).
type PlanTarget struct {
	Endpoint string // https://127.0.0.1:port
	CertPEM  []byte
	TenantID string
}

// PlanOptions run one plan.
type PlanOptions struct {
	Tools       string            // scripts/iac-tools.sh --print
	Dir         string            // the generated Terraform (written by generate-iac with imports)
	Target      PlanTarget        //
	Vars        map[string]string // values of the generated input variables
	Parallelism int               // tofu -parallelism (default 4)
	Timeout     time.Duration     // per tofu command (default 20 minutes)
	// Apply applies instead of planning (the applied round trip: code translated to an empty target).
	Apply bool
	// ExcludeFailing plans again without the resources the providers fail to read (tofu
	// -exclude, up to three rounds), so one unreadable resource does not hide the plan of the
	// rest: each excluded resource becomes a diff with ReasonExcludedPrefix and its error.
	ExcludeFailing bool
}

// PlanReport is what one plan found.
type PlanReport struct {
	Imports   int            `json:"imports"`
	Resources int            `json:"resources"`
	Actions   map[string]int `json:"actions"` // no-op, update, create, delete, delete/create, …
	NoOp      int            `json:"no_op"`
	Changed   int            `json:"changed"` // anything but no-op
	Diffs     []PlanDiff     `json:"diffs"`
	Errors    []string       `json:"errors,omitempty"`
	Seconds   float64        `json:"seconds"`
}

// PlanDiff is one resource the plan would change, with the attributes that differ and why.
type PlanDiff struct {
	Address    string   `json:"address"`
	Type       string   `json:"type"`
	Action     string   `json:"action"`
	Attributes []string `json:"attributes"`
	Reason     string   `json:"reason"`
}

// ReasonSecretInput is the reason of a diff confined to attributes set from sensitive input
// variables: the source's secret is never copied, so the value given differs by design.
const ReasonSecretInput = "secret input: the source's value is never copied (set the variable to it to converge)"

// ReasonNotImported is the reason of a block the plan creates: imports.tf has no import for it.
const ReasonNotImported = "not imported: imports.tf does not adopt it"

// ReasonSingletonUpdate is the reason of an azapi_update_resource the plan creates — a settings
// singleton Azure made with its parent (a storage account's blobServices/default) or what a
// typed resource cannot express (a VM's deleteOption): it cannot be imported; applying it
// writes the same values again.
const ReasonSingletonUpdate = "azapi_update_resource (a settings singleton, or what azurerm cannot express): not importable, applying it writes the same values again"

// ReasonExcludedPrefix starts the reason of a resource the plan left out (PlanOptions.
// ExcludeFailing) because a provider failed to read it; the provider's error follows.
const ReasonExcludedPrefix = "excluded: the provider failed to read it: "

// ReasonDroppedPrefix starts the reason of a diff on a resource the generator removed properties
// from by design (skipped.json dropped_properties: Key Vault references into the source's vaults,
// …); the generator's reasons follow.
const ReasonDroppedPrefix = "dropped by the generator: "

// ReasonMapping is the reason of any other diff: what the generated code sets differs from what
// the provider reads back.
const ReasonMapping = "mapping: the generated value differs from the source"

// PlanEnv is the environment the providers need for the simulator: its certificate trusted, the
// simulator as the data-plane proxy (loopback is never proxied), managed identity via its
// endpoint.
func PlanEnv(dir string, t PlanTarget, tools string) ([]string, error) {
	pem := filepath.Join(dir, ".sim.pem")
	if err := os.WriteFile(pem, t.CertPEM, 0o600); err != nil {
		return nil, fmt.Errorf("writing the simulator's certificate: %w", err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE=" + filepath.Join(tools, "tofurc"),
		"SSL_CERT_FILE=" + pem, "HTTPS_PROXY=" + t.Endpoint, "NO_PROXY=127.0.0.1,localhost",
		"IDENTITY_ENDPOINT=" + t.msiEndpoint(), "IDENTITY_HEADER=sim"}
	if lvl := os.Getenv("ATG_TF_LOG"); lvl != "" { // tofu's and the providers' logs into dir/tofu.log, for a look
		env = append(env, "TF_LOG="+lvl, "TF_LOG_PATH="+filepath.Join(dir, "tofu.log"))
	}
	return env, nil
}

// msiEndpoint is the simulator's managed-identity endpoint issuing tokens for t.TenantID (the
// simulator serves many tenants; the path names the one to sign in to).
func (t PlanTarget) msiEndpoint() string {
	if t.TenantID == "" {
		return t.Endpoint + "/metadata/identity/oauth2/token"
	}
	return t.Endpoint + "/" + t.TenantID + "/metadata/identity/oauth2/token"
}

// ProviderOverride is an override file pointing both providers at the simulator (metadata host,
// managed identity through its msi_endpoint, no resource provider registration).
func ProviderOverride(t PlanTarget) string {
	host := strings.TrimPrefix(t.Endpoint, "https://")
	return fmt.Sprintf(`provider "azurerm" {
  features {}
  subscription_id                 = var.subscription_id
  tenant_id                       = %[3]q
  metadata_host                   = %[1]q
  use_msi                         = true
  msi_endpoint                    = %[4]q
  resource_provider_registrations = "none"
}

provider "azapi" {
  endpoint = [{
    resource_manager_endpoint       = "%[2]s/"
    resource_manager_audience       = "%[2]s/"
    active_directory_authority_host = "%[2]s/"
  }]
  subscription_id            = var.subscription_id
  tenant_id                  = %[3]q
  use_msi                    = true
  skip_provider_registration = true
}
`, host, t.Endpoint, t.TenantID, t.msiEndpoint())
}

// RunPlan writes the override and variables into o.Dir, runs tofu init and plan (or apply) and
// reads the plan back with tofu show -json.
func RunPlan(ctx context.Context, o PlanOptions) (*PlanReport, error) {
	if o.Parallelism == 0 {
		o.Parallelism = 4
	}
	if o.Timeout == 0 {
		o.Timeout = 20 * time.Minute
	}
	env, err := PlanEnv(o.Dir, o.Target, o.Tools)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(o.Dir, "sim_override.tf"), []byte(ProviderOverride(o.Target)), 0o644); err != nil {
		return nil, fmt.Errorf("writing the provider override: %w", err)
	}
	var vars bytes.Buffer
	names := make([]string, 0, len(o.Vars))
	for n := range o.Vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&vars, "%s = %q\n", n, o.Vars[n])
	}
	if err := os.WriteFile(filepath.Join(o.Dir, "sim.auto.tfvars"), vars.Bytes(), 0o600); err != nil {
		return nil, fmt.Errorf("writing the variables: %w", err)
	}
	run := func(args ...string) ([]byte, error) {
		c, cancel := context.WithTimeout(ctx, o.Timeout)
		defer cancel()
		cmd := exec.CommandContext(c, filepath.Join(o.Tools, "bin", "tofu"), args...)
		cmd.Dir, cmd.Env = o.Dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.Bytes(), err
	}
	if out, err := run("init", "-input=false", "-no-color"); err != nil {
		return nil, fmt.Errorf("tofu init: %w\n%s", err, tail(out, 3000))
	}
	start := time.Now()
	rep := &PlanReport{Actions: map[string]int{}}
	par := fmt.Sprintf("-parallelism=%d", o.Parallelism)
	var out []byte
	if o.Apply {
		out, err = run("apply", "-auto-approve", "-input=false", "-no-color", par)
		_ = os.WriteFile(filepath.Join(o.Dir, "tofu-apply.log"), out, 0o600) // kept beside the code, for a look
	} else {
		out, err = run("plan", "-input=false", "-no-color", par, "-out=plan.bin")
		var excluded []PlanDiff
		for round := 0; err != nil && o.ExcludeFailing && round < 3; round++ {
			failing := failingAddresses(out)
			if len(failing) == 0 {
				break
			}
			excluded = append(excluded, failing...)
			args := []string{"plan", "-input=false", "-no-color", par, "-out=plan.bin"}
			for _, d := range excluded {
				args = append(args, "-exclude="+d.Address)
			}
			out, err = run(args...)
		}
		rep.Diffs, rep.Changed = excluded, len(excluded)                    // rep.read adds the planned changes to them
		_ = os.WriteFile(filepath.Join(o.Dir, "tofu-plan.log"), out, 0o600) // the last plan's output, for a look
	}
	rep.Seconds = time.Since(start).Seconds()
	rep.Errors = planErrors(out)
	if err != nil && len(rep.Errors) == 0 {
		return rep, fmt.Errorf("tofu: %w\n%s", err, tail(out, 3000))
	}
	if o.Apply {
		return rep, nil
	}
	js, err := run("show", "-json", "plan.bin")
	if err != nil {
		if len(rep.Errors) > 0 {
			return rep, nil // the plan failed: its errors are the report
		}
		return rep, fmt.Errorf("tofu show: %w\n%s", err, tail(js, 2000))
	}
	if err := rep.read(js); err != nil {
		return rep, err
	}
	rep.explainDrops(o.Dir)
	return rep, nil
}

// explainDrops gives a mapping diff of a resource whose properties the generator dropped by
// design (skipped.json) those reasons instead.
func (rep *PlanReport) explainDrops(dir string) {
	b, err := os.ReadFile(filepath.Join(dir, "skipped.json"))
	if err != nil {
		return
	}
	var sk struct {
		Dropped []struct{ Key, Path, Reason string } `json:"dropped_properties"`
	}
	if json.Unmarshal(b, &sk) != nil {
		return
	}
	why := map[string][]string{}
	for _, d := range sk.Dropped {
		if !slices.Contains(why[d.Key], d.Reason) {
			why[d.Key] = append(why[d.Key], d.Reason)
		}
	}
	for i, d := range rep.Diffs {
		local := d.Address[strings.LastIndexByte(d.Address, '.')+1:]
		if d.Reason == ReasonMapping && len(why[local]) > 0 {
			rep.Diffs[i].Reason = ReasonDroppedPrefix + strings.Join(why[local], "; ")
		}
	}
}

// planErrors are the distinct "Error: …" summaries of tofu's output.
// failingAddresses are the resources tofu's errors name ("with azurerm_x.y,"), each with its
// error as the reason.
func failingAddresses(out []byte) []PlanDiff {
	var ds []PlanDiff
	seen := map[string]bool{}
	for _, part := range strings.Split(string(out), "Error: ")[1:] {
		block := strings.SplitN(part, "\n\n\n", 2)[0]
		m := withAddr.FindStringSubmatch(block)
		if m == nil || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		msg := strings.TrimSpace(strings.SplitN(part, "\n\n", 2)[0])
		if len(msg) > 300 {
			msg = msg[:300]
		}
		typ, _, _ := strings.Cut(m[1], ".")
		ds = append(ds, PlanDiff{Address: m[1], Type: typ, Action: "excluded", Reason: ReasonExcludedPrefix + msg})
	}
	return ds
}

var withAddr = regexp.MustCompile(`\n\s*with ((?:azurerm|azapi)_[a-z0-9_]+\.[A-Za-z0-9_-]+),`)

func planErrors(out []byte) []string {
	var errs []string
	seen := map[string]bool{}
	for _, part := range strings.Split(string(out), "Error: ")[1:] {
		e := strings.TrimSpace(strings.SplitN(part, "\n\n", 2)[0])
		if len(e) > 600 {
			e = e[:600]
		}
		if !seen[e] {
			seen[e] = true
			errs = append(errs, e)
		}
	}
	return errs
}

type planJSON struct {
	ResourceChanges []struct {
		Address string `json:"address"`
		Type    string `json:"type"`
		Change  struct {
			Actions         []string       `json:"actions"`
			Before          map[string]any `json:"before"`
			After           map[string]any `json:"after"`
			AfterUnknown    map[string]any `json:"after_unknown"`
			AfterSensitive  any            `json:"after_sensitive"`
			BeforeSensitive any            `json:"before_sensitive"`
			Importing       any            `json:"importing"`
		} `json:"change"`
	} `json:"resource_changes"`
}

func (rep *PlanReport) read(js []byte) error {
	var p planJSON
	if err := json.Unmarshal(js, &p); err != nil {
		return fmt.Errorf("reading the plan: %w", err)
	}
	for _, rc := range p.ResourceChanges {
		ch := rc.Change
		act := strings.Join(ch.Actions, "/")
		if act == "read" {
			continue // data sources
		}
		rep.Resources++
		rep.Actions[act]++
		if ch.Importing != nil {
			rep.Imports++
		}
		if act == "no-op" {
			rep.NoOp++
			continue
		}
		rep.Changed++
		d := PlanDiff{Address: rc.Address, Type: rc.Type, Action: act, Reason: ReasonMapping}
		if act == "create" {
			d.Reason = ReasonNotImported
			if rc.Type == "azapi_update_resource" {
				d.Reason = ReasonSingletonUpdate
			}
			rep.Diffs = append(rep.Diffs, d)
			continue
		}
		keys := map[string]bool{}
		for k := range ch.Before {
			keys[k] = true
		}
		for k := range ch.After {
			keys[k] = true
		}
		secretOnly := true
		for k := range keys {
			if _, unknown := ch.AfterUnknown[k]; unknown && ch.After[k] == nil {
				continue
			}
			if !reflect.DeepEqual(ch.Before[k], ch.After[k]) {
				d.Attributes = append(d.Attributes, k)
				if !sensitiveAt(ch.AfterSensitive, k) {
					secretOnly = false
				}
			}
		}
		sort.Strings(d.Attributes)
		if secretOnly && len(d.Attributes) > 0 {
			d.Reason = ReasonSecretInput
		}
		rep.Diffs = append(rep.Diffs, d)
	}
	sort.Slice(rep.Diffs, func(i, j int) bool { return rep.Diffs[i].Address < rep.Diffs[j].Address })
	return nil
}

// sensitiveAt says whether the planned value of attribute k holds a sensitive value (the
// after_sensitive mirror of the value marks them true, at any depth).
func sensitiveAt(m any, k string) bool {
	mm, ok := m.(map[string]any)
	if !ok {
		return false
	}
	return anyTrue(mm[k])
}

func anyTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case map[string]any:
		for _, e := range x {
			if anyTrue(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if anyTrue(e) {
				return true
			}
		}
	}
	return false
}

// ByReason counts the diffs per reason.
func (rep *PlanReport) ByReason() map[string]int {
	out := map[string]int{}
	for _, d := range rep.Diffs {
		r := d.Reason
		if strings.HasPrefix(r, ReasonExcludedPrefix) {
			r = strings.TrimSuffix(ReasonExcludedPrefix, ": ") // one row; each error is in Diffs
		}
		out[r]++
	}
	return out
}

// ByType counts changed resources per Terraform type and attribute ("type.attribute").
func (rep *PlanReport) ByType() map[string]int {
	out := map[string]int{}
	for _, d := range rep.Diffs {
		for _, a := range d.Attributes {
			out[d.Type+"."+a]++
		}
		if len(d.Attributes) == 0 {
			out[d.Type+" ("+d.Action+")"]++
		}
	}
	return out
}

func tail(b []byte, n int) string {
	if len(b) > n {
		return string(b[len(b)-n:])
	}
	return string(b)
}
