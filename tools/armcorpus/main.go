// Command armcorpus regenerates testdata/arm-corpus: one Microsoft example GET response per ARM
// resource type, taken from a local git clone of Azure/azure-rest-api-specs (or a fork of it).
// It is a development tool, not part of the atg binary.
//
//	go run ./tools/armcorpus -specs /path/to/azure-rest-api-specs[/.git] -out testdata/arm-corpus
//
// An example qualifies when a swagger file's GET operation on a single resource (a path whose
// segments after the last /providers/ are namespace, then type/name pairs) lists it in
// x-ms-examples and its response "200" body is one resource (an object with an id or a name,
// not a list), at most 64 KB pretty-printed, with an id under a subscription whose type is the
// GET path's. Per type the newest
// stable api-version wins (the newest preview when the type has no stable one). Bodies are copied
// unchanged except that a missing "type" (from the path) or "id" (from the path and the example's
// parameters) is added; the manifest records every such change.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/atg-go/atg/engine/armid"
	"github.com/atg-go/atg/tools/internal/gitblob"
)

const maxBytes = 64 << 10

type entry struct {
	File         string `json:"file"`
	Type         string `json:"type"`
	APIVersion   string `json:"api_version"`
	SourceRepo   string `json:"source_repo"`
	SourcePath   string `json:"source_path"`
	SourceCommit string `json:"source_commit"`
	Notes        string `json:"notes,omitempty"`
}

type candidate struct {
	typ, version, examplePath string
	preview                   bool
	body                      []byte
	notes                     string
	score                     int
}

// swaggerRE matches swagger files of an api-version folder.
var swaggerRE = regexp.MustCompile(`^specification/[^/]+/resource-manager/(.+/)?(stable|preview)/([0-9]{4}-[0-9]{2}-[0-9]{2}[^/]*)/[^/]+\.json$`)

