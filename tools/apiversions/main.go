// Command apiversions regenerates sim/apiversions.txt, the simulator's per-type list of published
// api-versions, from a checkout of Azure's REST API specs (github.com/Azure/azure-rest-api-specs).
//
//	go run ./tools/apiversions -specs /path/to/azure-rest-api-specs [-out sim/apiversions.txt]
//
// Without a specs checkout, -index FILE reads "Namespace/type@version" lines instead, such as the
// bicep-types index (generated from the same specs) that the azapi provider embeds:
//
//	strings -n 12 terraform-provider-azapi | grep -oE '[Mm]icrosoft\.[A-Za-z]+/[A-Za-z/]+@[0-9]{4}-[0-9]{2}-[0-9]{2}(-[a-z]+)?' | sort -u > index.txt
//	go run ./tools/apiversions -index index.txt -extra sim/apiversions.txt
//
// -extra FILE (a previous list) adds, per type, only versions newer than the newest the specs or
// index have (versions published after the index was built); types the index lacks keep theirs.
//
// -specs is a work tree or a git directory (then files are read with git ls-tree / cat-file at
// -rev, default HEAD). Every OpenAPI file under specification/*/resource-manager/**/
// {stable,preview}/<api-version>/ contributes its version to each resource type its paths
// address (…/providers/Microsoft.X/type/{name}[/child/{name}]; Microsoft.Resources' own
// /subscriptions, /resourcegroups, /resources, /tenants paths too). Only the namespaces in
// -namespaces (default: those the simulator serves) are written, one line per type:
// "Microsoft.Network/virtualNetworks 2015-06-15 … 2026-03-01" (versions ascending).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/atg-go/atg/tools/internal/swagger"
)

// defaultNamespaces are the providers the simulator serves (sim/types.go).
const defaultNamespaces = "Microsoft.Network,Microsoft.Compute,Microsoft.Storage,Microsoft.KeyVault,Microsoft.Web,Microsoft.Sql," +
	"Microsoft.ContainerService,Microsoft.ContainerRegistry,Microsoft.ManagedIdentity,Microsoft.OperationalInsights,Microsoft.Insights," +
	"Microsoft.Authorization,Microsoft.ApiManagement,Microsoft.AppConfiguration,Microsoft.App,Microsoft.Automation,Microsoft.Cache," +
	"Microsoft.CognitiveServices,Microsoft.ContainerInstance,Microsoft.DBforMySQL,Microsoft.DBforPostgreSQL,Microsoft.DataFactory," +
	"Microsoft.Databricks,Microsoft.DocumentDB,Microsoft.EventGrid,Microsoft.EventHub,Microsoft.Logic,Microsoft.MachineLearningServices," +
	"Microsoft.RecoveryServices,Microsoft.Search,Microsoft.ServiceBus,Microsoft.Resources,Microsoft.Subscription,Microsoft.ResourceGraph,Microsoft.Management"

var specPath = regexp.MustCompile(`^specification/[^/]+/resource-manager/(?:.*/)?(?:stable|preview)/(\d{4}-\d{2}-\d{2}(?:-[A-Za-z0-9]+)?)/[^/]+\.json$`)

func main() {
	specs := flag.String("specs", "", "azure-rest-api-specs work tree or git directory")
	index := flag.String("index", "", "file of Namespace/type@version lines (instead of, or with, -specs)")
	extra := flag.String("extra", "", "a previous list: its versions newer than the specs' or index's are kept")
	union := flag.Bool("union", false, "with -extra: keep every version of the previous list, not only the newer ones")
	sdk := flag.String("sdk", "", "go-azure-sdk resource-manager module directory: its packages' types@versions are added (see sdk.go)")
	commonIDs := flag.String("commonids", "", "with -sdk: go-azure-helpers' resourcemanager/commonids directory")
	rev := flag.String("rev", "HEAD", "revision to read when -specs is a git directory")
	out := flag.String("out", "sim/apiversions.txt", "file to write ('-' for stdout)")
	nss := flag.String("namespaces", defaultNamespaces, "comma-separated provider namespaces to keep")
	flag.Parse()
	if *specs == "" && *index == "" && *sdk == "" {
		fmt.Fprintln(os.Stderr, "apiversions: -specs, -index or -sdk is required")
		os.Exit(2)
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "apiversions:", err)
		os.Exit(1)
	}
	types := map[string]map[string]bool{}
	how := "go run ./tools/apiversions"
	if *specs != "" {
		src, err := swagger.Open(context.Background(), *specs, *rev)
		if err != nil {
			fail(err)
		}
		if types, err = collect(src, strings.Split(*nss, ",")); err != nil {
			fail(err)
		}
		how += fmt.Sprintf(" -specs <azure-rest-api-specs> (rev %s)", *rev)
	}
	if *index != "" {
		b, err := os.ReadFile(*index)
		if err != nil {
			fail(err)
		}
		mergeIndex(types, string(b), strings.Split(*nss, ","))
		how += " -index <Namespace/type@version lines>"
	}
	if *sdk != "" {
		lines, err := sdkIndex(*sdk, *commonIDs)
		if err != nil {
			fail(err)
		}
		mergeIndex(types, lines, strings.Split(*nss, ","))
		how += " -sdk <go-azure-sdk resource-manager> -commonids <go-azure-helpers commonids>"
	}
	if *extra != "" {
		b, err := os.ReadFile(*extra)
		if err != nil {
			fail(err)
		}
		if *union {
			mergeAll(types, string(b))
			how += " -extra <previous list> -union"
		} else {
			mergeNewer(types, string(b))
			how += " -extra <previous list>"
		}
	}
	var buf bytes.Buffer
	write(&buf, types, how)
	var err error
	if *out == "-" {
		_, err = os.Stdout.Write(buf.Bytes())
	} else {
		err = os.WriteFile(*out, buf.Bytes(), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "apiversions:", err)
		os.Exit(1)
	}
}

