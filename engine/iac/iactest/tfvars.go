package iactest

import (
	"context"
	"strconv"
	"strings"

	"github.com/atg-go/atg/engine/graph"
	"github.com/atg-go/atg/engine/iac/model"
)

// PlanVars gives every input variable of m a value for a plan against the source: SSH public
// keys (not secrets, but inputs) are the source VM's own keys, read from the graph; secrets get a
// placeholder (the source's value is never copied, so those attributes differ by design); inputs
// with a default keep it.
func PlanVars(ctx context.Context, st graph.Store, tenantID string, m *model.Model) map[string]string {
	out := map[string]string{}
	idx := m.Index()
	for _, v := range m.Variables {
		if v.Default != nil {
			continue
		}
		out[v.Name] = "placeholder-Value-1"
		if v.Kind != model.VarPublicKey {
			continue
		}
		key, nth := sshVarOwner(v.Name)
		r := idx[key]
		if r == nil {
			continue
		}
		n, err := st.GetNode(ctx, tenantID, r.ID)
		if err != nil {
			continue
		}
		props, _ := n.Props["properties"].(map[string]any)
		keys := dig(props, "osProfile", "linuxConfiguration", "ssh", "publicKeys")
		if ks, ok := keys.([]any); ok && nth < len(ks) {
			if km, ok := ks[nth].(map[string]any); ok {
				if kd, ok := km["keyData"].(string); ok {
					out[v.Name] = kd
				}
			}
		}
	}
	return out
}

// sshVarOwner splits "<key>_ssh_public_key[_N]" (engine/iac/model) into the resource key and the
// key's index.
func sshVarOwner(name string) (string, int) {
	i := strings.LastIndex(name, "_ssh_public_key")
	if i < 0 {
		return "", 0
	}
	rest := strings.TrimPrefix(name[i+len("_ssh_public_key"):], "_")
	if rest == "" {
		return name[:i], 0
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 2 {
		return "", 0
	}
	return name[:i], n - 1
}

func dig(v any, path ...string) any {
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}
