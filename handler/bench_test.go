package handler

import (
	"context"
	"encoding/hex"
	"github.com/atg-go/atg/handler/worker"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/internal/testenv"
)

// BenchmarkJobStatusGET measures GET /api/v1/jobs/{id} over loopback HTTP against Table
// Storage (Azurite), paced at 200 requests/s, and reports p50/p99 latency:
//
//	go test -run '^$' -bench JobStatusGET -benchtime 2000x ./handler/
func BenchmarkJobStatusGET(b *testing.B) {
	conn := testenv.RequireAzurite(b)
	key, entry, _ := auth.NewKey("dev", "alice", auth.RoleUser, tenant)
	prefix := "b" + hex.EncodeToString(randBytes(5))
	cfg := &config.Config{Storage: conn, StoragePrefix: prefix, APIKeys: entry.String(), Environment: "dev", APIRateLimit: "0", APIRateBurst: "1"}
	ctx := context.Background()
	app, err := NewApp(ctx, AppOptions{Config: cfg})
	if err != nil {
		b.Fatal(err)
	}
	defer (&serviceEnv{conn: conn, prefix: prefix}).dropStorage()
	app.Deps.Executors.(*worker.Registry).RegisterRunner(jobs.TypeGenerateIaC, fakeRunner{})
	srv := httptest.NewServer(httpapi.NewRouter(app.Deps))
	defer srv.Close()
	c := client{base: srv.URL, key: key}
	code, _, body := c.do(b, "POST", "/api/v1/generate-iac", `{"tenant_id":"`+tenant+`","format":"terraform"}`)
	if code != 202 {
		b.Fatalf("submit: %d %s", code, body)
	}
	id := string(body[7:37]) // {"id":"job_…"
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/jobs/"+id, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	lat := make([]time.Duration, 0, b.N)
	tick := time.NewTicker(5 * time.Millisecond) // 200 req/s
	defer tick.Stop()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		<-tick.C
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
}
