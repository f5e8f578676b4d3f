package graph

import (
	"encoding/json"
	"fmt"
	"slices"
)

// EncodeStoredProps turns props into Neo4j property values: strings, bools, numbers (as
// float64, the JSON number type) and non-empty homogeneous lists of those stay native, so
// Cypher can filter on them; everything else (maps, lists of maps, mixed or empty lists, nil)
// is stored as a JSON string, never truncated. The result also holds _props (the prop names,
// sorted) and _json (the names stored as JSON), which DecodeStoredProps uses to restore the
// exact props.
func EncodeStoredProps(props map[string]any) (map[string]any, error) {
	out := make(map[string]any, len(props)+2)
	names := make([]string, 0, len(props))
	jsonNames := []string{}
	for k, v := range props {
		names = append(names, k)
		if nv, ok := nativeValue(v); ok {
			out[k] = nv
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("prop %q: %w", k, err)
		}
		out[k] = string(b)
		jsonNames = append(jsonNames, k)
	}
	slices.Sort(names)
	slices.Sort(jsonNames)
	if len(names) > 0 {
		out[SysProps] = names
	}
	if len(jsonNames) > 0 {
		out[SysJSON] = jsonNames
	}
	return out, nil
}

// nativeValue returns v as a Neo4j-native property value, if it has one that round-trips.
func nativeValue(v any) (any, bool) {
	switch x := v.(type) {
	case string, bool, float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case []string:
		if len(x) == 0 {
			return nil, false
		}
		return x, true
	case []any:
		if len(x) == 0 {
			return nil, false
		}
		var kind string
		out := make([]any, len(x))
		for i, e := range x {
			ev, ok := nativeValue(e)
			if !ok {
				return nil, false
			}
			switch ev.(type) {
			case []any, []string:
				return nil, false
			}
			k := fmt.Sprintf("%T", ev)
			if kind != "" && k != kind {
				return nil, false
			}
			kind = k
			out[i] = ev
		}
		return out, true
	}
	return nil, false
}

// DecodeStoredProps restores the props EncodeStoredProps stored, from a Neo4j property map.
func DecodeStoredProps(stored map[string]any) (map[string]any, error) {
	names, _ := stored[SysProps].([]any)
	if len(names) == 0 {
		return nil, nil
	}
	isJSON := map[string]bool{}
	if js, ok := stored[SysJSON].([]any); ok {
		for _, n := range js {
			if s, ok := n.(string); ok {
				isJSON[s] = true
			}
		}
	}
	out := make(map[string]any, len(names))
	for _, n := range names {
		k, ok := n.(string)
		if !ok {
			continue
		}
		v := stored[k]
		if isJSON[k] {
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("prop %q: JSON prop is %T", k, v)
			}
			var d any
			if err := json.Unmarshal([]byte(s), &d); err != nil {
				return nil, fmt.Errorf("prop %q: %w", k, err)
			}
			out[k] = d
			continue
		}
		out[k] = fromNeo4j(v)
	}
	return out, nil
}

func fromNeo4j(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fromNeo4j(e)
		}
		return out
	}
	return v
}