func collect(src swagger.Source, namespaces []string) (map[string]map[string]bool, error) {
	keep := map[string]string{}
	for _, ns := range namespaces {
		if ns = strings.TrimSpace(ns); ns != "" {
			keep[strings.ToLower(ns)] = ns
		}
	}
	files, err := src.Files()
	if err != nil {
		return nil, err
	}
	types := map[string]map[string]bool{}
	canon := map[string]string{} // lower type -> first-seen casing
	for _, f := range files {
		m := specPath.FindStringSubmatch(f)
		if m == nil || strings.Contains(f, "/examples/") {
			continue
		}
		b, err := src.Read(f)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Paths  map[string]json.RawMessage `json:"paths"`
			XPaths map[string]json.RawMessage `json:"x-ms-paths"`
		}
		if json.Unmarshal(b, &doc) != nil {
			continue // not an OpenAPI document
		}
		// Paths without /providers/ are Microsoft.Resources' own, only in its specs.
		armSpec := strings.HasPrefix(f, "specification/resources/") || strings.HasPrefix(f, "specification/subscription/")
		for p := range doc.Paths {
			addType(types, canon, keep, typeOfPath(p, armSpec), m[1])
		}
		for p := range doc.XPaths {
			addType(types, canon, keep, typeOfPath(p, armSpec), m[1])
		}
	}
	if len(types) == 0 {
		return nil, errors.New("no resource types found: is -specs an azure-rest-api-specs tree?")
	}
	return types, nil
}

func addType(types map[string]map[string]bool, canon, keep map[string]string, typ, version string) {
	if typ == "" {
		return
	}
	ns := typ[:strings.IndexByte(typ, '/')]
	nsCanon, ok := keep[strings.ToLower(ns)]
	if !ok {
		return
	}
	typ = nsCanon + typ[len(ns):]
	lt := strings.ToLower(typ)
	if c, ok := canon[lt]; ok {
		typ = c
	} else {
		canon[lt] = typ
	}
	if types[typ] == nil {
		types[typ] = map[string]bool{}
	}
	types[typ][version] = true
}

// typeOfPath returns the resource type an OpenAPI path addresses ("" when none); see
// swagger.PathType.
func typeOfPath(p string, armSpec bool) string {
	t, _ := swagger.PathType(p, armSpec)
	return t
}

// write renders the list: a header, then "Type v1 v2 …" sorted by type, versions ascending.
func write(w io.Writer, types map[string]map[string]bool, how string) {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Published api-versions per resource type, from Azure's REST API specs.\n# Generated by %s; do not edit.\n", how)
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	for _, t := range names {
		vs := make([]string, 0, len(types[t]))
		for v := range types[t] {
			vs = append(vs, v)
		}
		sort.Strings(vs)
		fmt.Fprintf(bw, "%s %s\n", t, strings.Join(vs, " "))
	}
	bw.Flush()
}

// mergeIndex adds "Namespace/type@version" lines of the kept namespaces.
func mergeIndex(types map[string]map[string]bool, text string, namespaces []string) {
	keep := map[string]string{}
	for _, ns := range namespaces {
		if ns = strings.TrimSpace(ns); ns != "" {
			keep[strings.ToLower(ns)] = ns
		}
	}
	canon := map[string]string{}
	for t := range types {
		canon[strings.ToLower(t)] = t
	}
	for _, line := range strings.Split(text, "\n") {
		typ, ver, ok := strings.Cut(strings.TrimSpace(line), "@")
		if !ok || !strings.Contains(typ, "/") {
			continue
		}
		addType(types, canon, keep, typ, ver)
	}
}

// mergeNewer adds the versions of a previous list that are newer than the newest already known
// for the type (all of them for types not known at all).
func mergeNewer(types map[string]map[string]bool, text string) {
	canon := map[string]string{}
	for t := range types {
		canon[strings.ToLower(t)] = t
	}
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "#") {
			continue
		}
		t, ok := canon[strings.ToLower(f[0])]
		if !ok {
			types[f[0]] = map[string]bool{}
			for _, v := range f[1:] {
				types[f[0]][v] = true
			}
			continue
		}
		newest := ""
		for v := range types[t] {
			if v[:10] > newest {
				newest = v[:10]
			}
		}
		for _, v := range f[1:] {
			if v[:10] > newest {
				types[t][v] = true
			}
		}
	}
}
