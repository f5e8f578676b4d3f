// Package swagger is what the generators under tools/ that read the Azure REST API specs share
// beyond raw file access (tools/internal/gitblob): the swagger-file naming of api-version
// folders, a spec tree read from a git directory or a plain directory, a cache of parsed
// documents that follows $refs between files, and the resource type a path template addresses.
package swagger

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/atg-go/atg/tools/internal/gitblob"
)

// FileRE matches swagger files of an api-version folder: m[2] is "stable" or "preview", m[3] the
// api-version.
var FileRE = regexp.MustCompile(`^specification/[^/]+/resource-manager/(.+/)?(stable|preview)/([0-9]{4}-[0-9]{2}-[0-9]{2}[^/]*)/[^/]+\.json$`)

// SpecFiles keeps the swagger files of a listing (no examples, no Azure Stack admin APIs), sorted.
func SpecFiles(list []string) []string {
	var out []string
	for _, f := range list {
		if FileRE.MatchString(f) && !strings.Contains(f, "/examples/") && !strings.HasPrefix(f, "specification/azsadmin/") {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// Version is one swagger file's api-version folder.
type Version struct {
	Version string
	Preview bool
}

// VersionOf returns the api-version folder of a swagger file (ok false for other files).
func VersionOf(file string) (Version, bool) {
	m := FileRE.FindStringSubmatch(file)
	if m == nil {
		return Version{}, false
	}
	return Version{Version: m[3], Preview: m[2] == "preview"}, true
}

// Newer orders api-versions as the generators pick them: any stable before any preview, then
// the newer version.
func (v Version) Newer(o Version) bool {
	if v.Preview != o.Preview {
		return !v.Preview
	}
	return v.Version > o.Version
}

// Source lists and reads the files of a spec tree.
type Source interface {
	// Files lists every file under the tree's top folder, specification/ for the specs
	// (slash-separated, relative to the root).
	Files() ([]string, error)
	Read(file string) ([]byte, error)
	// Commit is the commit read, "" for a plain directory.
	Commit() string
	Close()
}

// Open reads a spec tree: a directory holding specification/ (read from disk), or a git
// directory or clone (read at rev through one git cat-file process).
func Open(ctx context.Context, dir, rev string) (Source, error) {
	return OpenTree(ctx, dir, rev, "specification")
}

// OpenTree is Open for another repository whose files of interest are under top (such as
// bicep-types-az's generated/).
func OpenTree(ctx context.Context, dir, rev, top string) (Source, error) {
	if st, err := os.Stat(filepath.Join(dir, top)); err == nil && st.IsDir() {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
			return dirSource{root: dir, top: top}, nil
		}
	}
	g, err := gitblob.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	commit, err := g.Output(ctx, "rev-parse", rev+"^{commit}")
	if err != nil {
		g.Close()
		return nil, fmt.Errorf("%s is neither a tree with %s/ nor a git directory: %w", dir, top, err)
	}
	return &gitSource{ctx: ctx, g: g, commit: strings.TrimSpace(commit), top: top}, nil
}

type dirSource struct{ root, top string }

func (d dirSource) Files() ([]string, error) {
	var out []string
	err := filepath.WalkDir(filepath.Join(d.root, d.top), func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			rel, _ := filepath.Rel(d.root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out, err
}

func (d dirSource) Read(p string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(d.root, filepath.FromSlash(p)))
	return []byte(strings.TrimPrefix(string(b), "\xef\xbb\xbf")), err
}

func (dirSource) Commit() string { return "" }
func (dirSource) Close()         {}

type gitSource struct {
	ctx         context.Context
	g           *gitblob.Repo
	commit, top string
}

func (s *gitSource) Files() ([]string, error) {
	list, err := s.g.Output(s.ctx, "ls-tree", "-r", "--name-only", s.commit, s.top)
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSpace(list), "\n"), nil
}

func (s *gitSource) Read(p string) ([]byte, error) { return s.g.Blob(s.commit + ":" + p) }
func (s *gitSource) Commit() string                { return s.commit }
func (s *gitSource) Close()                        { s.g.Close() }

// Docs caches parsed swagger documents and follows $refs between them.
type Docs struct {
	read func(file string) ([]byte, error)
	docs map[string]map[string]any
}

// NewDocs reads documents with read (a file that fails to read or parse is an empty document).
func NewDocs(read func(file string) ([]byte, error)) *Docs {
	return &Docs{read: read, docs: map[string]map[string]any{}}
}

// Doc returns a parsed document (nil when unreadable).
func (d *Docs) Doc(file string) map[string]any {
	if doc, ok := d.docs[file]; ok {
		return doc
	}
	var doc map[string]any
	if raw, err := d.read(file); err == nil {
		if json.Unmarshal(raw, &doc) != nil {
			doc = nil
		}
	}
	d.docs[file] = doc
	return doc
}

// Deref follows a $ref (relative file and/or #/json/pointer) from file, up to 8 hops; it returns
// the target and the file it lives in.
func (d *Docs) Deref(file string, v map[string]any) (map[string]any, string) {
	v, file, _ = d.DerefKey(file, v)
	return v, file
}

// DerefKey is Deref that also returns the last $ref's target as "file#pointer" ("" when v is
// no $ref), what a schema walk uses to notice a cycle.
func (d *Docs) DerefKey(file string, v map[string]any) (map[string]any, string, string) {
	key := ""
	for i := 0; i < 8 && v != nil; i++ {
		ref, ok := v["$ref"].(string)
		if !ok {
			return v, file, key
		}
		target, pointer, _ := strings.Cut(ref, "#")
		if target != "" {
			file = path.Clean(path.Join(path.Dir(file), target))
		}
		key = file + "#" + pointer
		var cur any = d.Doc(file)
		for _, part := range strings.Split(strings.Trim(pointer, "/"), "/") {
			if part == "" {
				continue
			}
			m, _ := cur.(map[string]any)
			cur = m[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]
		}
		v, _ = cur.(map[string]any)
	}
	if v != nil && v["$ref"] != nil {
		return nil, file, key // a chain longer than 8
	}
	return v, file, key
}

// Property finds a named property of a schema (through $ref and allOf), case-insensitively
// (the first in name order when several differ only by case).
func (d *Docs) Property(file string, schema map[string]any, name string, depth int) (map[string]any, string) {
	schema, file = d.Deref(file, schema)
	if schema == nil || depth > 6 {
		return nil, ""
	}
	if props, ok := schema["properties"].(map[string]any); ok {
		for _, k := range gitblob.SortedKeys(props) {
			if strings.EqualFold(k, name) {
				m, _ := props[k].(map[string]any)
				return d.Deref(file, m)
			}
		}
	}
	all, _ := schema["allOf"].([]any)
	for _, a := range all {
		m, _ := a.(map[string]any)
		if p, f := d.Property(file, m, name, depth+1); p != nil {
			return p, f
		}
	}
	return nil, ""
}

// IsParam reports whether a path segment is a whole parameter ({name}).
func IsParam(s string) bool { return strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") }

// resourcesPaths are Microsoft.Resources' own endpoints, which have no /providers/ segment.
var resourcesPaths = map[string]string{"subscriptions": "subscriptions", "resourcegroups": "resourceGroups", "resources": "resources",
	"tenants": "tenants", "tagnames": "tags", "locations": "locations", "deployments": "deployments", "providers": "providers"}

// PathType returns the resource type a path template addresses ("" when none): the literal type
// segments after the last /providers/{Namespace}/, each followed by a name ({param} or a
// singleton's literal such as blobServices/default); a trailing action or collection segment is
// not a type. item reports whether the path addresses one resource of the type (it ends in the
// name) rather than a collection or action below it. Paths without /providers/ are
// Microsoft.Resources' own (/subscriptions/{s}/resourcegroups/{rg}) and count only when
// resourcesSpec is set (the file is in Microsoft.Resources' specs).
func PathType(p string, resourcesSpec bool) (typ string, item bool) {
	p, _, _ = strings.Cut(p, "?") // x-ms-paths
	segs := strings.Split(strings.Trim(p, "/"), "/")
	last := -1
	for i, s := range segs {
		if strings.EqualFold(s, "providers") && i+1 < len(segs) && !IsParam(segs[i+1]) {
			last = i
		}
	}
	if last < 0 {
		if !resourcesSpec {
			return "", false
		}
		for i := len(segs) - 1; i >= 0; i-- {
			if IsParam(segs[i]) {
				continue
			}
			if t, ok := resourcesPaths[strings.ToLower(segs[i])]; ok {
				return "Microsoft.Resources/" + t, i == len(segs)-2
			}
			return "", false
		}
		return "", false
	}
	ns := segs[last+1]
	var types []string
	i := last + 2
	for ; i+1 < len(segs); i += 2 {
		if IsParam(segs[i]) {
			break // a generic child ({type}/{name}): the type so far, no item of it
		}
		types = append(types, segs[i])
	}
	if len(types) == 0 {
		return "", false
	}
	return ns + "/" + strings.Join(types, "/"), i == len(segs)
}
