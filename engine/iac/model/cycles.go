package model

import (
	"sort"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/jsonpath"
)

// Dependency cycles. ARM returns read-only back-references next to the writable forward ones:
// a virtual WAN lists its VPN sites while each site names its WAN, a VPN server configuration
// lists the point-to-site gateways that use it, a parent points at its own child. Taken as
// references they make cycles no deployment tool accepts. The known ones are removed by the
// cleaner (readOnlyByType, readOnlyTopLevel); BreakCycles removes whatever cycle remains, one
// reference at a time, preferring the edge that is most likely a back-reference, and records
// each removal in Model.Dropped with the cycle it broke. The model is therefore always acyclic.

// cycleReasonPrefix starts the Dropped reason of a reference removed to break a cycle.
const cycleReasonPrefix = "reference would make a dependency cycle"

// cut marks a value removed by BreakCycles (compacted away afterwards).
type cut struct{}

// BreakCycles removes references until the dependency graph (parents, scopes, references) has
// no cycle, recording each removal in m.Dropped. It reports how many references it removed.
// Parent and scope edges are never removed: a cycle always contains a reference edge, because
// parents and scopes form a tree.
func BreakCycles(m *Model) int {
	idx := m.Index()
	removed := 0
	for range len(m.Resources) + 1 {
		sccs := cyclicComponents(m, idx)
		if len(sccs) == 0 {
			break
		}
		progress := false
		for _, scc := range sccs {
			from, to, ok := chooseCut(scc, idx)
			if !ok {
				continue
			}
			removed += cutReferences(m, idx[from], idx[to], cyclePath(from, to, scc, idx))
			progress = true
		}
		if !progress {
			break
		}
	}
	if removed > 0 {
		sort.SliceStable(m.Dropped, func(i, j int) bool {
			if m.Dropped[i].Key != m.Dropped[j].Key {
				return m.Dropped[i].Key < m.Dropped[j].Key
			}
			return m.Dropped[i].Path < m.Dropped[j].Path
		})
	}
	return removed
}

