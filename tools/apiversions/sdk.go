package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// The go-azure-sdk resource-manager module (generated from the same REST specs, the SDK the
// azurerm provider is built on) as a source of "Namespace/type@version" lines: each package
// <service>/<api-version>/<resource> addresses the types of the resource ids its methods take,
// resolved through each id's Segments() (the package's own id_*.go, or go-azure-helpers'
// commonids). This is how versions newer than an index (azurerm's) become known:
//
//	go run ./tools/apiversions -index index.txt -sdk $(go env GOMODCACHE)/github.com/hashicorp/go-azure-sdk/resource-manager@<v> \
//	    -commonids $(go env GOMODCACHE)/github.com/hashicorp/go-azure-helpers@<v>/resourcemanager/commonids -extra sim/apiversions.txt -union

var (
	sdkVersionDir = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-[a-z]+)?$`)
	sdkSegments   = regexp.MustCompile(`(?s)func \(id (\w+)\) Segments\(\) \[\]resourceids\.Segment \{(.*?)\n\}`)
	sdkSegment    = regexp.MustCompile(`resourceids\.(\w+)Segment\("[^"]*"(?:,\s*"([^"]*)")?`)
	sdkIDParam    = regexp.MustCompile(`\bid (commonids\.)?(\w+Id)\b`)
	sdkSubPath    = regexp.MustCompile(`Path:\s+fmt\.Sprintf\("%s/([A-Za-z/]+)", id\.ID\(\)\)`)
)

// sdkIDTypes maps the id types declared in the .go files of dir to their ARM resource type.
func sdkIDTypes(dir string) map[string]string {
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			continue
		}
		for _, m := range sdkSegments.FindAllSubmatch(b, -1) {
			if t := sdkType(sdkSegment.FindAllStringSubmatch(string(m[2]), -1)); t != "" {
				out[string(m[1])] = t
			}
		}
	}
	return out
}

// sdkType: the namespace of the last provider segment, then each static segment that names a
// type (each followed by the resource's name, user-specified or a fixed singleton such as default).
func sdkType(segs [][]string) string {
	last := -1
	for i, s := range segs {
		if s[1] == "ResourceProvider" {
			last = i
		}
	}
	if last < 0 || !strings.HasPrefix(strings.ToLower(segs[last][2]), "microsoft.") {
		return ""
	}
	var parts []string
	for i := last + 1; i < len(segs) && segs[i][1] == "Static"; i += 2 {
		parts = append(parts, segs[i][2])
	}
	if len(parts) == 0 {
		return ""
	}
	return segs[last][2] + "/" + strings.Join(parts, "/")
}

// sdkIndex walks the module and returns its "Namespace/type@version" lines, sorted.
func sdkIndex(root, commonDir string) (string, error) {
	common := sdkIDTypes(commonDir)
	seen := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		ver := filepath.Base(filepath.Dir(p))
		if !sdkVersionDir.MatchString(ver) {
			return nil
		}
		local := sdkIDTypes(p)
		entries, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), "method_") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(p, e.Name()))
			if err != nil {
				return err
			}
			for _, m := range sdkIDParam.FindAllStringSubmatch(string(b), -1) {
				t := local[m[2]]
				if m[1] != "" {
					t = common[m[2]]
				}
				if t == "" {
					continue
				}
				seen[t+"@"+ver] = true
				// a path below the id (…/blobServices/default) addresses a child type, unless it
				// is a POST action (listKeys)
				if sp := sdkSubPath.FindStringSubmatch(string(b)); sp != nil && !bytes.Contains(b, []byte("http.MethodPost")) {
					segs := strings.Split(sp[1], "/")
					for i := 0; i < len(segs); i += 2 {
						t += "/" + segs[i]
					}
					seen[t+"@"+ver] = true
				}
				break
			}
		}
		return nil
	})
	lines := make([]string, 0, len(seen))
	for l := range seen {
		lines = append(lines, l)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n"), err
}

// mergeAll adds every version of a previous list (a union: nothing once known is dropped).
func mergeAll(types map[string]map[string]bool, text string) {
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
			t = f[0]
			canon[strings.ToLower(t)] = t
			types[t] = map[string]bool{}
		}
		for _, v := range f[1:] {
			types[t][v] = true
		}
	}
}
