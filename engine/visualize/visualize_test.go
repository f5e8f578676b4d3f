package visualize

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/boltstore"
	"github.com/atg-go/atg/internal/testenv"
)

const tenant = "11111111-1111-1111-1111-111111111111"

// synthetic writes a tenant of n resources over subs subscriptions (10 RGs each) into a store.
func synthetic(t testing.TB, n, subs int) graph.Store {
	t.Helper()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "g.db"), boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Init(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(ctx) })
	var nodes []graph.Node
	var edges []graph.Edge
	types := []string{"Microsoft.Network/virtualNetworks", "Microsoft.Network/networkInterfaces", "Microsoft.Compute/virtualMachines", "Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults"}
	for si := 0; si < subs; si++ {
		sub := fmt.Sprintf("%08d-0000-0000-0000-000000000000", si)
		sid := "/subscriptions/" + sub
		nodes = append(nodes, graph.Node{Label: graph.LabelSubscription, ID: sid, Props: map[string]any{graph.PropID: sid, graph.PropName: "sub-" + strconv.Itoa(si), graph.PropSubscription: sub}})
		for g := 0; g < 10; g++ {
			rg := fmt.Sprintf("rg-%d-%d", si, g)
			rgid := graph.NormalizeID(sid + "/resourceGroups/" + rg)
			nodes = append(nodes, graph.Node{Label: graph.LabelResourceGroup, ID: rgid, Props: map[string]any{graph.PropName: rg, graph.PropSubscription: sub}})
			edges = append(edges, graph.Edge{Type: graph.EdgeContains, FromLabel: graph.LabelSubscription, From: sid, ToLabel: graph.LabelResourceGroup, To: rgid})
		}
	}
	for i := 0; i < n; i++ {
		si, g := i%subs, (i/subs)%10
		sub := fmt.Sprintf("%08d-0000-0000-0000-000000000000", si)
		rg := fmt.Sprintf("rg-%d-%d", si, g)
		typ := types[i%len(types)]
		name := fmt.Sprintf("res-%05d", i)
		id := "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/" + typ + "/" + name
		nodes = append(nodes, graph.Node{Label: graph.LabelResource, ID: graph.NormalizeID(id), Props: map[string]any{
			graph.PropID: id, graph.PropName: name, graph.PropType: strings.ToLower(typ), graph.PropTypeDisplay: typ,
			graph.PropResourceGroup: rg, graph.PropSubscription: sub, graph.PropLocation: "westeurope",
			graph.PropProperties: map[string]any{"secretish": "AccountKey=NEVERSHOWN=="}}})
		edges = append(edges, graph.Edge{Type: graph.EdgeContains, FromLabel: graph.LabelResourceGroup, From: graph.NormalizeID("/subscriptions/" + sub + "/resourceGroups/" + rg), ToLabel: graph.LabelResource, To: graph.NormalizeID(id)})
		if i >= len(types) {
			prev := nodes[len(nodes)-1-len(types)]
			edges = append(edges, graph.Edge{Type: graph.EdgeReferences, FromLabel: graph.LabelResource, From: graph.NormalizeID(id), ToLabel: graph.LabelResource, To: prev.ID})
		}
	}
	for i := range nodes {
		nodes[i].TenantID = tenant
	}
	for i := range edges {
		edges[i].TenantID = tenant
	}
	if err := s.UpsertNodes(ctx, tenant, "scan1", nodes); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEdges(ctx, tenant, "scan1", edges); err != nil {
		t.Fatal(err)
	}
	return s
}

