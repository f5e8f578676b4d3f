package replicate

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/iac/model"
	"github.com/atg-go/atg/engine/jsonpath"
)

// diff compares the desired writable envelope with what the target returns. Every desired value
// must be present and equal (strings case-insensitively, ARM ids and locations normalised);
// what the target adds (read-only and defaulted fields) is ignored, and so are generated
// secrets, which a GET never returns. It returns the differing paths, sorted.
func diff(want, got map[string]any, skip []string) []string {
	skipSet := map[string]bool{}
	for _, s := range skip {
		skipSet[s] = true
	}
	var out []string
	var cmp func(w, g any, path string)
	cmp = func(w, g any, path string) {
		if skipSet[path] {
			return
		}
		switch wt := w.(type) {
		case map[string]any:
			gm, ok := g.(map[string]any)
			if !ok {
				if len(wt) == 0 && g == nil {
					return
				}
				out = append(out, path)
				return
			}
			for k, wv := range wt {
				gv, ok := lookupFold(gm, k)
				if !ok {
					if wv == nil || isEmpty(wv) || skipSet[jsonpath.Join(path, k)] {
						continue
					}
					out = append(out, jsonpath.Join(path, k))
					continue
				}
				cmp(wv, gv, jsonpath.Join(path, k))
			}
		case []any:
			ga, ok := g.([]any)
			if !ok {
				if len(wt) == 0 && g == nil {
					return
				}
				out = append(out, path)
				return
			}
			if len(ga) != len(wt) {
				out = append(out, path)
				return
			}
			for i := range wt {
				cmp(wt[i], ga[i], jsonpath.Index(path, i))
			}
		case string:
			gs, ok := g.(string)
			if !ok {
				out = append(out, path)
				return
			}
			if path == "location" {
				wt, gs = model.NormalizeLocation(wt), model.NormalizeLocation(gs)
			}
			if !strings.EqualFold(strings.TrimSuffix(wt, "/"), strings.TrimSuffix(gs, "/")) {
				out = append(out, path)
			}
		case nil:
		default:
			if !scalarEqual(w, g) {
				out = append(out, path)
			}
		}
	}
	cmp(want, got, "")
	sort.Strings(out)
	return out
}

func lookupFold(m map[string]any, k string) (any, bool) {
	if v, ok := m[k]; ok {
		return v, true
	}
	for mk, v := range m {
		if strings.EqualFold(mk, k) {
			return v, true
		}
	}
	return nil, false
}

func isEmpty(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	case string:
		return t == ""
	}
	return false
}

func scalarEqual(a, b any) bool {
	fa, aok := number(a)
	fb, bok := number(b)
	if aok && bok {
		return fa == fb
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func number(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case float32:
		return float64(t), true
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case string:
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	return 0, false
}
