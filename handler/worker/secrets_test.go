package worker

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// Job results and errors never store a detected secret (engine/secrets markers instead).
func TestJobResultAndErrorRedacted(t *testing.T) {
	conn := "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=" + strings.Repeat("Zq8x", 11)
	res := redactResult(json.RawMessage(`{"files":["main.tf"],"note":` + mustQuote(conn) + `}`))
	if strings.Contains(string(res), "Zq8xZq8x") || !strings.Contains(string(res), "main.tf") {
		t.Errorf("result: %s", res)
	}
	plain := json.RawMessage(`{"emitted":3}`)
	if got := redactResult(plain); string(got) != string(plain) {
		t.Errorf("a result without secrets changed: %s", got)
	}
	je := jobErrorOf(errors.New("GET https://st.blob.core.windows.net/c?sv=2022-11-02&sig=" + strings.Repeat("Ab3dE", 6) + " failed"))
	if strings.Contains(je.Message, "Ab3dEAb3dE") || !strings.Contains(je.Message, "failed") {
		t.Errorf("job error: %s", je.Message)
	}
}

func mustQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
