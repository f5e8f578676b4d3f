package testenv_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azqueue"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/atg-go/atg/internal/testenv"
)

// unique returns a random lower-case name with the given prefix (valid for queues, tables
// after stripping dashes, containers and Neo4j properties).
func unique(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + hex.EncodeToString(b)
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestNeo4jBolt(t *testing.T) {
	uri, user, password := testenv.RequireNeo4j(t)
	ctx := testContext(t)

	driver, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, ""))
	if err != nil {
		t.Fatalf("new driver: %v", err)
	}
	t.Cleanup(func() { driver.Close(context.Background()) }) // after the node's cleanup below
	if err := driver.VerifyConnectivity(ctx); err != nil {
		t.Fatalf("verify connectivity to %s as %s: %v", uri, user, err)
	}

	id := unique(t, "atg-testenv-")
	res, err := neo4j.ExecuteQuery(ctx, driver,
		"CREATE (n:AtgTestenvProbe {id: $id, createdAt: datetime()}) RETURN n.id AS id",
		map[string]any{"id": id}, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("create node: %v", err)
	}
	if got := res.Summary.Counters().NodesCreated(); got != 1 {
		t.Fatalf("nodes created = %d, want 1", got)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := neo4j.ExecuteQuery(ctx, driver, "MATCH (n:AtgTestenvProbe {id: $id}) DELETE n",
			map[string]any{"id": id}, neo4j.EagerResultTransformer); err != nil {
			t.Errorf("delete node: %v", err)
		}
	})

	res, err = neo4j.ExecuteQuery(ctx, driver,
		"MATCH (n:AtgTestenvProbe {id: $id}) RETURN n.id AS id, count(*) AS c",
		map[string]any{"id": id}, neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
	if err != nil {
		t.Fatalf("read node: %v", err)
	}
	if len(res.Records) != 1 {
		t.Fatalf("read back %d records, want 1", len(res.Records))
	}
	got, _, err := neo4j.GetRecordValue[string](res.Records[0], "id")
	if err != nil || got != id {
		t.Fatalf("read back id %q (err %v), want %q", got, err, id)
	}

	// Wrong credentials must be refused: authentication is on.
	bad, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password+"-wrong", ""))
	if err != nil {
		t.Fatalf("new driver: %v", err)
	}
	defer bad.Close(ctx)
	if err := bad.VerifyConnectivity(ctx); err == nil {
		t.Fatalf("connecting with a wrong password succeeded; authentication must be enabled")
	}
}

func TestAzuriteQueue(t *testing.T) {
	conn := testenv.RequireAzurite(t)
	ctx := testContext(t)

	svc, err := azqueue.NewServiceClientFromConnectionString(conn, nil)
	if err != nil {
		t.Fatalf("queue service client: %v", err)
	}
	name := unique(t, "atg-testenv-")
	if _, err := svc.CreateQueue(ctx, name, nil); err != nil {
		t.Fatalf("create queue %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := svc.DeleteQueue(context.Background(), name, nil); err != nil {
			t.Errorf("delete queue: %v", err)
		}
	})
	q := svc.NewQueueClient(name)
	msg := `{"job":"` + name + `"}`
	if _, err := q.EnqueueMessage(ctx, msg, nil); err != nil {
		t.Fatalf("enqueue: %v", err)
	}
	got, err := q.DequeueMessage(ctx, nil)
	if err != nil {
		t.Fatalf("dequeue: %v", err)
	}
	if len(got.Messages) != 1 || got.Messages[0].MessageText == nil || *got.Messages[0].MessageText != msg {
		t.Fatalf("dequeued %+v, want one message %q", got.Messages, msg)
	}
	m := got.Messages[0]
	if _, err := q.DeleteMessage(ctx, *m.MessageID, *m.PopReceipt, nil); err != nil {
		t.Fatalf("delete message: %v", err)
	}
}

func TestAzuriteTable(t *testing.T) {
	conn := testenv.RequireAzurite(t)
	ctx := testContext(t)

	svc, err := aztables.NewServiceClientFromConnectionString(conn, nil)
	if err != nil {
		t.Fatalf("table service client: %v", err)
	}
	name := strings.ReplaceAll(unique(t, "atgtestenv"), "-", "")
	if _, err := svc.CreateTable(ctx, name, nil); err != nil {
		t.Fatalf("create table %s: %v", name, err)
	}
	t.Cleanup(func() {
		if _, err := svc.DeleteTable(context.Background(), name, nil); err != nil {
			t.Errorf("delete table: %v", err)
		}
	})
	tc := svc.NewClient(name)

	entity := aztables.EDMEntity{
		Entity:     aztables.Entity{PartitionKey: "jobs", RowKey: "job-1"},
		Properties: map[string]any{"Status": "queued"},
	}
	body, err := entity.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tc.UpsertEntity(ctx, body, nil); err != nil {
		t.Fatalf("upsert: %v", err)
	}
	got, err := tc.GetEntity(ctx, "jobs", "job-1", nil)
	if err != nil {
		t.Fatalf("get entity: %v", err)
	}
	var back aztables.EDMEntity
	if err := back.UnmarshalJSON(got.Value); err != nil {
		t.Fatalf("decode entity: %v", err)
	}
	if back.Properties["Status"] != "queued" {
		t.Fatalf("Status = %v, want queued", back.Properties["Status"])
	}
	staleETag := got.ETag

	// A write with the current ETag succeeds and changes the ETag ...
	entity.Properties["Status"] = "running"
	body, _ = entity.MarshalJSON()
	if _, err := tc.UpdateEntity(ctx, body, &aztables.UpdateEntityOptions{IfMatch: &staleETag, UpdateMode: aztables.UpdateModeReplace}); err != nil {
		t.Fatalf("update with current ETag: %v", err)
	}
	// ... so a second write with the old ETag is refused with 412.
	entity.Properties["Status"] = "lost-update"
	body, _ = entity.MarshalJSON()
	_, err = tc.UpdateEntity(ctx, body, &aztables.UpdateEntityOptions{IfMatch: &staleETag, UpdateMode: aztables.UpdateModeReplace})
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("update with stale ETag: err = %v, want HTTP 412", err)
	}
}

func TestAzuriteBlob(t *testing.T) {
	conn := testenv.RequireAzurite(t)
	ctx := testContext(t)

	c, err := azblob.NewClientFromConnectionString(conn, nil)
	if err != nil {
		t.Fatalf("blob client: %v", err)
	}
	container := unique(t, "atg-testenv-")
	if _, err := c.CreateContainer(ctx, container, nil); err != nil {
		t.Fatalf("create container %s: %v", container, err)
	}
	t.Cleanup(func() {
		if _, err := c.DeleteContainer(context.Background(), container, nil); err != nil {
			t.Errorf("delete container: %v", err)
		}
	})
	want := make([]byte, 3<<20+17) // above one block, odd size
	if _, err := rand.Read(want); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadBuffer(ctx, container, "spec/tenant.json", want, nil); err != nil {
		t.Fatalf("upload: %v", err)
	}
	resp, err := c.DownloadStream(ctx, container, "spec/tenant.json", nil)
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	var got bytes.Buffer
	body := resp.NewRetryReader(ctx, nil)
	defer body.Close()
	if _, err := got.ReadFrom(body); err != nil {
		t.Fatalf("read download: %v", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("downloaded %d bytes differ from the %d uploaded", got.Len(), len(want))
	}
}
