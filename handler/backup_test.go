package handler

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"

	"github.com/atg-go/atg/config"
	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
	"github.com/atg-go/atg/engine/graph/stores"
	"github.com/atg-go/atg/errs"
	"github.com/atg-go/atg/handler/auth"
	"github.com/atg-go/atg/handler/backup"
	"github.com/atg-go/atg/handler/executors"
	"github.com/atg-go/atg/handler/httpapi"
	"github.com/atg-go/atg/handler/jobs"
	"github.com/atg-go/atg/handler/worker"
	"github.com/atg-go/atg/internal/testenv"
)

// ---- an in-memory backup.BackupStore ----

type memBackups struct {
	mu    sync.Mutex
	blobs map[string][]byte
	info  map[string]backup.Backup
	// failAfter makes Put fail after reading that many bytes (0: never).
	failAfter int
}

func newMemBackups() *memBackups {
	return &memBackups{blobs: map[string][]byte{}, info: map[string]backup.Backup{}}
}

func (m *memBackups) Put(_ context.Context, b backup.Backup, r io.Reader, final func(*backup.Backup)) (backup.Backup, error) {
	var buf bytes.Buffer
	var err error
	if m.failAfter > 0 {
		_, err = io.CopyN(&buf, r, int64(m.failAfter))
		if err == nil {
			err = fmt.Errorf("injected upload failure")
		}
	} else {
		_, err = io.Copy(&buf, r)
	}
	if err != nil {
		return b, err
	}
	sum := sha256.Sum256(buf.Bytes())
	b.Size, b.SHA256 = int64(buf.Len()), hex.EncodeToString(sum[:])
	if final != nil {
		final(&b)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.blobs[b.Name], m.info[b.Name] = buf.Bytes(), b
	return b, nil
}

func (m *memBackups) List(_ context.Context, tenantID string) ([]backup.Backup, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []backup.Backup{}
	for _, b := range m.info {
		if tenantID == "" || b.TenantID == graph.NormalizeTenantID(tenantID) {
			out = append(out, b)
		}
	}
	backup.SortBackups(out)
	return out, nil
}

func (m *memBackups) Open(_ context.Context, name string) (backup.Backup, io.ReadCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.info[name]
	if !ok {
		return backup.Backup{}, nil, errs.Errorf(errs.NotFound, "backup %s not found", name)
	}
	return b, io.NopCloser(bytes.NewReader(m.blobs[name])), nil
}

func (m *memBackups) Delete(_ context.Context, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.blobs, name)
	delete(m.info, name)
	return nil
}

// ---- a graph worth backing up ----

// seedGraph writes a small tenant graph over two scans (so first/last seen differ), with
// nested props, unicode and numbers, and returns its stats and its export.
func seedGraph(t *testing.T, s graph.Store, tenant string) (graph.Stats, []byte) {
	t.Helper()
	ctx := context.Background()
	sub := "00000000-0000-0000-0000-0000000000a1"
	subN, rg := graphtest.Subscription(sub), graphtest.ResourceGroup(sub, "rg-ü")
	vnet := graphtest.Resource(sub, "rg-ü", "Microsoft.Network/virtualNetworks", "vnet-1")
	vnet.Props["properties"] = map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"10.0.0.0/16"}}, "flowTimeoutInMinutes": 4.0}
	vnet.Props["tags"] = map[string]any{"owner": "Zoë \"quoted\"", "cost": "1,5 €"}
	nics := []graph.Node{}
	for i := range 5 {
		nics = append(nics, graphtest.Resource(sub, "rg-ü", "Microsoft.Network/networkInterfaces", fmt.Sprintf("nic-%d", i)))
	}
	region := graphtest.Simple(graph.LabelRegion, "westeurope")
	if err := s.UpsertNodes(ctx, tenant, "scan-1", append([]graph.Node{subN, rg, vnet, region}, nics...)); err != nil {
		t.Fatal(err)
	}
	edges := []graph.Edge{graphtest.E(graph.EdgeContains, subN, rg), graphtest.E(graph.EdgeContains, rg, vnet), graphtest.E(graph.EdgeLocatedIn, vnet, region)}
	for _, n := range nics {
		edges = append(edges, graphtest.E(graph.EdgeConnectedTo, n, vnet), graphtest.E(graph.EdgeContains, rg, n))
	}
	if sk, err := s.UpsertEdges(ctx, tenant, "scan-1", edges); err != nil || sk != 0 {
		t.Fatalf("seeding edges: skipped %d, %v", sk, err)
	}
	// A second scan touches part of the graph.
	if err := s.UpsertNodes(ctx, tenant, "scan-2", nics[:2]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEdges(ctx, tenant, "scan-2", edges[3:5]); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats(ctx, tenant)
	if err != nil {
		t.Fatal(err)
	}
	if st.Nodes["Resource"] != 6 || st.Edges["CONTAINS"] != 7 {
		t.Fatalf("seeded stats %+v", st)
	}
	return st, exportOf(t, s, tenant)
}

