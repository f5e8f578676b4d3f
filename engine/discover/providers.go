package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// ProvidersAPIVersion is the api-version of the providers list.
const ProvidersAPIVersion = "2021-04-01"

// TypeInfo is what the providers API says about one resource type.
type TypeInfo struct {
	Display    string // original casing, e.g. Microsoft.Network/virtualNetworks
	APIVersion string // newest stable (newest preview when no stable exists)
}

type providerCache struct {
	once  sync.Once
	err   error
	types map[string]TypeInfo // lower-cased type -> info
}

// stable reports whether an api-version is a stable (non-preview) version.
func stable(v string) bool {
	v = strings.ToLower(v)
	return !strings.Contains(v, "preview") && !strings.Contains(v, "beta") && !strings.Contains(v, "alpha")
}

// newestStable picks the newest stable api-version, else the newest of any kind.
func newestStable(versions []string) string {
	vs := slices.Clone(versions)
	slices.Sort(vs) // yyyy-mm-dd[-suffix] sort by date
	for i := len(vs) - 1; i >= 0; i-- {
		if stable(vs[i]) {
			return vs[i]
		}
	}
	if len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

// Types returns the resource types and their newest stable api-versions, read from the providers
// API of subscriptionID. Api-versions do not differ between subscriptions, so the answer is cached
// for the Discoverer's life: one providers call per process (retried on the next call if it failed).
func (d *Discoverer) Types(ctx context.Context, subscriptionID string) (map[string]TypeInfo, error) {
	const key = "*"
	d.provMu.Lock()
	pc := d.providers[key]
	if pc == nil {
		pc = &providerCache{}
		d.providers[key] = pc
	}
	d.provMu.Unlock()
	pc.once.Do(func() {
		types := map[string]TypeInfo{}
		err := d.Azure.ListARM(ctx, "/subscriptions/"+subscriptionID+"/providers", ProvidersAPIVersion, nil, func(raw json.RawMessage) error {
			var p struct {
				Namespace     string `json:"namespace"`
				ResourceTypes []struct {
					ResourceType string   `json:"resourceType"`
					APIVersions  []string `json:"apiVersions"`
				} `json:"resourceTypes"`
			}
			if err := json.Unmarshal(raw, &p); err != nil {
				return fmt.Errorf("decoding provider: %w", err)
			}
			for _, rt := range p.ResourceTypes {
				full := p.Namespace + "/" + rt.ResourceType
				types[strings.ToLower(full)] = TypeInfo{Display: full, APIVersion: newestStable(rt.APIVersions)}
			}
			return nil
		})
		if err != nil {
			pc.err = fmt.Errorf("listing resource providers of subscription %s: %w", subscriptionID, err)
			return
		}
		pc.types = types
	})
	if pc.err != nil {
		// do not cache a failure forever: the next caller retries.
		d.provMu.Lock()
		if d.providers[key] == pc {
			delete(d.providers, key)
		}
		d.provMu.Unlock()
	}
	return pc.types, pc.err
}

// typeInfo looks a type up, falling back to the given default api-version and display name.
func typeInfo(types map[string]TypeInfo, typ, fallbackVersion string) TypeInfo {
	if ti, ok := types[strings.ToLower(typ)]; ok && ti.APIVersion != "" {
		return ti
	}
	return TypeInfo{Display: typ, APIVersion: fallbackVersion}
}
