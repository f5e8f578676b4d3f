//go:build linux

package boltstore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/graph/graphtest"
)

// mappedRSS is the resident size (bytes) of this process's mappings of path (/proc/self/smaps).
func mappedRSS(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var total int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = len(fields) >= 6 && fields[len(fields)-1] == path
			continue
		}
		if in && len(fields) >= 2 && fields[0] == "Rss:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			total += kb << 10
		}
	}
	return total
}

// TestStreamingKeepsFilePagesOut: streaming every node and edge of a tenant (and writing it)
// leaves few of the file's pages resident in the process: reads and writes release the mapped
// pages they touched (releaseMapped), so a scan's RSS does not grow with the file.
func TestStreamingKeepsFilePagesOut(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var nodes []graph.Node
	var edges []graph.Edge
	for i := range 3000 {
		n := graphtest.Resource("00000000-0000-0000-0000-000000000001", "rg", "Microsoft.Network/networkInterfaces", fmt.Sprintf("nic-%05d", i))
		n.Props["properties"] = map[string]any{"blob": strings.Repeat(fmt.Sprintf("%05d", i), 400)}
		nodes = append(nodes, n)
		if i > 0 {
			edges = append(edges, graphtest.E(graph.EdgeReferences, nodes[i-1], n))
		}
	}
	if err := s.UpsertNodes(ctx, "t1", "scan-1", nodes); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertEdges(ctx, "t1", "scan-1", edges); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	if err := s.Nodes(ctx, "t1", graph.NodeQuery{}, func(graph.Node) error { seen++; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := s.Edges(ctx, "t1", graph.EdgeQuery{}, func(graph.Edge) error { seen++; return nil }); err != nil {
		t.Fatal(err)
	}
	if seen != len(nodes)+len(edges) {
		t.Fatalf("streamed %d, want %d", seen, len(nodes)+len(edges))
	}
	rss := mappedRSS(t, s.Path())
	t.Logf("file %d KiB, resident %d KiB", st.Size()>>10, rss>>10)
	if st.Size() < 4<<20 {
		t.Fatalf("file only %d bytes: the test needs a file of several MB", st.Size())
	}
	if rss > st.Size()/4 {
		t.Errorf("%d KiB of the %d KiB file stay resident after streaming it", rss>>10, st.Size()>>10)
	}
}
