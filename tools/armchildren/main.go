// Command armchildren regenerates engine/discover/childtree/generated.tsv: every nested ARM collection
// the Azure REST API specifications describe with a list operation, read from a local git clone
// of Azure/azure-rest-api-specs (or a fork of it). It is a development tool, not part of the atg
// binary; nothing is fetched.
//
//	go run ./tools/armchildren -specs /path/to/azure-rest-api-specs[/.git] -out engine/discover/childtree/generated.tsv
//
// A collection qualifies when a swagger file has a GET on
// /subscriptions/{}/resourceGroups/{}/providers/<Namespace>/<type>/{name}[/<type>/{name}…]/<child>
// and a GET on the same path followed by /{name} (so the child is an addressable resource, not
// a report such as usages or skus). Per (parent type, child) the newest stable api-version wins
// (the newest preview when there is no stable one). A collection is marked inline when the
// parent's GET response schema has an array property named like the collection under
// "properties" (VNet subnets, NSG security rules, load balancer frontends…): the walk then reads
// the children from the parent's body instead of listing them. Collections whose list operation
// requires a query parameter other than api-version are marked with it (the walk skips them).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/atg-go/atg/tools/internal/gitblob"
	"github.com/atg-go/atg/tools/internal/swagger"
)

// rgScopeRE is the resource-group scope prefix of a path template.
var rgScopeRE = regexp.MustCompile(`(?i)^/subscriptions/\{[^}]+\}/resourcegroups/\{[^}]+\}/providers/`)

type collection struct {
	parent, segment, version string
	preview                  bool
	swagger                  string // file holding the list operation
	parentGet                string // path template of the parent's GET in that file ("" when absent)
	required                 []string
	inline, singleton        bool
}

// hasSingleGet reports whether a collection path (normalised) has a GET of one item under it.
func hasSingleGet(paths map[string]any, norm string) bool {
	for p, v := range paths {
		n := strings.ToLower(paramRE.ReplaceAllString(p, "{}"))
		if !strings.HasPrefix(n, norm+"/") || strings.Contains(n[len(norm)+1:], "/") {
			continue
		}
		if ops, _ := v.(map[string]any); ops != nil && ops["get"] != nil {
			return true
		}
	}
	return false
}

func main() {
	specs := flag.String("specs", "", "git directory (or work tree) of an azure-rest-api-specs clone")
	rev := flag.String("rev", "HEAD", "commit to read")
	repo := flag.String("repo", "Azure/azure-rest-api-specs", "source repository recorded in the output")
	out := flag.String("out", "engine/discover/childtree/generated.tsv", "output file (tab-separated, embedded by the childtree package)")
	flag.Parse()
	if *specs == "" {
		fmt.Fprintln(os.Stderr, "usage: armchildren -specs <azure-rest-api-specs git dir> [-rev HEAD] [-out engine/discover/childtree/generated.tsv]")
		os.Exit(2)
	}
	if err := run(context.Background(), *specs, *rev, *repo, *out); err != nil {
		slog.Error("armchildren failed", "err", err)
		os.Exit(1)
	}
}

// splitPath returns the segments after the resource-group scope's /providers/. An extension
// collection of a concrete resource type (…/virtualMachines/{vm}/providers/NS/type) keeps its
// second providers segment.
func splitPath(p string) ([]string, bool) {
	loc := rgScopeRE.FindStringIndex(p)
	if loc == nil {
		return nil, false
	}
	return strings.Split(strings.Trim(p[loc[1]:], "/"), "/"), true
}

var isParam = swagger.IsParam

