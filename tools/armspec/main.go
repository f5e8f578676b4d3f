// Command armspec regenerates engine/armspec's data: for every ARM resource type the Azure REST
// API specifications describe (all namespaces; child, singleton and extension types included),
// the property paths the specs mark readOnly and the status codes the type's PUT answers. It
// reads a local git clone of Azure/azure-rest-api-specs (or a fork, or a plain directory holding
// specification/), and optionally of Azure/bicep-types-az; nothing is fetched. It is a development
// tool, not part of the atg binary.
//
//	go run ./tools/armspec -specs /path/to/azure-rest-api-specs[/.git] [-bicep /path/to/bicep-types-az] -out engine/armspec/armspec.tsv
//
// A type is what a swagger path template addresses (swagger.PathType: the literal type segments
// after the last /providers/{Namespace}/, each followed by a name) when the path has a GET or a
// PUT. Per type the newest stable api-version wins (the newest preview when there is no stable
// one); all its GETs and PUTs count (a type's singletons such as sites/config/web and
// config/appsettings share it). Their GET 200 and PUT body schemas are walked through $ref
// (across files), allOf, array items ("[]"), map values ("*") and the subtypes of a
// discriminated schema in the same file, and every property marked readOnly: true is recorded
// as a dotted path ("properties.subnets[].properties.ipConfigurations"); nothing below a readOnly
// property is walked, nor a definition already on the walk's stack (a cycle) or more than 8
// $refs deep. A path only the GET model marks readOnly while the PUT body declares it writable
// is not readOnly. A newer preview version's readOnly paths that the chosen version does not
// declare at all are added. The create status codes are the 2xx responses of the newest PUT.
//
// With -bicep, the Bicep type index (generated from the same specs, kept current) replaces a
// type's readOnly paths when its api-version there is newer, and adds the types only it has (see
// bicep.go); the create codes stay the specs'.
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/tools/internal/gitblob"
	"github.com/atg-go/atg/tools/internal/swagger"
)

