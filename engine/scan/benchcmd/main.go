// Command benchcmd reports a scan benchmark: it reads the simulator's truth and an
// `atg scan -o json` result and prints scan time, the rate-limit floor of an ideal scan under the
// simulator's (Azure's) limits, their ratio, calls made vs ideal, the 429 rate and peak RSS.
//
//	go run ./engine/scan/benchcmd -truth truth.json -result scan.json -rss-kb 123456
//
// The ideal scan: one tenants, one subscriptions and one providers list; Resource Graph pages of 1,000
// rows for the resources it lists and the resource groups; one ARM list per child collection
// (discover.Children) per parent; per subscription one role assignment and one role definition
// page; Entra pages of 999 plus one member list per group. The floor applies the limits to those
// calls: ARM reads 250 burst + 25/s per subscription, Resource Graph 15 per 5 s, MS Graph 2,000
// burst + 200/s per tenant; buckets drain in parallel, so the floor is the slowest bucket.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/engine/discover"
	"github.com/atg-go/atg/engine/discover/childtree"
	"github.com/atg-go/atg/engine/graph/stores"
)

type truth struct {
	Tenants []struct {
		Subscriptions []string       `json:"subscriptions"`
		Resources     int            `json:"resources"`
		ByType        map[string]int `json:"by_type"`
		ResourceIDs   []string       `json:"resource_ids"`
		// child types only their parent's collection lists (not Resource Graph)
		ListedChildTypes []string       `json:"listed_child_types"`
		Identities       map[string]int `json:"identities"`
		RoleAssignments  int            `json:"role_assignments"`
	} `json:"tenants"`
}

type result struct {
	Resources int            `json:"resources"`
	ByType    map[string]int `json:"by_type"`
	Failures  []any          `json:"failures"`
	APICalls  map[string]int `json:"api_calls"`
	Throttled int            `json:"throttled"`
	DurationS float64        `json:"duration_s"`
}

// Limits of the simulator (Azure's documented numbers).
const (
	armBurst, armRate     = 250.0, 25.0
	argQuota, argWindowS  = 15.0, 5.0
	graphBurst, graphRate = 2000.0, 200.0
)

func pages(n, size int) int { return (n + size - 1) / size }