// cyclicComponents returns the strongly connected components with more than one resource
// (Tarjan), each sorted, in a stable order.
func cyclicComponents(m *Model, idx map[string]*Resource) [][]string {
	index := map[string]int{}
	low := map[string]int{}
	on := map[string]bool{}
	var stack []string
	var out [][]string
	n := 0
	var strong func(k string)
	strong = func(k string) {
		index[k], low[k] = n, n
		n++
		stack = append(stack, k)
		on[k] = true
		for _, d := range idx[k].DependsOn {
			if idx[d] == nil {
				continue
			}
			if _, seen := index[d]; !seen {
				strong(d)
				low[k] = min(low[k], low[d])
			} else if on[d] {
				low[k] = min(low[k], index[d])
			}
		}
		if low[k] == index[k] {
			var comp []string
			for {
				x := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[x] = false
				comp = append(comp, x)
				if x == k {
					break
				}
			}
			if len(comp) > 1 {
				sort.Strings(comp)
				out = append(out, comp)
			}
		}
	}
	for _, r := range m.Resources {
		if _, seen := index[r.Key]; !seen {
			strong(r.Key)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// chooseCut picks the reference edge of a cyclic component to remove: lowest rank first (see
// edgeRank), then by keys for determinism.
func chooseCut(scc []string, idx map[string]*Resource) (string, string, bool) {
	in := map[string]bool{}
	for _, k := range scc {
		in[k] = true
	}
	best, bestFrom, bestTo := 1<<30, "", ""
	for _, k := range scc {
		r := idx[k]
		for _, ref := range r.References {
			if !in[ref.TargetKey] || ref.TargetKey == k || !strings.HasPrefix(ref.Path, "properties") {
				continue
			}
			rank := edgeRank(r, idx[ref.TargetKey], ref.Path, idx)
			if rank < best || (rank == best && (k < bestFrom || (k == bestFrom && ref.TargetKey < bestTo))) {
				best, bestFrom, bestTo = rank, k, ref.TargetKey
			}
		}
	}
	return bestFrom, bestTo, bestFrom != ""
}

// edgeRank: 0 a resource pointing at its own descendant (it cannot exist before its parent);
// 1 a list named after the target's type or ending in "connections" (a parent listing what is
// attached to it); 2 any other list; 3 a single-valued reference (most likely writable).
func edgeRank(from, to *Resource, path string, idx map[string]*Resource) int {
	for p := to.Parent; p != ""; {
		if p == from.Key {
			return 0
		}
		pr := idx[p]
		if pr == nil {
			break
		}
		p = pr.Parent
	}
	ts := to.TypeSegments()
	last := ""
	if len(ts) > 0 {
		last = strings.ToLower(ts[len(ts)-1])
	}
	lp := strings.ToLower(path)
	list := false
	for _, seg := range strings.Split(lp, ".") {
		i := strings.IndexByte(seg, '[')
		if i < 0 {
			continue
		}
		list = true
		if key := seg[:i]; key == last || strings.HasSuffix(key, "connections") {
			return 1
		}
	}
	if list {
		return 2
	}
	return 3
}

// cyclePath renders one cycle through the edge from -> to within the component.
func cyclePath(from, to string, scc []string, idx map[string]*Resource) string {
	in := map[string]bool{}
	for _, k := range scc {
		in[k] = true
	}
	prev := map[string]string{to: ""}
	queue := []string{to}
	for len(queue) > 0 && prev[from] == "" {
		k := queue[0]
		queue = queue[1:]
		for _, d := range idx[k].DependsOn {
			if _, seen := prev[d]; seen || !in[d] {
				continue
			}
			prev[d] = k
			queue = append(queue, d)
		}
	}
	chain := []string{from}
	for k := from; k != to && k != ""; k = prev[k] {
		chain = append(chain, prev[k])
	}
	// chain is from, …, to reversed: from <- … <- to; print from -> to -> … -> from
	out := []string{from, to}
	for i := len(chain) - 2; i >= 1; i-- {
		if chain[i] != to {
			out = append(out, chain[i])
		}
	}
	return strings.Join(append(out, from), " -> ")
}

// cutReferences removes every reference of from to to from from's body and recomputes its
// references and dependencies.
func cutReferences(m *Model, from, to *Resource, cycle string) int {
	n := 0
	for _, ref := range from.References {
		if ref.TargetKey != to.Key || !strings.HasPrefix(ref.Path, "properties") {
			continue
		}
		if steps, ok := jsonpath.Parse(strings.TrimPrefix(strings.TrimPrefix(ref.Path, "properties"), ".")); ok && markCut(from.Body, steps) {
			n++
			m.Dropped = append(m.Dropped, Dropped{Key: from.Key, Path: ref.Path,
				Reason: cycleReasonPrefix + " (" + cycle + "); the reference to " + to.Type + " " + to.Name + " is left out"})
		}
	}
	from.Body, _ = compact(from.Body).(map[string]any)
	if from.Body == nil {
		from.Body = map[string]any{}
	}
	refreshReferences(from, m)
	return n
}

// markCut replaces the value at path by cut{}: the innermost list element holding it, or, with
// no list on the way, the outermost object whose only content leads to it ({"id": ref}).
func markCut(body map[string]any, path []jsonpath.Step) bool {
	if len(path) == 0 {
		return false
	}
	// containers along the path
	type hop struct {
		container any
		step      jsonpath.Step
	}
	var hops []hop
	var cur any = body
	for _, st := range path {
		hops = append(hops, hop{cur, st})
		switch c := cur.(type) {
		case map[string]any:
			if st.Index >= 0 {
				return false
			}
			cur = c[st.Key]
		case []any:
			if st.Index < 0 || st.Index >= len(c) {
				return false
			}
			cur = c[st.Index]
		default:
			return false
		}
	}
	if _, ok := cur.(Ref); !ok {
		return false
	}
	// innermost list element
	for i := len(hops) - 1; i >= 0; i-- {
		if l, ok := hops[i].container.([]any); ok {
			l[hops[i].step.Index] = cut{}
			return true
		}
	}
	// no list: walk up while the object holds only the path to the reference
	i := len(hops) - 1
	for i > 0 {
		if mm, ok := hops[i].container.(map[string]any); ok && len(mm) == 1 {
			i--
			continue
		}
		break
	}
	if mm, ok := hops[i].container.(map[string]any); ok {
		mm[hops[i].step.Key] = cut{}
		return true
	}
	return false
}

// compact removes cut values: list elements, map entries, and lists emptied by the removal.
func compact(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			if _, ok := x.(cut); ok {
				delete(t, k)
				continue
			}
			y := compact(x)
			if l, ok := y.([]any); ok && len(l) == 0 {
				if ol, ok := x.([]any); ok && len(ol) > 0 {
					delete(t, k) // emptied by the cut
					continue
				}
			}
			t[k] = y
		}
		return t
	case []any:
		out := make([]any, 0, len(t))
		for _, x := range t {
			if _, ok := x.(cut); ok {
				continue
			}
			out = append(out, compact(x))
		}
		return out
	default:
		return v
	}
}

// refreshReferences rebuilds r's body references (paths may have shifted) and dependencies.
func refreshReferences(r *Resource, m *Model) {
	vars := map[string]bool{}
	var keep []Reference
	for _, ref := range r.References {
		if ref.Variable != "" {
			vars[ref.Variable] = true
		}
		if !strings.HasPrefix(ref.Path, "properties") {
			keep = append(keep, ref)
		}
	}
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch t := v.(type) {
		case Ref:
			keep = append(keep, Reference{Path: path, TargetKey: t.Target})
		case Var:
			if vars[t.Name] {
				keep = append(keep, Reference{Path: path, Variable: t.Name})
			}
		case map[string]any:
			for k, x := range t {
				walk(x, path+"."+k)
			}
		case []any:
			for i, x := range t {
				walk(x, path+"["+strconv.Itoa(i)+"]")
			}
		}
	}
	walk(r.Body, "properties")
	sort.Slice(keep, func(i, j int) bool { return keep[i].Path < keep[j].Path })
	r.References = keep
	idx := m.Index()
	deps := map[string]bool{}
	if r.Parent != "" {
		deps[r.Parent] = true
	}
	if ref, ok := r.Scope.(Ref); ok {
		deps[ref.Target] = true
	}
	for _, ref := range r.References {
		if ref.TargetKey != "" {
			deps[ref.TargetKey] = true
		}
	}
	delete(deps, r.Key)
	for k := range deps {
		if t := idx[k]; t == nil || t.IsResourceGroup() {
			delete(deps, k)
		}
	}
	r.DependsOn = nil
	if len(deps) > 0 {
		r.DependsOn = sortedKeys(deps)
	}
}