func exportOf(t *testing.T, s graph.Store, tenant string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := graph.Export(context.Background(), s, tenant, graph.FormatJSON, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func statsJSON(t *testing.T, s graph.Store, tenant string) string {
	t.Helper()
	st, err := s.Stats(context.Background(), tenant)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(st)
	return string(b)
}

func openBolt(t *testing.T) graph.Store { return openBoltTB(t) }

func openBoltTB(t testing.TB) graph.Store {
	t.Helper()
	s, err := stores.Open(context.Background(), stores.Options{Graph: filepath.Join(t.TempDir(), "graph.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func openNeo4j(t *testing.T) graph.Store {
	t.Helper()
	uri, user, password := testenv.RequireNeo4j(t)
	s, err := stores.Open(context.Background(), stores.Options{Graph: uri, User: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

// azuriteBackups returns a BlobBackups on a fresh container in Azurite, deleted afterwards.
func azuriteBackups(t *testing.T) *backup.BlobBackups {
	t.Helper()
	conn := testenv.RequireAzurite(t)
	client, err := azblob.NewClientFromConnectionString(conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	name := backup.BackupsContainer("b" + hex.EncodeToString(randBytes(5)))
	st, err := backup.OpenBlobBackups(t.Context(), client, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = client.DeleteContainer(context.Background(), name, nil) })
	return st
}

// ---- tests ----

func TestBackupNames(t *testing.T) {
	at := time.Date(2026, 11, 26, 2, 30, 5, 999, time.FixedZone("x", 3600))
	name := backup.BackupName(" 11111111-2222-3333-4444-555555555555 ", at)
	if name != "11111111-2222-3333-4444-555555555555/20261126T013005Z.json.gz" {
		t.Errorf("BackupName = %q", name)
	}
	tenant, got, ok := backup.ParseBackupName(name)
	if !ok || tenant != "11111111-2222-3333-4444-555555555555" || !got.Equal(at.Truncate(time.Second)) {
		t.Errorf("ParseBackupName(%q) = %q %v %v", name, tenant, got, ok)
	}
	odd := backup.BackupName("a/b c", at)
	if strings.Count(odd, "/") != 1 {
		t.Errorf("tenant with a slash escapes into %q", odd)
	}
	if tenant, _, ok := backup.ParseBackupName(odd); !ok || tenant != "a/b c" {
		t.Errorf("round trip of %q: %q %v", odd, tenant, ok)
	}
	for _, bad := range []string{"t/20261126T013005Z.json", "t/x.json.gz", "20261126T013005Z.json.gz", "/20261126T013005Z.json.gz", "t/a/20261126T013005Z.json.gz"} {
		if _, _, ok := backup.ParseBackupName(bad); ok {
			t.Errorf("ParseBackupName(%q) accepted", bad)
		}
	}
}

// Export -> blob -> wipe -> restore gives identical stats and an identical export (first and
// last seen included), for both graph stores and both blob stores (memory, Azurite).
func TestBackupWipeRestore(t *testing.T) {
	graphs := map[string]func(*testing.T) graph.Store{"embedded": openBolt, "neo4j": openNeo4j}
	blobs := map[string]func(*testing.T) backup.BackupStore{
		"memory":  func(*testing.T) backup.BackupStore { return newMemBackups() },
		"azurite": func(t *testing.T) backup.BackupStore { return azuriteBackups(t) },
	}
	for gname, openGraph := range graphs {
		for bname, openBlobs := range blobs {
			t.Run(gname+"/"+bname, func(t *testing.T) {
				ctx := context.Background()
				s := openGraph(t)
				st := openBlobs(t)
				tenant := graphtest.NewTenant(t, s)
				wantStats, wantExport := seedGraph(t, s, tenant)
				b := &executors.Backuper{Graph: s, Store: st}
				at := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
				bk, err := b.Backup(ctx, tenant, at, "job_x")
				if err != nil {
					t.Fatal(err)
				}
				if bk.Name != backup.BackupName(tenant, at) || bk.Nodes != 9 || bk.Edges != 13 || bk.Size == 0 || len(bk.SHA256) != 64 {
					t.Errorf("backup %+v", bk)
				}
				list, err := st.List(ctx, tenant)
				if err != nil {
					t.Fatal(err)
				}
				if len(list) != 1 || list[0].Name != bk.Name || list[0].Nodes != 9 || list[0].Edges != 13 || list[0].JobID != "job_x" ||
					list[0].SHA256 != bk.SHA256 || list[0].Size != bk.Size || !list[0].CreatedAt.Equal(at) {
					t.Errorf("listed %+v, want %+v", list, bk)
				}
				// The blob is the gzipped export, byte for byte.
				_, rc, err := st.Open(ctx, bk.Name)
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := io.ReadAll(rc)
				rc.Close()
				if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != bk.SHA256 {
					t.Errorf("blob sha256 differs from the recorded one")
				}
				zr, err := gzip.NewReader(bytes.NewReader(raw))
				if err != nil {
					t.Fatal(err)
				}
				plain, _ := io.ReadAll(zr)
				if !bytes.Equal(plain, wantExport) {
					t.Errorf("blob content is not the JSON export")
				}

				if err := s.DeleteTenant(ctx, tenant); err != nil {
					t.Fatal(err)
				}
				if got := statsJSON(t, s, tenant); strings.Contains(got, "Resource") {
					t.Fatalf("wipe left %s", got)
				}
				res, err := executors.Restore(ctx, s, st, bk.Name, tenant, false)
				if err != nil {
					t.Fatal(err)
				}
				if res.Nodes != 9 || res.Edges != 13 || res.Skipped != 0 {
					t.Errorf("restore %+v", res)
				}
				want, _ := json.Marshal(wantStats)
				if got := statsJSON(t, s, tenant); got != string(want) {
					t.Errorf("stats after restore %s, want %s", got, want)
				}
				if got := exportOf(t, s, tenant); !bytes.Equal(got, wantExport) {
					t.Errorf("export after restore differs from before the wipe")
				}
				// Into a non-empty tenant only with replace.
				if _, err := executors.Restore(ctx, s, st, bk.Name, tenant, false); err == nil {
					t.Errorf("restore into a non-empty tenant succeeded without replace")
				}
				if _, err := executors.Restore(ctx, s, st, bk.Name, tenant, true); err != nil {
					t.Errorf("restore with replace: %v", err)
				}
				if _, err := executors.Restore(ctx, s, st, backup.BackupName(tenant, at.Add(time.Hour)), tenant, true); !errs.Is(err, errs.NotFound) {
					t.Errorf("restore of a missing backup: %v, want not_found", err)
				}
			})
		}
	}
}

// A failed upload or export leaves no backup behind and reports the error.
func TestBackupFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	s := openBolt(t)
	seedGraph(t, s, "t1")
	st := newMemBackups()
	st.failAfter = 100
	b := &executors.Backuper{Graph: s, Store: st}
	if _, err := b.Backup(ctx, "t1", time.Now(), ""); err == nil {
		t.Fatal("backup with a failing upload succeeded")
	}
	if l, _ := st.List(ctx, ""); len(l) != 0 {
		t.Errorf("failed backup left %+v", l)
	}
	// A cancelled export (store fails mid-walk) fails the upload too.
	st.failAfter = 0
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.Backup(cctx, "t1", time.Now(), ""); err == nil {
		t.Error("backup with a cancelled context succeeded")
	}
	if l, _ := st.List(ctx, ""); len(l) != 0 {
		t.Errorf("cancelled backup left %+v", l)
	}
}

func TestBackupPrune(t *testing.T) {
	ctx := context.Background()
	st := newMemBackups()
	now := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	put := func(tenant string, daysAgo int) string {
		b := backup.Backup{Name: backup.BackupName(tenant, now.AddDate(0, 0, -daysAgo)), TenantID: tenant, CreatedAt: now.AddDate(0, 0, -daysAgo)}
		if _, err := st.Put(ctx, b, strings.NewReader("x"), nil); err != nil {
			t.Fatal(err)
		}
		return b.Name
	}
	keepA := []string{put("a", 0), put("a", 6), put("a", 7)}
	dropA := []string{put("a", 8), put("a", 30)}
	keepB := []string{put("b", 40)} // old, but b's newest: kept
	dropB := []string{put("b", 41)}
	b := &executors.Backuper{Store: st, RetentionDays: 7}
	deleted, err := b.Prune(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	want := append(slices.Clone(dropA), dropB...)
	slices.Sort(want)
	slices.Sort(deleted)
	if !slices.Equal(deleted, want) {
		t.Errorf("deleted %v, want %v", deleted, want)
	}
	left, _ := st.List(ctx, "")
	var names []string
	for _, l := range left {
		names = append(names, l.Name)
	}
	wantLeft := append(slices.Clone(keepA), keepB...)
	slices.Sort(wantLeft)
	slices.Sort(names)
	if !slices.Equal(names, wantLeft) {
		t.Errorf("left %v, want %v", names, wantLeft)
	}
	b.RetentionDays = 0
	if d, err := b.Prune(ctx, now.AddDate(1, 0, 0)); err != nil || len(d) != 0 {
		t.Errorf("retention 0 deleted %v (%v)", d, err)
	}
}

// backupFixture is the API fixture with a backup executor over an embedded graph.
func backupFixture(t *testing.T) (*fixture, *worker.Worker, graph.Store, *memBackups) {
	t.Helper()
	s := openBolt(t)
	st := newMemBackups()
	var mu sync.Mutex
	clock := testClockStart // pruning uses the job's time: any date works
	f := newFixture(t, func(d *httpapi.Deps) {
		d.Now = func() time.Time { // every job a second later: distinct blob names
			mu.Lock()
			defer mu.Unlock()
			clock = clock.Add(time.Second)
			return clock
		}
		d.Executors.(*worker.Registry).RegisterRunner(backup.JobTypeBackup, &executors.BackupExecutor{Container: "atg-backups", Backuper: executors.Backuper{Graph: s, Store: st, RetentionDays: 7}})
		d.Backups, d.BackupsContainer, d.BackupRetentionDays = st, "atg-backups", 7
	})
	return f, &worker.Worker{Backend: f.b, Executors: f.deps.Executors.(*worker.Registry), Logger: f.deps.Logger}, s, st
}

// runQueued processes every queued message once, in order.
func runQueued(t *testing.T, f *fixture, w *worker.Worker) {
	t.Helper()
	for len(f.q.Messages) > 0 {
		m := f.q.Messages[0]
		f.q.Messages = f.q.Messages[1:]
		if err := w.Process(context.Background(), m, 1); err != nil {
			t.Fatalf("process %+v: %v", m, err)
		}
	}
}

func TestAdminBackupAPI(t *testing.T) {
	f, w, s, st := backupFixture(t)
	seedGraph(t, s, "t1")
	seedGraph(t, s, "t2")
	ctx := context.Background()

	// Users are refused, admins are not; no key is 401.
	for _, c := range []struct{ method, path, body string }{
		{"POST", "/api/v1/admin/backups", ""}, {"GET", "/api/v1/admin/backups", ""}, {"GET", "/api/v1/admin/backups/t1/20261126T023000Z.json.gz", ""},
	} {
		if r := f.do(c.method, c.path, f.keys["alice"], c.body); r.code != 403 || r.errCode(t) != "forbidden" {
			t.Errorf("%s %s as a user: %d %s", c.method, c.path, r.code, r.body)
		}
		if r := f.do(c.method, c.path, "", c.body); r.code != 401 {
			t.Errorf("%s %s without a key: %d", c.method, c.path, r.code)
		}
	}
	if len(f.q.Messages) != 0 {
		t.Fatalf("a refused request queued %v", f.q.Messages)
	}
	// Validation: unknown fields and bad tenant ids are 400.
	if r := f.do("POST", "/api/v1/admin/backups", f.keys["root"], `{"tenants":["t1"]}`); r.code != 400 {
		t.Errorf("unknown field: %d %s", r.code, r.body)
	}
	if r := f.do("POST", "/api/v1/admin/backups", f.keys["root"], `{"tenant_ids":["a|b"]}`); r.code != 400 {
		t.Errorf("bad tenant id: %d %s", r.code, r.body)
	}

	// On demand: one tenant, then all (no body).
	r := f.do("POST", "/api/v1/admin/backups", f.keys["root"], `{"tenant_ids":["T1","t1"]}`)
	if r.code != 202 {
		t.Fatalf("submit: %d %s", r.code, r.body)
	}
	job := r.json(t)
	if job["type"] != backup.JobTypeBackup || job["owner"] != "root" {
		t.Errorf("job %s", r.body)
	}
	if req, _ := json.Marshal(job["request"]); string(req) != `{"tenant_ids":["t1"],"trigger":"api"}` {
		t.Errorf("stored request %s", req)
	}
	runQueued(t, f, w)
	id := job["id"].(string)
	r = f.do("GET", "/api/v1/jobs/"+id+"/result", f.keys["root"], "")
	if r.code != 200 {
		t.Fatalf("result: %d %s", r.code, r.body)
	}
	var res backup.BackupResult
	if err := json.Unmarshal(r.body, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Backups) != 1 || res.Backups[0].TenantID != "t1" || res.Backups[0].Nodes != 9 || res.RetentionDays != 7 || res.Container != "atg-backups" {
		t.Errorf("result %s", r.body)
	}
	// The blob is named after the job's creation time.
	j, _ := f.b.Jobs.Find(ctx, id)
	if res.Backups[0].Name != backup.BackupName("t1", j.CreatedAt) {
		t.Errorf("blob %s, job created %s", res.Backups[0].Name, j.CreatedAt)
	}

	r = f.do("POST", "/api/v1/admin/backups", f.keys["root"], "", "Content-Type", "application/json")
	if r.code != 202 {
		t.Fatalf("submit all (no body): %d %s", r.code, r.body)
	}
	runQueued(t, f, w)
	r = f.do("GET", "/api/v1/jobs/"+r.json(t)["id"].(string), f.keys["root"], "")
	if r.json(t)["status"] != "succeeded" {
		t.Fatalf("backup job %s", r.body)
	}
	r = f.do("GET", "/api/v1/jobs?type=backup", f.keys["root"], "")
	if r.code != 200 || len(r.json(t)["jobs"].([]any)) != 2 {
		t.Errorf("list backup jobs: %d %s", r.code, r.body)
	}

	// Listing: all, one tenant.
	var list httpapi.BackupList
	r = f.do("GET", "/api/v1/admin/backups", f.keys["root"], "")
	if err := json.Unmarshal(r.body, &list); err != nil || r.code != 200 {
		t.Fatalf("list: %d %s", r.code, r.body)
	}
	if len(list.Backups) != 3 || list.Backups[0].TenantID != "t1" || list.Backups[2].TenantID != "t2" || list.RetentionDays != 7 || list.Container != "atg-backups" {
		t.Errorf("list %s", r.body)
	}
	r = f.do("GET", "/api/v1/admin/backups?tenant_id=t2", f.keys["root"], "")
	if err := json.Unmarshal(r.body, &list); err != nil || len(list.Backups) != 1 {
		t.Errorf("list t2: %s", r.body)
	}

	// Download: the stored bytes, restorable.
	name := list.Backups[0].Name
	r = f.do("GET", "/api/v1/admin/backups/"+name, f.keys["root"], "")
	if r.code != 200 || r.header.Get("Content-Type") != "application/gzip" || r.header.Get("X-Content-SHA256") != list.Backups[0].SHA256 {
		t.Fatalf("download: %d %v", r.code, r.header)
	}
	if sum := sha256.Sum256(r.body); hex.EncodeToString(sum[:]) != list.Backups[0].SHA256 {
		t.Errorf("downloaded bytes do not match the sha256")
	}
	other := openBolt(t)
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := graph.Import(ctx, other, "t2", zr, graph.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if statsJSON(t, other, "t2") != statsJSON(t, s, "t2") {
		t.Errorf("downloaded backup restores to other stats")
	}
	for _, p := range []string{"t2/20000101T000000Z.json.gz", "t2/passwd", "t2/..%2f..%2fx.json.gz"} {
		if r := f.do("GET", "/api/v1/admin/backups/"+p, f.keys["root"], ""); r.code != 404 {
			t.Errorf("GET %s: %d", p, r.code)
		}
	}

	// A tenant without a graph fails the job with not_found, at once.
	r = f.do("POST", "/api/v1/admin/backups", f.keys["root"], `{"tenant_ids":["nope"]}`)
	runQueued(t, f, w)
	r = f.do("GET", "/api/v1/jobs/"+r.json(t)["id"].(string), f.keys["root"], "")
	if m := r.json(t); m["status"] != "failed" || !strings.Contains(string(r.body), "not_found") {
		t.Errorf("backup of a missing tenant: %s", r.body)
	}
	_ = st
}

// A retried job (an earlier attempt wrote some blobs) keeps them and writes the rest under
// the same names: no duplicates.
func TestBackupJobRetryIsIdempotent(t *testing.T) {
	_, _, s, st := backupFixture(t)
	seedGraph(t, s, "t1")
	seedGraph(t, s, "t2")
	ctx := context.Background()
	created := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC)
	x := &executors.BackupExecutor{Backuper: executors.Backuper{Graph: s, Store: st, RetentionDays: 7}}
	// The first attempt wrote t1 only.
	first, err := x.Backup(ctx, "t1", created, "job_1")
	if err != nil {
		t.Fatal(err)
	}
	jc := &worker.JobContext{Job: jobs.Job{ID: "job_1", CreatedAt: created, Attempts: 2}, Request: json.RawMessage(`{}`), Progress: func(jobs.Progress) {}}
	out, err := x.Run(ctx, jc)
	if err != nil {
		t.Fatal(err)
	}
	var res backup.BackupResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Backups) != 2 || res.Backups[0] != first {
		t.Errorf("retry result %+v, first attempt %+v", res.Backups, first)
	}
	if l, _ := st.List(ctx, ""); len(l) != 2 {
		t.Errorf("%d blobs after the retry, want 2", len(l))
	}
}

func timerPayload(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "host", "backup-timer-trigger.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The host's timer invocation queues one backup job per UTC day, owned by the timer.
func TestBackupTimerInvocation(t *testing.T) {
	fastTimerRetries(t)
	f, w, s, _ := backupFixture(t)
	seedGraph(t, s, "t1")
	now := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC) // any date: the claim runs on the test's clock
	h := backup.TimerHandler(f.b, f.deps.Logger, func() time.Time { return now })
	post := func(body []byte) resp {
		req, _ := http.NewRequest("POST", "/"+backup.FunctionBackupTimer, bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return resp{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	}
	r := post(timerPayload(t))
	var ir worker.InvocationResponse
	if err := json.Unmarshal(r.body, &ir); err != nil || r.code != 200 || len(ir.Logs) != 1 || !strings.Contains(ir.Logs[0], "queued") || ir.Outputs == nil {
		t.Fatalf("timer: %d %s", r.code, r.body)
	}
	if len(f.q.Messages) != 1 || f.q.Messages[0].Owner != backup.BackupTimerOwner || f.q.Messages[0].Type != backup.JobTypeBackup {
		t.Fatalf("queued %+v", f.q.Messages)
	}
	id := f.q.Messages[0].JobID
	runQueued(t, f, w)
	// The same day again (a late run, a second instance; the timer double-encoded): nothing new.
	var payload map[string]any
	_ = json.Unmarshal(timerPayload(t), &payload)
	tv, _ := json.Marshal(payload["Data"].(map[string]any)["timer"])
	payload["Data"] = map[string]any{"timer": string(tv)}
	again, _ := json.Marshal(payload)
	now = now.Add(20 * time.Minute) // the same UTC hour
	if r := post(again); r.code != 200 || !strings.Contains(string(r.body), "already exists") {
		t.Errorf("second run: %d %s", r.code, r.body)
	}
	if len(f.q.Messages) != 0 {
		t.Errorf("second run queued %+v", f.q.Messages)
	}
	j, err := f.b.Jobs.Get(context.Background(), backup.BackupTimerOwner, id)
	if err != nil || j.Status != jobs.Succeeded || !strings.Contains(string(j.Request), `"trigger":"timer"`) {
		t.Fatalf("timer job %+v %v", j, err)
	}
	// Admins see it; users do not.
	if r := f.do("GET", "/api/v1/jobs/"+id, f.keys["root"], ""); r.code != 200 {
		t.Errorf("admin GET timer job: %d", r.code)
	}
	if r := f.do("GET", "/api/v1/jobs/"+id, f.keys["alice"], ""); r.code != 404 {
		t.Errorf("user GET timer job: %d", r.code)
	}
	// The next day: a new job.
	now = now.Add(5 * time.Hour)
	if r := post(timerPayload(t)); r.code != 200 || len(f.q.Messages) != 1 || f.q.Messages[0].JobID == id {
		t.Errorf("next day: %d %s %+v", r.code, r.body, f.q.Messages)
	}
	// Undecodable payloads are 400; a failing queue is 500 and frees the day.
	if r := post([]byte(`{"Data":{"timer":"{not json"}}`)); r.code != 400 {
		t.Errorf("bad payload: %d", r.code)
	}
	now = now.Add(48 * time.Hour)
	f.q.Err = fmt.Errorf("queue down")
	if r := post(timerPayload(t)); r.code != 500 {
		t.Errorf("queue down: %d %s", r.code, r.body)
	}
	f.q.Err = nil
	before := len(f.q.Messages)
	if r := post(timerPayload(t)); r.code != 200 || len(f.q.Messages) != before+1 {
		t.Errorf("after the queue came back: %d %s", r.code, r.body)
	}
}

// The whole service path on Azurite: NewApp (Table, Queue, Blob) with an embedded graph, the
// timer invocation through NewFunctionsHandler, the jobs worker, the backup blob in
// <prefix>-backups, the admin API listing it, and a restore into an empty store.
func TestBackupServiceOnAzurite(t *testing.T) {
	conn := testenv.RequireAzurite(t)
	ctx := t.Context()
	s := openBolt(t)
	wantStats, wantExport := seedGraph(t, s, tenant)
	key, entry, err := auth.NewKey("dev", "ops", auth.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	prefix := "k" + hex.EncodeToString(randBytes(5))
	cfg := &config.Config{Storage: conn, StoragePrefix: prefix, APIKeys: entry.String(), Environment: "dev",
		APIRateLimit: "0", APIRateBurst: "1", BackupRetention: "14"}
	app, err := NewApp(ctx, AppOptions{Config: cfg, Graph: s})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Azure.DropAll(context.Background()) })
	fh := NewFunctionsHandler(app.API, app.Worker, nil)
	rec := httptest.NewRecorder()
	req, _ := http.NewRequest("POST", "/"+backup.FunctionBackupTimer, bytes.NewReader(timerPayload(t)))
	fh.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("timer: %d %s", rec.Code, rec.Body)
	}
	// Play the jobs queue the way the host does.
	q := app.Azure.QueueClient(app.Azure.Names.JobsQueue())
	got, err := q.DequeueMessage(ctx, nil)
	if err != nil || len(got.Messages) != 1 {
		t.Fatalf("dequeue: %v %+v", err, got)
	}
	m, err := jobs.DecodeMessage(*got.Messages[0].MessageText)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Worker.Process(ctx, m, 1); err != nil {
		t.Fatal(err)
	}
	j, err := app.Azure.Backend.Jobs.Get(ctx, backup.BackupTimerOwner, m.JobID)
	if err != nil || j.Status != jobs.Succeeded {
		t.Fatalf("job %+v %v", j, err)
	}

	c := func(method, path string) (int, []byte) {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		rec := httptest.NewRecorder()
		app.API.ServeHTTP(rec, req)
		return rec.Code, rec.Body.Bytes()
	}
	code, body := c("GET", "/api/v1/admin/backups?tenant_id="+tenant)
	var list httpapi.BackupList
	if err := json.Unmarshal(body, &list); err != nil || code != 200 || len(list.Backups) != 1 {
		t.Fatalf("list: %d %s", code, body)
	}
	if list.Container != backup.BackupsContainer(prefix) || list.RetentionDays != 14 || list.Backups[0].Nodes != 9 || list.Backups[0].JobID != m.JobID {
		t.Errorf("list %s", body)
	}
	// The blob is where the runbook says.
	props, err := app.Azure.Blobs.ServiceClient().NewContainerClient(backup.BackupsContainer(prefix)).NewBlobClient(list.Backups[0].Name).GetProperties(ctx, nil)
	if err != nil || props.ContentType == nil || *props.ContentType != "application/gzip" {
		t.Fatalf("blob properties: %v %+v", err, props)
	}
	// The download redirects to a read-only SAS URL of the blob (the host buffers responses).
	req = httptest.NewRequest("GET", "/api/v1/admin/backups/"+list.Backups[0].Name, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	rec = httptest.NewRecorder()
	app.API.ServeHTTP(rec, req)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusFound || !strings.Contains(loc, "sig=") || !strings.Contains(loc, "sp=r") || rec.Header().Get("X-Content-SHA256") != list.Backups[0].SHA256 {
		t.Fatalf("download: %d %v", rec.Code, rec.Header())
	}
	resp, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	gz, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sum := sha256.Sum256(gz)
	if resp.StatusCode != 200 || int64(len(gz)) != list.Backups[0].Size || hex.EncodeToString(sum[:]) != list.Backups[0].SHA256 {
		t.Fatalf("download through the SAS URL: %d, %d bytes", resp.StatusCode, len(gz))
	}

	// Wipe and restore from the blob.
	if err := s.DeleteTenant(ctx, tenant); err != nil {
		t.Fatal(err)
	}
	if _, err := executors.Restore(ctx, s, app.Deps.Backups, list.Backups[0].Name, tenant, false); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(wantStats)
	if got := statsJSON(t, s, tenant); got != string(want) {
		t.Errorf("stats after restore %s, want %s", got, want)
	}
	if !bytes.Equal(exportOf(t, s, tenant), wantExport) {
		t.Errorf("export after restore differs")
	}
}

// testClockStart is the fixtures' injected clock: a date far from the day the tests were
// written, so nothing can depend on the wall clock agreeing with it.
var testClockStart = time.Date(2027, 12, 7, 23, 59, 0, 0, time.UTC)

// clockCases are the dates every time-dependent decision is checked at: a year ahead, the
// minutes around a UTC midnight, and the days of a DST change (a zone with DST, so the local
// and UTC days differ).
func clockCases(t *testing.T) map[string]time.Time {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600) // no tzdata: still a non-UTC zone
	}
	return map[string]time.Time{
		"year-ahead":          time.Now().AddDate(1, 0, 0),
		"before-utc-midnight": time.Date(2027, 12, 31, 23, 58, 0, 0, time.UTC),
		"after-utc-midnight":  time.Date(2028, 1, 1, 0, 1, 0, 0, time.UTC),
		"dst-spring-forward":  time.Date(2027, 3, 14, 3, 30, 0, 0, ny),
		"dst-fall-back":       time.Date(2027, 11, 7, 1, 30, 0, 0, ny),
		"leap-day":            time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC),
	}
}

// RunDailyBackups catches up at start when today's time has passed, once per day, on any
// date of its (injected) clock.
func TestRunDailyBackupsCatchesUp(t *testing.T) {
	for name, now := range clockCases(t) {
		t.Run(name, func(t *testing.T) {
			b, q := jobs.NewMemoryBackend()
			clock := func() time.Time { return now }
			u := now.UTC()
			midnight := time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
			run := func(at time.Duration) []jobs.Message {
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { backup.RunDailyBackups(ctx, b, at, clock, nil); close(done) }()
				var got []jobs.Message
				deadline := time.Now().Add(2 * time.Second)
				for time.Now().Before(deadline) && len(got) == 0 {
					time.Sleep(10 * time.Millisecond)
					got = append(got, q.Drain()...)
				}
				cancel()
				<-done
				return append(got, q.Drain()...)
			}
			// Today's time not reached yet: nothing at start.
			if after := u.Sub(midnight) + time.Minute; after < 24*time.Hour {
				if got := run(after); len(got) != 0 {
					t.Fatalf("queued before today's time: %+v", got)
				}
			}
			at := u.Sub(midnight).Truncate(time.Minute) // passed (this minute)
			got := run(at)
			if len(got) != 1 || got[0].Owner != backup.BackupTimerOwner {
				t.Fatalf("queued %+v", got)
			}
			// A second instance (or a restart) the same UTC day queues nothing more.
			if more := run(at); len(more) != 0 {
				t.Errorf("second instance queued %+v", more)
			}
		})
	}
}

// The backup claim is keyed by the UTC hour of the run and ends with that hour: a run 14
// minutes later in the same UTC hour finds it (later still, a job never attempted counts as
// lost and is queued again: TestBackupTimerRequeuesLostMessage), a run in the next hour does not, and neither
// depends on the wall clock.
func TestBackupClaimFollowsTheUTCHour(t *testing.T) {
	for name, now := range clockCases(t) {
		t.Run(name, func(t *testing.T) {
			b, q := jobs.NewMemoryBackend()
			first := now.UTC().Truncate(time.Hour).Add(30 * time.Second)
			j1, created, err := backup.QueueDailyBackup(context.Background(), b, first)
			if err != nil || !created {
				t.Fatalf("first run: %v %v", created, err)
			}
			j2, created, err := backup.QueueDailyBackup(context.Background(), b, first.Add(14*time.Minute))
			if err != nil || created || j2.ID != j1.ID {
				t.Fatalf("same UTC hour: created=%v id=%s/%s %v", created, j2.ID, j1.ID, err)
			}
			j3, created, err := backup.QueueDailyBackup(context.Background(), b, first.Add(time.Hour))
			if err != nil || !created || j3.ID == j1.ID {
				t.Fatalf("next UTC hour: created=%v %v", created, err)
			}
			if n := len(q.Drain()); n != 2 {
				t.Errorf("queued %d messages, want 2", n)
			}
		})
	}
}
