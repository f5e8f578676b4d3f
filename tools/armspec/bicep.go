package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/tools/internal/gitblob"
	"github.com/atg-go/atg/tools/internal/swagger"
)

// The Bicep type index (github.com/Azure/bicep-types-az, generated/<rp>/<namespace>/<api-version>/
// types.json) is generated from the same REST specs by autorest and kept current: per resource
// type and api-version the body's properties with flags, ReadOnly set where the specs mark a
// property readOnly or only the GET returns it. It fills in api-versions and types newer than a
// specs clone (a clone is large; a fork may be years old).

// bicepTypesRE matches the type files of the index.
var bicepTypesRE = regexp.MustCompile(`^generated/.+/([0-9]{4}-[0-9]{2}-[0-9]{2}[^/]*)/types\.json$`)

// bicepReadOnly is the ReadOnly property flag of the index.
const bicepReadOnly = 2

type bicepRef struct {
	Ref string `json:"$ref"`
}

type bicepProp struct {
	Type  bicepRef `json:"type"`
	Flags int      `json:"flags"`
}

// bicepNode is one entry of a types.json (only the kinds that hold properties are read).
type bicepNode struct {
	Kind                 string               `json:"$type"`
	Name                 string               `json:"name"`
	Body                 *bicepRef            `json:"body"`
	Properties           map[string]bicepProp `json:"properties"`
	BaseProperties       map[string]bicepProp `json:"baseProperties"`
	Elements             json.RawMessage      `json:"elements"` // DiscriminatedObjectType: map; UnionType: list
	AdditionalProperties *bicepRef            `json:"additionalProperties"`
	ItemType             *bicepRef            `json:"itemType"`
}

// bicepType is the newest api-version of one type in the index.
type bicepType struct {
	typ      string
	ver      swagger.Version
	readOnly []string
}

// collectBicep reads every types.json of the index and returns per lower-cased type its newest
// api-version (stable before preview) with its readOnly paths.
func collectBicep(src swagger.Source) (map[string]*bicepType, error) {
	list, err := src.Files()
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range list {
		if bicepTypesRE.MatchString(f) {
			files = append(files, f)
		}
	}
	sort.Strings(files)
	out := map[string]*bicepType{}
	for _, f := range files {
		raw, err := src.Read(f)
		if err != nil {
			return nil, err
		}
		var nodes []bicepNode
		if err := json.Unmarshal(raw, &nodes); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, n := range nodes {
			if n.Kind != "ResourceType" || n.Body == nil {
				continue
			}
			typ, version, ok := strings.Cut(n.Name, "@")
			if !ok || !strings.Contains(typ, "/") {
				continue
			}
			v := swagger.Version{Version: version, Preview: strings.Contains(strings.ToLower(version), "preview")}
			k := strings.ToLower(typ)
			if prev := out[k]; prev != nil && !v.Newer(prev.ver) {
				continue
			}
			w := &bicepWalker{nodes: nodes, out: map[string]bool{}, stack: map[int]bool{}}
			w.walk(n.Body.Ref, nil, 0)
			delete(w.out, "apiVersion") // the index's own, not part of an ARM body
			var ro []string
			for _, p := range gitblob.SortedKeys(w.out) {
				if !coveredBy(p, w.out) {
					ro = append(ro, p)
				}
			}
			out[k] = &bicepType{typ: typ, ver: v, readOnly: ro}
		}
	}
	return out, nil
}

type bicepWalker struct {
	nodes []bicepNode
	out   map[string]bool
	stack map[int]bool
}

// walk records the readOnly paths below the node ref points at; objects already on the stack
// (cycles) or more than maxRefDepth deep are not entered.
func (w *bicepWalker) walk(ref string, path []string, objects int) {
	i, err := strconv.Atoi(strings.TrimPrefix(ref, "#/"))
	if err != nil || !strings.HasPrefix(ref, "#/") || i < 0 || i >= len(w.nodes) || w.stack[i] {
		return
	}
	n := &w.nodes[i]
	switch n.Kind {
	case "ObjectType", "DiscriminatedObjectType":
		if objects >= maxRefDepth {
			return
		}
		w.stack[i] = true
		defer delete(w.stack, i)
		w.props(n.Properties, path, objects+1)
		w.props(n.BaseProperties, path, objects+1)
		if n.AdditionalProperties != nil {
			w.walk(n.AdditionalProperties.Ref, append(path[:len(path):len(path)], "*"), objects+1)
		}
		if n.Kind == "DiscriminatedObjectType" {
			var elems map[string]bicepRef
			_ = json.Unmarshal(n.Elements, &elems)
			for _, k := range gitblob.SortedKeys(elems) {
				w.walk(elems[k].Ref, path, objects+1)
			}
		}
	case "ArrayType":
		if n.ItemType != nil && len(path) > 0 {
			w.walk(n.ItemType.Ref, append(path[:len(path):len(path)], "[]"), objects)
		}
	case "UnionType":
		var elems []bicepRef
		_ = json.Unmarshal(n.Elements, &elems)
		w.stack[i] = true
		defer delete(w.stack, i)
		for _, e := range elems {
			w.walk(e.Ref, path, objects)
		}
	}
}

func (w *bicepWalker) props(props map[string]bicepProp, path []string, objects int) {
	for _, name := range gitblob.SortedKeys(props) {
		p := props[name]
		sub := append(path[:len(path):len(path)], name)
		if p.Flags&bicepReadOnly != 0 {
			w.out[encode(sub)] = true
			continue
		}
		w.walk(p.Type.Ref, sub, objects)
	}
}
