package handler

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/atg-go/atg/handler/jobs"
)

// The checked-in host payloads (testdata/host/host-*.json) are in the exact shape the Functions
// host sends (azure-functions-host ScriptInvocationContextExtensions.ToHttpScriptInvocationContext
// + GetHttpScriptInvocationContextValue, Storage Queues extension binding data):
//
//   - Data.msg: the message text (a string) serialized with JsonConvert.SerializeObject, then the
//     whole document serialized again: the JSON message arrives encoded twice.
//   - Metadata: every binding-data value the same way: strings JSON-encoded once more (Id,
//     PopReceipt, and each top-level field of a JSON message: job_id, owner, type, kind, shard),
//     numbers as strings (DequeueCount "1"), DateTimeOffsets as plain ISO strings, sys an object.

// hostMetaKeys are the queue trigger's own metadata keys (besides the message's fields).
var hostMetaKeys = []string{"DequeueCount", "ExpirationTime", "Id", "InsertionTime", "NextVisibleTime", "PopReceipt", "sys"}

// hostEncodeString is JsonConvert.SerializeObject of a string.
func hostEncodeString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// hostEncode renders m as the host does, with the metadata of fixture (its Id, PopReceipt,
// times and sys), DequeueCount dequeue and the function name fn ("" keeps the fixture's).
func hostEncode(t testing.TB, fixture map[string]any, m jobs.Message, dequeue int, fn string) map[string]any {
	t.Helper()
	text, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return hostEncodeText(fixture, text, dequeue, fn)
}

// hostEncodeText is hostEncode for the message text as dequeued (after base64 decoding).
func hostEncodeText(fixture map[string]any, text []byte, dequeue int, fn string) map[string]any {
	oldMeta, _ := fixture["Metadata"].(map[string]any)
	meta := map[string]any{}
	for _, k := range hostMetaKeys {
		if v, ok := oldMeta[k]; ok {
			meta[k] = v
		}
	}
	if sys, ok := meta["sys"].(map[string]any); ok && fn != "" {
		c := map[string]any{}
		for k, v := range sys {
			c[k] = v
		}
		c["MethodName"] = fn
		meta["sys"] = c
	}
	meta["DequeueCount"] = strconv.Itoa(dequeue)
	var fields map[string]any // every top-level field of the JSON message, each JSON-encoded
	_ = json.Unmarshal(text, &fields)
	for k, v := range fields {
		b, _ := json.Marshal(v)
		meta[k] = string(b)
	}
	return map[string]any{"Data": map[string]any{QueueBinding: hostEncodeString(string(text))}, "Metadata": meta}
}

func readHostFixture(t testing.TB, file string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "host", file))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return v
}

// hostPayload is the body the host POSTs for delivery number dequeue of m, in the shape of
// the checked-in fixture file.
func hostPayload(t testing.TB, file string, m jobs.Message, dequeue int) string {
	t.Helper()
	fn := functionFor(m)
	if strings.Contains(file, "poison") {
		fn = "" // the fixture names the poison function
	}
	b, err := json.Marshal(hostEncode(t, readHostFixture(t, file), m, dequeue, fn))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestHostFixturesAreTheHostShape pins the fixtures to the host's encoding rules, and the
// test encoder (hostEncode) to the fixtures: re-encoding a fixture's own message reproduces
// the fixture exactly, and the codec reads the message and its delivery count back.
func TestHostFixturesAreTheHostShape(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "host", "host-*.json"))
	if len(files) < 3 {
		t.Fatalf("host fixtures: %v", files)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			fx := readHostFixture(t, name)
			data, _ := fx["Data"].(map[string]any)
			meta, _ := fx["Metadata"].(map[string]any)
			s, ok := data[QueueBinding].(string)
			if !ok {
				t.Fatalf("Data.%s is %T, want a string (the host encodes the message text)", QueueBinding, data[QueueBinding])
			}
			var once string
			if err := json.Unmarshal([]byte(s), &once); err != nil {
				t.Fatalf("Data.%s is not encoded twice: %v", QueueBinding, err)
			}
			raw, _ := json.Marshal(s)
			m, err := jobs.ParseMessage(raw)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range hostMetaKeys {
				if _, ok := meta[k]; !ok {
					t.Errorf("Metadata lacks %s", k)
				}
			}
			for _, k := range []string{"Id", "PopReceipt", "job_id", "owner", "type", "kind"} {
				v, _ := meta[k].(string)
				var inner string
				if json.Unmarshal([]byte(v), &inner) != nil {
					t.Errorf("Metadata.%s = %q, want a JSON-encoded string", k, v)
				}
			}
			dcRaw, _ := json.Marshal(meta["DequeueCount"])
			dc, err := jobs.ParseDequeueCount(dcRaw)
			if err != nil || dc < 1 {
				t.Fatalf("DequeueCount %s: %v", dcRaw, err)
			}
			sys, _ := meta["sys"].(map[string]any)
			got := hostEncode(t, fx, m, dc, "")
			if !reflect.DeepEqual(got, fx) {
				a, _ := json.MarshalIndent(got, "", "  ")
				t.Fatalf("re-encoding the fixture's message differs from the fixture:\n%s", a)
			}
			if sys["MethodName"] == nil {
				t.Error("sys.MethodName missing")
			}
		})
	}
}
