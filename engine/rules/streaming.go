package rules

import "github.com/atg-go/atg/engine/graph"

// Streaming is ApplyAll over a node stream too large to hold at once: Add applies the rules
// to one chunk of nodes (each resolved against the complete index idx, which must already
// hold every node of the stream), Result merges what all chunks derived. The result equals
// ApplyAll over the concatenated chunks; only the derived edges and shared nodes are kept,
// never the nodes themselves.
//
// The derived edges are the bulk of what a large stream keeps (1.6M for a 100k-resource
// tenant with a 50k-user directory), so they are kept packed until Result: the tenant, type
// and labels as indexes into a small table of names, in fixed-size blocks rather than one
// slice that doubles (and copies) as it grows. A packed edge is 64 bytes beside the 136 of a
// graph.Edge.
type Streaming struct {
	idx    Index
	blocks [][]packedEdge
	n      int
	names  []string
	nameAt map[string]uint32
	shared []graph.Node
}

// packedEdge is a graph.Edge with its tenant, type and labels interned.
type packedEdge struct {
	from, to            string
	props               map[string]any
	seen                *[2]string // first and last seen, when set (rules set neither)
	tenant, typ, fl, tl uint32
}

// streamBlock is how many packed edges a block holds (2 MiB).
const streamBlock = 32 << 10

// NewStreaming starts a streaming application over idx.
func NewStreaming(idx Index) *Streaming { return &Streaming{idx: idx, nameAt: map[string]uint32{}} }

func (s *Streaming) intern(name string) uint32 {
	if i, ok := s.nameAt[name]; ok {
		return i
	}
	i := uint32(len(s.names))
	s.names = append(s.names, name)
	s.nameAt[name] = i
	return i
}

// Add applies the rules to a chunk of nodes; the caller may reuse the slice afterwards.
func (s *Streaming) Add(nodes []graph.Node) {
	r := ApplyAll(nodes, s.idx) // deduplicated within the chunk: less to keep
	for _, e := range r.Edges {
		if len(s.blocks) == 0 || len(s.blocks[len(s.blocks)-1]) == streamBlock {
			s.blocks = append(s.blocks, make([]packedEdge, 0, streamBlock))
		}
		p := packedEdge{from: e.From, to: e.To, props: e.Props, tenant: s.intern(e.TenantID), typ: s.intern(string(e.Type)),
			fl: s.intern(string(e.FromLabel)), tl: s.intern(string(e.ToLabel))}
		if e.FirstSeen != "" || e.LastSeen != "" {
			p.seen = &[2]string{e.FirstSeen, e.LastSeen}
		}
		b := &s.blocks[len(s.blocks)-1]
		*b = append(*b, p)
		s.n++
	}
	s.shared = append(s.shared, r.Nodes...)
}

// Result merges every chunk's edges and shared nodes as ApplyAll would. Each block is
// released as soon as it is unpacked.
func (s *Streaming) Result() Result {
	all := make([]graph.Edge, 0, s.n)
	for i, b := range s.blocks {
		for _, p := range b {
			e := graph.Edge{Type: graph.EdgeType(s.names[p.typ]), FromLabel: graph.Label(s.names[p.fl]), From: p.from,
				ToLabel: graph.Label(s.names[p.tl]), To: p.to, TenantID: s.names[p.tenant], Props: p.props}
			if p.seen != nil {
				e.FirstSeen, e.LastSeen = p.seen[0], p.seen[1]
			}
			all = append(all, e)
		}
		s.blocks[i] = nil
	}
	r := Merge(all, s.shared)
	s.blocks, s.n, s.shared = nil, 0, nil
	return r
}