// collectionOf returns the parent type and child path of a nested collection path, or of a
// singleton (a fixed name: …/throughputSettings/default) when singleton is set. An extension
// collection of a concrete parent (…/{vm}/providers/Microsoft.GuestConfiguration/x) has the
// path providers/NS/x; below an extension resource the parent is the extension's own type.
func collectionOf(p string, singleton bool) (parent, child string, ok bool) {
	segs, ok := splitPath(p)
	if !ok || len(segs) < 3 || isParam(segs[0]) {
		return "", "", false
	}
	if singleton {
		if len(segs)%2 == 0 || isParam(segs[len(segs)-1]) || strings.ContainsAny(segs[len(segs)-1], "{}") {
			return "", "", false
		}
	} else if len(segs)%2 != 0 && !(len(segs) >= 5 && strings.EqualFold(segs[len(segs)-3], "providers")) {
		return "", "", false
	}
	parent = segs[0]
	i := 1
	last := len(segs) - 1
	if singleton {
		last = len(segs) - 2
	}
	for ; i < last; i += 2 {
		if strings.EqualFold(segs[i], "providers") && i+2 <= last && !isParam(segs[i+1]) {
			if i+2 == last {
				// extension collection of the resource so far
				if singleton || isParam(segs[i+2]) || strings.ContainsAny(segs[i+2], "{}") {
					return "", "", false
				}
				return parent, "providers/" + segs[i+1] + "/" + segs[i+2], true
			}
			parent = segs[i+1] // below an extension resource: its own type (the pair is providers/NS)
			continue
		}
		if isParam(segs[i]) || strings.ContainsAny(segs[i], "{}") || !isParam(segs[i+1]) {
			return "", "", false
		}
		parent += "/" + segs[i]
	}
	if i != last {
		return "", "", false
	}
	child = segs[last]
	if strings.ContainsAny(child, "{}") {
		return "", "", false
	}
	if singleton {
		child += "/" + segs[len(segs)-1]
	}
	return parent, child, true
}

func run(ctx context.Context, specs, rev, repo, out string) error {
	g, err := gitblob.Open(ctx, specs)
	if err != nil {
		return err
	}
	defer g.Close()
	commit, err := g.Output(ctx, "rev-parse", rev+"^{commit}")
	if err != nil {
		return err
	}
	commit = strings.TrimSpace(commit)
	list, err := g.Output(ctx, "ls-tree", "-r", "--name-only", commit, "specification")
	if err != nil {
		return err
	}
	swaggers := swagger.SpecFiles(strings.Split(list, "\n"))
	r := &resolver{Docs: swagger.NewDocs(func(file string) ([]byte, error) { return g.Blob(commit + ":" + file) })}
	best := map[string]*collection{}      // lower parent|segment -> newest
	listed := map[string]bool{}           // lower parent|segment with a list operation (any version)
	singles := map[string][]*collection{} // lower parent|segment -> singleton GETs (fixed names)
	for _, sw := range swaggers {
		v, _ := swagger.VersionOf(sw)
		preview, version := v.Preview, v.Version
		doc := r.Doc(sw)
		if doc == nil {
			continue
		}
		paths, _ := doc["paths"].(map[string]any)
		lowerPaths := map[string]string{}
		for p := range paths {
			lowerPaths[strings.ToLower(paramRE.ReplaceAllString(p, "{}"))] = p
		}
		for _, p := range gitblob.SortedKeys(paths) {
			ops, _ := paths[p].(map[string]any)
			get, ok := ops["get"].(map[string]any)
			if !ok {
				continue
			}
			norm := strings.ToLower(paramRE.ReplaceAllString(p, "{}"))
			if parent, child, ok := collectionOf(p, true); ok {
				seg := child[:strings.Index(child, "/")]
				k := strings.ToLower(parent + "|" + seg)
				singles[k] = append(singles[k], &collection{parent: parent, segment: child, version: version, preview: preview, swagger: sw,
					singleton: true, required: r.requiredQuery(sw, get, ops)})
				continue
			}
			parent, segment, ok := collectionOf(p, false)
			if !ok {
				continue
			}
			if !hasSingleGet(paths, norm) {
				continue
			}
			c := &collection{parent: parent, segment: segment, version: version, preview: preview, swagger: sw,
				parentGet: lowerPaths[norm[:strings.LastIndex(norm, "/")]], required: r.requiredQuery(sw, get, ops)}
			k := strings.ToLower(parent + "|" + segment)
			listed[k] = true
			if prev := best[k]; prev == nil || better(c, prev) {
				best[k] = c
			}
		}
	}
	for k, cs := range singles {
		if listed[k] {
			continue // the list returns them
		}
		for _, c := range cs {
			sk := strings.ToLower(c.parent + "|" + c.segment)
			if prev := best[sk]; prev == nil || better(c, prev) {
				best[sk] = c
			}
		}
	}
	for _, c := range best {
		c.inline = r.inline(c)
	}
	return write(out, repo, commit, best)
}