func main() {
	truthPath := flag.String("truth", "", "simulator truth JSON")
	resultPath := flag.String("result", "", "atg scan -o json output")
	rssKB := flag.Int("rss-kb", 0, "peak RSS of the scan process in KiB (from /usr/bin/time -v)")
	wall := flag.Float64("wall", 0, "wall-clock seconds of the scan process (0: use duration_s)")
	drop := flag.String("drop-tenant", "", "instead of reporting: delete this tenant from -graph (a bench's cleanup of a shared Neo4j)")
	graphURI := flag.String("graph", "", "with -drop-tenant: the graph store (file or bolt:// URI; NEO4J_USER/NEO4J_PASSWORD)")
	flag.Parse()
	if *drop != "" {
		if err := dropTenant(*graphURI, *drop); err != nil {
			fmt.Fprintln(os.Stderr, "benchcmd:", err)
			os.Exit(1)
		}
		return
	}
	var tr truth
	var res result
	for _, f := range []struct {
		path string
		v    any
	}{{*truthPath, &tr}, {*resultPath, &res}} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchcmd:", err)
			os.Exit(1)
		}
		if err := json.Unmarshal(b, f.v); err != nil {
			fmt.Fprintln(os.Stderr, "benchcmd:", f.path, err)
			os.Exit(1)
		}
	}
	if len(tr.Tenants) == 0 {
		fmt.Fprintln(os.Stderr, "benchcmd: truth has no tenant")
		os.Exit(1)
	}
	t := tr.Tenants[0]
	childTypes := map[string]bool{}
	override := map[string]bool{}
	for _, c := range discover.Children {
		childTypes[strings.ToLower(c.Type)] = true
		override[c.Key()] = true
	}
	// the generated collections an ideal scan must list too: those of the child types present
	// that Resource Graph does not hold (their rows are not Resource Graph rows either)
	listed := map[string]bool{}
	for _, lt := range t.ListedChildTypes {
		listed[lt] = true
		childTypes[lt] = true
	}
	// per subscription: parents of child collections; tenant-wide: Resource Graph rows and RGs
	armPerSub := map[string]int{}
	argRows := 0
	rgs := map[string]bool{}
	for _, id := range t.ResourceIDs {
		a, ok := armid.Parse(id)
		if !ok {
			continue
		}
		sub := strings.ToLower(a.Subscription)
		rgs[sub+"/"+strings.ToLower(a.ResourceGroup)] = true
		typ := strings.ToLower(a.Type())
		if !childTypes[typ] {
			argRows++
		}
		counted := map[string]bool{}
		for _, c := range childtree.Of(typ) {
			if (override[c.Key()] || listed[strings.ToLower(c.Type)]) && !counted[c.Key()] && !c.Inline && c.Required == "" {
				counted[c.Key()] = true
				armPerSub[sub]++
			}
		}
	}
	subs := len(t.Subscriptions)
	for _, s := range t.Subscriptions {
		armPerSub[strings.ToLower(strings.TrimPrefix(s, "/subscriptions/"))] += 2 // role assignments + definitions
	}
	armTenant := 2 // tenants and subscriptions lists
	providers := 1
	idealARM := armTenant + providers
	for _, n := range armPerSub {
		idealARM += n
	}
	idealARG := pages(argRows, 1000) + pages(len(rgs), 1000)
	id := t.Identities
	idealGraph := pages(id["users"], 999) + pages(id["groups"], 999) + pages(id["service_principals"], 999) +
		pages(id["applications"], 999) + id["groups"]

	floor := 0.0
	for _, n := range armPerSub {
		floor = math.Max(floor, (float64(n)-armBurst)/armRate)
	}
	floor = math.Max(floor, (math.Ceil(float64(idealARG)/argQuota)-1)*argWindowS)
	floor = math.Max(floor, (float64(idealGraph)-graphBurst)/graphRate)
	floor = math.Max(floor, 0)

	scanS := res.DurationS
	if *wall > 0 {
		scanS = *wall
	}
	made := res.APICalls["arm"] + res.APICalls["arg"] + res.APICalls["msgraph"]
	ideal := idealARM + idealARG + idealGraph
	equal := res.Resources == t.Resources
	for k, v := range t.ByType {
		if res.ByType[k] != v {
			equal = false
		}
	}
	fmt.Printf("tenant                 %d resources, %d subscriptions, %d users, %d groups, %d role assignments\n",
		t.Resources, subs, id["users"], id["groups"], t.RoleAssignments)
	fmt.Printf("scan time              %.2f s\n", scanS)
	fmt.Printf("rate-limit floor       %.2f s (ideal calls under ARM 250+25/s per subscription, ARG 15/5s, Graph 2000+200/s)\n", floor)
	if floor >= 1 {
		fmt.Printf("ratio                  %.2f (goal <= 1.2)\n", scanS/floor)
	} else {
		fmt.Printf("ratio                  n/a: the ideal scan fits within the burst allowances (floor < 1 s); scan time is latency/CPU-bound\n")
	}
	fmt.Printf("calls made / ideal     %d / %d (arm %d/%d, arg %d/%d, msgraph %d/%d)\n", made, ideal,
		res.APICalls["arm"], idealARM, res.APICalls["arg"], idealARG, res.APICalls["msgraph"], idealGraph)
	rate := 0.0
	if made > 0 {
		rate = 100 * float64(res.Throttled) / float64(made)
	}
	fmt.Printf("429 rate               %.2f%% (%d of %d)\n", rate, res.Throttled, made)
	if *rssKB > 0 {
		fmt.Printf("peak RSS               %.1f MiB\n", float64(*rssKB)/1024)
	}
	fmt.Printf("by_type equals truth   %v (failures %d)\n", equal, len(res.Failures))
}

// dropTenant deletes a tenant's graph from the store named by uri.
func dropTenant(uri, tenant string) error {
	ctx := context.Background()
	user, pass := os.Getenv("NEO4J_USER"), os.Getenv("NEO4J_PASSWORD")
	if user == "" {
		user = "neo4j"
	}
	if pass == "" {
		pass = "atg-local-dev"
	}
	st, err := stores.Open(ctx, stores.Options{Graph: uri, User: user, Password: pass})
	if err != nil {
		return err
	}
	defer st.Close(ctx)
	if err := st.DeleteTenant(ctx, tenant); err != nil {
		return fmt.Errorf("dropping tenant %s: %w", tenant, err)
	}
	return nil
}