// IsCycleBreak reports whether d records a reference removed by BreakCycles.
func IsCycleBreak(d Dropped) bool { return strings.HasPrefix(d.Reason, cycleReasonPrefix) }

// FindCycle returns one dependency cycle (keys, first = last) over parents, scopes and every
// Ref in bodies, scopes and identities, or nil when there is none. Tests use it as the
// independent check of BreakCycles.
func FindCycle(m *Model) []string {
	idx := m.Index()
	deps := make(map[string][]string, len(m.Resources))
	for _, r := range m.Resources {
		set := map[string]bool{}
		if r.Parent != "" {
			set[r.Parent] = true
		}
		var walk func(v any)
		walk = func(v any) {
			switch t := v.(type) {
			case Ref:
				set[t.Target] = true
			case map[string]any:
				for _, x := range t {
					walk(x)
				}
			case []any:
				for _, x := range t {
					walk(x)
				}
			}
		}
		walk(r.Body)
		walk(r.Scope)
		if r.Identity != nil {
			for _, u := range r.Identity.UserAssigned {
				walk(u)
			}
		}
		delete(set, r.Key)
		for k := range set {
			if t := idx[k]; t == nil || t.IsResourceGroup() {
				delete(set, k)
			}
		}
		deps[r.Key] = sortedKeys(set)
	}
	state := map[string]int{}
	var found []string
	var visit func(k string, stack []string) bool
	visit = func(k string, stack []string) bool {
		switch state[k] {
		case 1:
			for i, s := range stack {
				if s == k {
					found = append(append([]string(nil), stack[i:]...), k)
				}
			}
			return true
		case 2:
			return false
		}
		state[k] = 1
		for _, d := range deps[k] {
			if visit(d, append(stack, k)) {
				return true
			}
		}
		state[k] = 2
		return false
	}
	for _, r := range m.Resources {
		if visit(r.Key, nil) {
			return found
		}
	}
	return nil
}