var paramRE = regexp.MustCompile(`\{[^}]+\}`)

func better(a, b *collection) bool {
	if a.preview != b.preview {
		return !a.preview
	}
	if a.version != b.version {
		return a.version > b.version
	}
	return a.swagger < b.swagger
}

func write(out, repo, commit string, best map[string]*collection) error {
	var buf bytes.Buffer
	buf.WriteString("# Generated by tools/armchildren; DO NOT EDIT.\n")
	fmt.Fprintf(&buf, "# source: %s@%s\n", repo, commit)
	buf.WriteString("# parent\tpath\ttype\tapi-version\tflags (inline, singleton)\trequired query parameters\n")
	n, inline, singletons := 0, 0, 0
	for _, k := range gitblob.SortedKeys(best) {
		c := best[k]
		typ := c.parent + "/" + c.segment
		if c.singleton {
			typ = c.parent + "/" + c.segment[:strings.Index(c.segment, "/")]
		}
		if strings.HasPrefix(c.segment, "providers/") {
			typ = strings.TrimPrefix(c.segment, "providers/")
		}
		var flags []string
		if c.inline {
			flags = append(flags, "inline")
			inline++
		}
		if c.singleton {
			flags = append(flags, "singleton")
			singletons++
		}
		fmt.Fprintf(&buf, "%s\t%s\t%s\t%s\t%s\t%s\n", strings.ToLower(c.parent), c.segment, typ, c.version,
			strings.Join(flags, ","), strings.Join(c.required, ","))
		n++
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	slog.Info("child tree written", "collections", n, "inline", inline, "singletons", singletons, "commit", commit, "out", out)
	return nil
}

// resolver reads the swagger documents.
type resolver struct{ *swagger.Docs }

// inline reports whether the parent's GET response has properties.<segment> as an array.
func (r *resolver) inline(c *collection) bool {
	if c.parentGet == "" {
		return false
	}
	doc := r.Doc(c.swagger)
	paths, _ := doc["paths"].(map[string]any)
	ops, _ := paths[c.parentGet].(map[string]any)
	get, _ := ops["get"].(map[string]any)
	resps, _ := get["responses"].(map[string]any)
	ok200, _ := resps["200"].(map[string]any)
	schema, _ := ok200["schema"].(map[string]any)
	if schema == nil {
		return false
	}
	props, f := r.Property(c.swagger, schema, "properties", 0)
	if props == nil {
		return false
	}
	arr, _ := r.Property(f, props, c.segment, 0)
	return arr != nil && arr["type"] == "array"
}

// requiredQuery lists the required query parameters of a list operation other than api-version.
func (r *resolver) requiredQuery(file string, op, pathItem map[string]any) []string {
	var out []string
	var params []any
	p1, _ := pathItem["parameters"].([]any)
	p2, _ := op["parameters"].([]any)
	params = append(append(params, p1...), p2...)
	for _, p := range params {
		m, _ := p.(map[string]any)
		m, _ = r.Deref(file, m)
		if m == nil || m["in"] != "query" || m["required"] != true {
			continue
		}
		name, _ := m["name"].(string)
		if strings.EqualFold(name, "api-version") {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}
