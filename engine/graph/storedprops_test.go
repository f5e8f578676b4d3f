package graph

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestStoredPropsRoundTrip(t *testing.T) {
	var props map[string]any
	src := `{"s":"x","n":1.5,"i":3,"b":true,"nil":null,"m":{"a":[1,{"b":null}]},"strs":["1","2"],"nums":[1,2.5],
	"bools":[true],"mixed":["a",1],"empty":[],"emptym":{},"lom":[{"a":1}],"nested":[[1]]}`
	if err := json.Unmarshal([]byte(src), &props); err != nil {
		t.Fatal(err)
	}
	enc, err := EncodeStoredProps(props)
	if err != nil {
		t.Fatal(err)
	}
	native := map[string]bool{"s": true, "n": true, "i": true, "b": true, "strs": true, "nums": true, "bools": true}
	for k := range props {
		_, isStr := enc[k].(string)
		if !native[k] && !isStr {
			t.Errorf("%s: stored as %T, want a JSON string", k, enc[k])
		}
	}
	// Simulate what Neo4j hands back: lists as []any, integers as int64.
	back := map[string]any{}
	for k, v := range enc {
		switch x := v.(type) {
		case []string:
			l := make([]any, len(x))
			for i, s := range x {
				l[i] = s
			}
			back[k] = l
		default:
			back[k] = v
		}
	}
	back["i"] = int64(3)
	dec, err := DecodeStoredProps(back)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(dec, props) {
		t.Errorf("round trip:\n got  %#v\n want %#v", dec, props)
	}
	if enc, _ := EncodeStoredProps(nil); len(enc) != 0 {
		t.Errorf("empty props encode to %v", enc)
	}
	if dec, _ := DecodeStoredProps(map[string]any{"x": 1}); dec != nil {
		t.Errorf("no _props decodes to %v", dec)
	}
}