func main() {
	specs := flag.String("specs", "", "git directory (or work tree) of an azure-rest-api-specs clone")
	rev := flag.String("rev", "HEAD", "commit to read")
	repo := flag.String("repo", "Azure/azure-rest-api-specs", "source repository recorded in the manifest")
	out := flag.String("out", "testdata/arm-corpus", "output directory")
	flag.Parse()
	if *specs == "" {
		fmt.Fprintln(os.Stderr, "usage: armcorpus -specs <azure-rest-api-specs git dir> [-rev HEAD] [-out testdata/arm-corpus]")
		os.Exit(2)
	}
	if err := run(context.Background(), *specs, *rev, *repo, *out); err != nil {
		slog.Error("armcorpus failed", "err", err)
		os.Exit(1)
	}
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
	files := map[string]bool{}
	var swaggers []string
	for _, f := range strings.Split(list, "\n") {
		files[f] = true
		// azsadmin holds Azure Stack Hub operator APIs, not Azure resource types
		if swaggerRE.MatchString(f) && !strings.Contains(f, "/examples/") && !strings.HasPrefix(f, "specification/azsadmin/") {
			swaggers = append(swaggers, f)
		}
	}
	sort.Strings(swaggers)
	best := map[string]*candidate{} // lower type -> candidate
	for _, sw := range swaggers {
		m := swaggerRE.FindStringSubmatch(sw)
		preview, version := m[2] == "preview", m[3]
		raw, err := g.Blob(commit + ":" + sw)
		if err != nil {
			return err
		}
		var doc struct {
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if json.Unmarshal(raw, &doc) != nil {
			continue
		}
		for _, p := range gitblob.SortedKeys(doc.Paths) {
			typ, ok := pathType(p)
			if !ok {
				continue
			}
			get, ok := doc.Paths[p]["get"]
			if !ok {
				continue
			}
			var op struct {
				Examples map[string]struct {
					Ref string `json:"$ref"`
				} `json:"x-ms-examples"`
			}
			if json.Unmarshal(get, &op) != nil {
				continue
			}
			for _, name := range gitblob.SortedKeys(op.Examples) {
				ex := path.Clean(path.Join(path.Dir(sw), op.Examples[name].Ref))
				if !files[ex] {
					continue
				}
				c := consider(g, commit, ex, p, typ, version, preview)
				if c == nil {
					continue
				}
				lt := strings.ToLower(c.typ)
				if prev := best[lt]; prev == nil || better(c, prev) {
					best[lt] = c
				}
			}
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	old, _ := filepath.Glob(filepath.Join(out, "*__*.json"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return fmt.Errorf("remove %s: %w", f, err)
		}
	}
	var man []entry
	used := map[string]bool{}
	for _, lt := range gitblob.SortedKeys(best) {
		c := best[lt]
		file := strings.ReplaceAll(c.typ, "/", "__") + ".json"
		if used[strings.ToLower(file)] {
			continue
		}
		used[strings.ToLower(file)] = true
		if err := os.WriteFile(filepath.Join(out, file), c.body, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", file, err)
		}
		man = append(man, entry{File: file, Type: c.typ, APIVersion: c.version, SourceRepo: repo,
			SourcePath: c.examplePath, SourceCommit: commit, Notes: c.notes})
	}
	b, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	slog.Info("corpus written", "types", len(man), "commit", commit, "dir", out)
	return nil
}

// better orders candidates of one type: stable before preview, newer api-version, higher score,
// then the lexically first example path.
func better(a, b *candidate) bool {
	if a.preview != b.preview {
		return !a.preview
	}
	if a.version != b.version {
		return a.version > b.version
	}
	if a.score != b.score {
		return a.score > b.score
	}
	return a.examplePath < b.examplePath
}

// pathType returns the ARM type of a single-resource path template.
func pathType(p string) (string, bool) {
	i := strings.LastIndex(strings.ToLower(p), "/providers/")
	if i < 0 {
		return "", false
	}
	segs := strings.Split(strings.Trim(p[i+len("/providers/"):], "/"), "/")
	if len(segs) < 3 || len(segs)%2 == 0 || strings.HasPrefix(segs[0], "{") {
		return "", false
	}
	typ := segs[0]
	for j := 1; j < len(segs); j += 2 {
		if strings.ContainsAny(segs[j], "{}") {
			return "", false
		}
		typ += "/" + segs[j]
	}
	return typ, true
}

var paramRE = regexp.MustCompile(`\{([^}]+)\}`)

func consider(g *gitblob.Repo, commit, ex, tmpl, typ, version string, preview bool) *candidate {
	raw, err := g.Blob(commit + ":" + ex)
	if err != nil {
		return nil
	}
	var doc struct {
		Parameters map[string]any `json:"parameters"`
		Responses  map[string]struct {
			Body json.RawMessage `json:"body"`
		} `json:"responses"`
	}
	if json.Unmarshal(raw, &doc) != nil {
		return nil
	}
	r, ok := doc.Responses["200"]
	if !ok || len(r.Body) == 0 {
		return nil
	}
	var body map[string]any
	if json.Unmarshal(r.Body, &body) != nil || body == nil {
		return nil
	}
	if _, list := body["value"].([]any); list {
		return nil
	}
	var notes []string
	id, _ := body["id"].(string)
	if id == "" {
		if _, hasName := body["name"]; !hasName {
			return nil
		}
		id = paramRE.ReplaceAllStringFunc(tmpl, func(s string) string {
			v, _ := doc.Parameters[s[1:len(s)-1]].(string)
			if v == "" {
				return "\x00"
			}
			return v
		})
		if strings.Contains(id, "\x00") {
			return nil
		}
		body["id"] = id
		notes = append(notes, "id added from the GET path and the example's parameters")
	}
	p, ok := armid.Parse(id)
	if !ok || p.Subscription == "" {
		return nil
	}
	if !strings.EqualFold(p.Type(), typ) {
		return nil // the id names another resource type: Microsoft's example is inconsistent
	}
	bt, _ := body["type"].(string)
	switch {
	case bt == "":
		body["type"] = typ
		notes = append(notes, "type added from the GET path")
	case !strings.EqualFold(bt, typ):
		return nil
	default:
		typ = bt
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if enc.Encode(body) != nil || buf.Len() > maxBytes {
		return nil
	}
	if len(notes) == 0 {
		// keep Microsoft's bytes when nothing was added (key order, number formats)
		buf.Reset()
		if json.Indent(&buf, r.Body, "", "  ") != nil {
			return nil
		}
		buf.WriteByte('\n')
	}
	score := 0
	if bt != "" {
		score += 4
	}
	if _, ok := body["properties"]; ok {
		score += 2
	}
	if !strings.Contains(ex, "MaximumSet") && !strings.Contains(ex, "MinimumSet") {
		score++
	}
	return &candidate{typ: typ, version: version, examplePath: ex, preview: preview, body: buf.Bytes(),
		notes: strings.Join(notes, "; "), score: score}
}