func render(t testing.TB, s graph.Store, f Filter) []byte {
	t.Helper()
	d, err := Build(context.Background(), s, tenant, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, d, Options{}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPageIsSelfContainedAndDeterministic(t *testing.T) {
	s := synthetic(t, 300, 2)
	a, b := render(t, s, Filter{}), render(t, s, Filter{})
	if !bytes.Equal(a, b) {
		t.Fatal("same graph must give the same bytes")
	}
	page := string(a)
	for _, bad := range []string{"<script src", "<link ", `src="http`, `href="http`, "url(http", "NEVERSHOWN"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(page, "Content-Security-Policy") || !strings.Contains(page, "connect-src 'none'") {
		t.Error("page must forbid network access with a CSP")
	}
	if !strings.Contains(page, "Permission is hereby granted") {
		t.Error("vendored licences must be kept")
	}
}

func TestFilterLimitsNodes(t *testing.T) {
	s := synthetic(t, 200, 2)
	d, err := Build(context.Background(), s, tenant, Filter{ResourceGroups: []string{"rg-0-1"}, Types: []string{"microsoft.compute/virtualmachines"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := 0
	for _, n := range d.Nodes {
		if d.Labels[n.Label] == "Resource" {
			res++
			if d.RGs[n.RG].Name != "rg-0-1" || d.Types[n.Type] != "microsoft.compute/virtualmachines" {
				t.Fatalf("filtered node leaked: %+v", n)
			}
		}
	}
	if res == 0 {
		t.Fatal("filter removed everything")
	}
}

// recordingProxy counts every request Chromium makes; a self-contained page makes none.
type recordingProxy struct {
	mu   sync.Mutex
	seen []string
}

func (p *recordingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.Host+r.URL.String())
	p.mu.Unlock()
	http.Error(w, "blocked by test", http.StatusForbidden)
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, c := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if c != "" {
			if _, err := os.Stat(c); err == nil {
				return c
			}
		}
	}
	if testenv.InCI() {
		t.Fatal("chromium is not installed and CI is set: .ci/run must install Debian's chromium")
	}
	t.Skip("chromium not installed (apt-get install chromium)")
	return ""
}

// browserInternal matches Chromium's own background traffic (component updates, time sync,
// sign-in), which happens whatever page is open; everything else counts as the page's.
func browserInternal(req string) bool {
	for _, h := range []string{" clients2.google.com", " update.googleapis.com:443", " update.googleapis.com", " accounts.google.com:443", " clientservices.googleapis.com:443", " redirector.gvt1.com"} {
		if strings.Contains(req, h) {
			return true
		}
	}
	return false
}

var attrRe = regexp.MustCompile(`data-([a-z-]+)="([^"]*)"`)

// openInBrowser loads the page headless through a recording proxy and returns the <body> data
// attributes after scripts ran, and what the proxy saw.
func openInBrowser(t *testing.T, bin, file, hash, screenshot string) (map[string]string, []string, time.Duration) {
	t.Helper()
	proxy := &recordingProxy{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: proxy}
	go srv.Serve(ln)
	defer srv.Close()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--disable-quic", "--user-data-dir=" + t.TempDir(),
		"--proxy-server=http://" + ln.Addr().String(), "--proxy-bypass-list=<-loopback>",
		"--disable-client-side-phishing-detection", "--disable-default-apps", "--disable-extensions", "--disable-domain-reliability",
		"--no-default-browser-check", "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
		"--window-size=1400,900", "--virtual-time-budget=20000"}
	if screenshot != "" {
		args = append(args, "--screenshot="+screenshot)
	} else {
		args = append(args, "--dump-dom")
	}
	args = append(args, "file://"+file+hash)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	out, err := exec.CommandContext(ctx, bin, args...).Output()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	attrs := map[string]string{}
	if i := bytes.Index(out, []byte("<body")); i >= 0 {
		tag := out[i : i+bytes.IndexByte(out[i:], '>')]
		for _, m := range attrRe.FindAllSubmatch(tag, -1) {
			attrs[string(m[1])] = string(m[2])
		}
	}
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	var seen []string
	for _, r := range proxy.seen {
		if !browserInternal(r) {
			seen = append(seen, r)
		}
	}
	return attrs, seen, took
}

func artifactDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "test-artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBrowserRendersSearchesAndStaysOffline(t *testing.T) {
	bin := chromium(t)
	s := synthetic(t, 400, 2)
	file := filepath.Join(t.TempDir(), "tenant.html")
	if err := os.WriteFile(file, render(t, s, Filter{}), 0o644); err != nil {
		t.Fatal(err)
	}
	// Positive control: the proxy does see a page's request.
	leaky := filepath.Join(t.TempDir(), "leaky.html")
	if err := os.WriteFile(leaky, []byte(`<html><body><img src="http://leak.example/x.png"></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, seen, _ := openInBrowser(t, bin, leaky, "", ""); len(seen) == 0 {
		t.Fatal("the recording proxy saw no request from a page that makes one; the offline check would be blind")
	}
	attrs, seen, _ := openInBrowser(t, bin, file, "#q=res-00123", "")
	if attrs["ready"] != "1" {
		t.Fatalf("page did not finish rendering: %v", attrs)
	}
	drawn, _ := strconv.Atoi(attrs["nodes-drawn"])
	rendered, _ := strconv.Atoi(attrs["renderer-nodes"])
	if drawn < 400 || rendered != drawn {
		t.Fatalf("page counts %d visible nodes, the renderer drew %d; want all 400 resources plus containers in both", drawn, rendered)
	}
	if attrs["search-hits"] != "1" || attrs["search-first"] != "res-00123" {
		t.Fatalf("search did not find res-00123: %v", attrs)
	}
	if len(seen) > 0 {
		t.Fatalf("the page made network requests: %v", seen)
	}
	overview := filepath.Join(artifactDir(t), "visualize-overview.png")
	openInBrowser(t, bin, file, "", overview)
	// The screenshot has the expected layout: a side panel on the left, and a stage with a
	// drawn graph (many coloured pixels of several hues) on the right. A blank page is the
	// negative control: the same check must reject it.
	if lay := screenshotLayout(t, overview); !lay.ok() {
		t.Fatalf("overview screenshot does not show the explorer: %+v", lay)
	} else {
		t.Logf("overview layout: %+v", lay)
	}
	blank := filepath.Join(t.TempDir(), "blank.html")
	if err := os.WriteFile(blank, []byte(`<html><body style="margin:0;background:#fff"></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}
	blankShot := filepath.Join(t.TempDir(), "blank.png")
	openInBrowser(t, bin, blank, "", blankShot)
	if lay := screenshotLayout(t, blankShot); lay.ok() {
		t.Fatalf("the layout check accepts a blank page: %+v", lay)
	}
	shot := filepath.Join(artifactDir(t), "visualize-demo.png")
	if _, _, _ = openInBrowser(t, bin, file, "#q=res-00123", shot); true {
		if st, err := os.Stat(shot); err != nil || st.Size() < 10_000 {
			t.Fatalf("screenshot missing or empty: %v", err)
		}
	}
}

// A 10,000-resource tenant: groups start collapsed; the page must still draw and search.
// The load time is printed, not asserted.
func TestBrowserLargeGraph(t *testing.T) {
	bin := chromium(t)
	s := synthetic(t, 10_000, 20)
	page := render(t, s, Filter{})
	file := filepath.Join(t.TempDir(), "big.html")
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	attrs, seen, took := openInBrowser(t, bin, file, "#q=res-09999", "")
	if attrs["ready"] != "1" || attrs["search-first"] != "res-09999" {
		t.Fatalf("large page: %v", attrs)
	}
	if len(seen) > 0 {
		t.Fatalf("network requests: %v", seen)
	}
	total, _ := strconv.Atoi(attrs["nodes-total"])
	drawn, _ := strconv.Atoi(attrs["nodes-drawn"])
	if rendered, _ := strconv.Atoi(attrs["renderer-nodes"]); rendered != drawn {
		t.Fatalf("page counts %d visible nodes, the renderer drew %d", drawn, rendered)
	}
	if total < 10_000 || drawn >= total {
		t.Fatalf("want collapsed groups on a large graph: drawn %d of %d", drawn, total)
	}
	info, _ := json.Marshal(map[string]any{"resources": 10000, "html_bytes": len(page), "first_render_ms": attrs["load-ms"], "chromium_wall_ms": took.Milliseconds()})
	t.Logf("visualize 10k: %s", info)
	fmt.Printf("visualize 10k: %s\n", info)
	if len(page) > 8<<20 {
		t.Fatalf("page is %d bytes; documented limit is 8 MiB for 10k resources", len(page))
	}
}

// layout measures a 1400x900 explorer screenshot: the share of the side panel (x < 290) in
// its light background colour, and in the stage (x > 310) the share of pixels that are not
// background and how many distinct colours (5-bit quantised) they use.
type layout struct {
	SidePanel    float64 // share of side-panel pixels in the panel colour (#f7f9fc)
	StageInk     float64 // share of stage pixels that are not white
	StageColours int     // distinct non-white colours in the stage
}

func (l layout) ok() bool { return l.SidePanel > 0.5 && l.StageInk > 0.002 && l.StageColours >= 5 }

func screenshotLayout(t *testing.T, file string) layout {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", file, err)
	}
	b := img.Bounds()
	if b.Dx() < 1000 || b.Dy() < 600 {
		t.Fatalf("screenshot is %dx%d", b.Dx(), b.Dy())
	}
	var side, sideAll, ink, stageAll int
	colours := map[uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			switch {
			case x < 290:
				sideAll++
				if r == 0xf7 && g == 0xf9 && bl == 0xfc {
					side++
				}
			case x > 310:
				stageAll++
				if r < 0xf0 || g < 0xf0 || bl < 0xf0 {
					ink++
					colours[(r>>3)<<10|(g>>3)<<5|bl>>3] = true
				}
			}
		}
	}
	return layout{SidePanel: float64(side) / float64(max(sideAll, 1)), StageInk: float64(ink) / float64(max(stageAll, 1)), StageColours: len(colours)}
}
