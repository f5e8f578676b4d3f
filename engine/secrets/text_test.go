package secrets

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestHandlerRedactsLogs(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(NewHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	conn := "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=" + b64key88
	log.With("conn", conn).Debug("using "+conn, "token", ghToken, "err", errors.New("GET https://u:"+fake("pa55", "word9")+"@h.example.com/x failed"),
		slog.Group("g", "password", "correcthorse"), "ok", "plain value")
	out := buf.String()
	for _, planted := range []string{b64key88, ghToken, "pa55word9", "correcthorse"} {
		if strings.Contains(out, planted) {
			t.Errorf("log line carries a secret: %s", out)
		}
	}
	if !strings.Contains(out, "plain value") || !strings.Contains(out, Marker(RuleConnectionString)) {
		t.Errorf("log line lost ordinary content or markers: %s", out)
	}
}

// The detector is used from many goroutines (loggers, workers): run it concurrently (-race).
func TestConcurrentUse(t *testing.T) {
	done := make(chan bool)
	for i := 0; i < 8; i++ {
		go func() {
			for j := 0; j < 50; j++ {
				_ = RedactText("token " + ghToken + " and AccountKey=" + b64key88)
				_ = Check("password", "correcthorse")
				_, _ = Redact(map[string]any{"tags": map[string]any{"k": jwt}}, "")
			}
			done <- true
		}()
	}
	for i := 0; i < 8; i++ {
		<-done
	}
}