func main() {
	specs := flag.String("specs", "", "git directory (or work tree, or plain directory holding specification/) of azure-rest-api-specs")
	rev := flag.String("rev", "HEAD", "commit to read (git only)")
	repo := flag.String("repo", "Azure/azure-rest-api-specs", "source repository recorded in the output")
	bicep := flag.String("bicep", "", "optional: git directory (or tree holding generated/) of Azure/bicep-types-az, for api-versions and types newer than the specs")
	bicepRepo := flag.String("bicep-repo", "Azure/bicep-types-az", "bicep types repository recorded in the output")
	out := flag.String("out", "engine/armspec/armspec.tsv", "output file (gzip-compressed when it ends in .gz)")
	flag.Parse()
	if *specs == "" {
		fmt.Fprintln(os.Stderr, "usage: armspec -specs <azure-rest-api-specs git dir> [-rev HEAD] [-repo owner/name] [-out engine/armspec/armspec.tsv]")
		os.Exit(2)
	}
	if err := run(context.Background(), *specs, *rev, *repo, *bicep, *bicepRepo, *out); err != nil {
		slog.Error("armspec failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, specs, rev, repo, bicep, bicepRepo, out string) error {
	src, err := swagger.Open(ctx, specs, rev)
	if err != nil {
		return err
	}
	defer src.Close()
	types, err := collect(src)
	if err != nil {
		return err
	}
	sources := []string{repo + "@" + commitOf(src)}
	if bicep != "" {
		bsrc, err := swagger.OpenTree(ctx, bicep, "HEAD", "generated")
		if err != nil {
			return err
		}
		defer bsrc.Close()
		bt, err := collectBicep(bsrc)
		if err != nil {
			return err
		}
		types = mergeBicep(types, bt)
		sources = append(sources, bicepRepo+"@"+commitOf(bsrc))
	}
	data := render(types, sources)
	if strings.HasSuffix(out, ".gz") {
		data, err = gz(data)
		if err != nil {
			return err
		}
	}
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	paths, withCodes := 0, 0
	for _, t := range types {
		paths += len(t.readOnly)
		if len(t.codes) > 0 {
			withCodes++
		}
	}
	slog.Info("armspec written", "types", len(types), "with_put", withCodes, "readonly_paths", paths, "bytes", len(data), "sources", sources, "out", out)
	return nil
}

func commitOf(src swagger.Source) string {
	if c := src.Commit(); c != "" {
		return c
	}
	return "worktree"
}

// mergeBicep takes a type's readOnly paths from the Bicep index when its api-version there is
// newer than the specs' (stable before preview), and adds the types only the index has (their
// create codes unknown). The version column then reads "bicep:<api-version>".
func mergeBicep(types []typeData, bt map[string]*bicepType) []typeData {
	seen := map[string]bool{}
	for i := range types {
		k := strings.ToLower(types[i].typ)
		seen[k] = true
		if b := bt[k]; b != nil && b.ver.Newer(types[i].ver) {
			types[i].version, types[i].readOnly = "bicep:"+b.ver.Version, b.readOnly
		}
	}
	for _, k := range gitblob.SortedKeys(bt) {
		if b := bt[k]; !seen[k] {
			types = append(types, typeData{typ: b.typ, ver: b.ver, version: "bicep:" + b.ver.Version, readOnly: b.readOnly})
		}
	}
	return types
}

// gz compresses deterministically (no name, no modification time).
func gz(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// op is one path template's operations in one swagger file.
type op struct {
	typ      string
	ver      swagger.Version
	file     string
	template string
	get, put map[string]any
}

// before orders candidate operations of one type: the newer api-version, then file and template
// name order.
func (a *op) before(b *op) bool {
	if a.ver != b.ver {
		return a.ver.Newer(b.ver)
	}
	if a.file != b.file {
		return a.file < b.file
	}
	return a.template < b.template
}

// typeData is one type's generated entry.
type typeData struct {
	ver          swagger.Version // the specs' api-version chosen
	typ, version string
	codes        []int
	readOnly     []string
}

func collect(src swagger.Source) ([]typeData, error) {
	list, err := src.Files()
	if err != nil {
		return nil, err
	}
	d := swagger.NewDocs(src.Read)
	schemaOps := map[string][]*op{}  // lower type -> the GETs and PUTs of its newest api-version
	previewOps := map[string][]*op{} // lower type -> the GETs and PUTs of its newest preview api-version
	putOp := map[string]*op{}        // lower type -> newest PUT
	for _, file := range swagger.SpecFiles(list) {
		ver, _ := swagger.VersionOf(file)
		doc := d.Doc(file)
		resourcesSpec := strings.HasPrefix(file, "specification/resources/") || strings.HasPrefix(file, "specification/subscription/")
		for _, section := range []string{"paths", "x-ms-paths"} {
			paths, _ := doc[section].(map[string]any)
			for _, tmpl := range gitblob.SortedKeys(paths) {
				typ, item := swagger.PathType(tmpl, resourcesSpec)
				if !item {
					continue
				}
				ops, _ := paths[tmpl].(map[string]any)
				o := &op{typ: typ, ver: ver, file: file, template: tmpl}
				o.get, _ = ops["get"].(map[string]any)
				o.put, _ = ops["put"].(map[string]any)
				if o.get == nil && o.put == nil {
					continue
				}
				k := strings.ToLower(typ)
				switch prev := schemaOps[k]; {
				case len(prev) == 0 || o.ver.Newer(prev[0].ver):
					schemaOps[k] = []*op{o}
				case o.ver == prev[0].ver:
					schemaOps[k] = append(prev, o)
				}
				if o.ver.Preview {
					switch prev := previewOps[k]; {
					case len(prev) == 0 || o.ver.Newer(prev[0].ver):
						previewOps[k] = []*op{o}
					case o.ver == prev[0].ver:
						previewOps[k] = append(prev, o)
					}
				}
				if prev := putOp[k]; o.put != nil && (prev == nil || o.before(prev)) {
					putOp[k] = o
				}
			}
		}
	}
	if len(schemaOps) == 0 {
		return nil, fmt.Errorf("no resource types found: is it an azure-rest-api-specs tree?")
	}
	w := &walker{d: d, subtypes: map[string]map[string][]string{}}
	var out []typeData
	for _, k := range gitblob.SortedKeys(schemaOps) {
		ops := schemaOps[k]
		td := typeData{typ: canonical(ops), ver: ops[0].ver, version: ops[0].ver.Version}
		var preview []*op
		if pv := previewOps[k]; len(pv) > 0 && !ops[0].ver.Preview && pv[0].ver.Version > ops[0].ver.Version {
			preview = pv
			td.version += "+" + pv[0].ver.Version
		}
		td.readOnly = w.typeReadOnly(ops, preview)
		if p := putOp[k]; p != nil {
			td.codes = createCodes(p.put)
		}
		out = append(out, td)
	}
	return out, nil
}

// createCodes lists a PUT's 2xx response codes.
func createCodes(put map[string]any) []int {
	resps, _ := put["responses"].(map[string]any)
	var codes []int
	for k := range resps {
		if n, err := strconv.Atoi(k); err == nil && n >= 200 && n < 300 {
			codes = append(codes, n)
		}
	}
	sort.Ints(codes)
	return codes
}

// located is a schema and the file its $refs are relative to.
type located struct {
	file   string
	schema map[string]any
}

// schemas returns the schemas of a type's resource body: the GET's 200 (the PUT's 200/201
// responses when there is no GET) as read, and the PUT's body parameter as sent.
func (w *walker) schemas(o *op) (read, sent []located) {
	respSchema := func(operation map[string]any, code string) {
		resps, _ := operation["responses"].(map[string]any)
		r, _ := resps[code].(map[string]any)
		r, f := w.d.Deref(o.file, r) // a response may itself be a $ref into a file's responses
		if s, _ := r["schema"].(map[string]any); s != nil {
			read = append(read, located{f, s})
		}
	}
	if o.get != nil {
		respSchema(o.get, "200")
	}
	if o.put != nil {
		params, _ := o.put["parameters"].([]any)
		for _, p := range params {
			m, _ := p.(map[string]any)
			if m, f := w.d.Deref(o.file, m); m != nil && m["in"] == "body" {
				if s, _ := m["schema"].(map[string]any); s != nil {
					sent = append(sent, located{f, s})
				}
			}
		}
		if o.get == nil {
			respSchema(o.put, "200")
			respSchema(o.put, "201")
		}
	}
	return read, sent
}

// canonical is a type's spelling: the most frequent among its operations' paths (the first in
// order on a tie).
func canonical(ops []*op) string {
	n := map[string]int{}
	best := ops[0].typ
	for _, o := range ops {
		n[o.typ]++
		if n[o.typ] > n[best] {
			best = o.typ
		}
	}
	return best
}
