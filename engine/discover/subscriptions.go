package discover

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions/v2"
)

// Subscription is one subscription of the tenant.
type Subscription struct {
	ID             string `json:"id"`
	SubscriptionID string `json:"subscription_id"`
	DisplayName    string `json:"display_name"`
	State          string `json:"state"`
	TenantID       string `json:"tenant_id"`
}

// Subscriptions lists the subscriptions visible to the credential that belong to tenantID,
// optionally only those in filter (GUIDs, case-insensitive). A filter entry that matches nothing
// is an error: the user asked for something that is not there.
func (d *Discoverer) Subscriptions(ctx context.Context, tenantID string, filter []string) ([]Subscription, error) {
	client, err := armsubscriptions.NewClient(d.Azure.Credential, d.Azure.ARMOptions())
	if err != nil {
		return nil, fmt.Errorf("creating subscriptions client: %w", err)
	}
	want := map[string]bool{}
	for _, f := range filter {
		want[strings.ToLower(strings.TrimPrefix(strings.TrimSpace(f), "/subscriptions/"))] = true
	}
	var out []Subscription
	pager := client.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("listing subscriptions: %w", err)
		}
		for _, s := range page.Value {
			if s == nil || s.SubscriptionID == nil {
				continue
			}
			sub := Subscription{SubscriptionID: strings.ToLower(*s.SubscriptionID)}
			if s.ID != nil {
				sub.ID = *s.ID
			} else {
				sub.ID = "/subscriptions/" + sub.SubscriptionID
			}
			if s.DisplayName != nil {
				sub.DisplayName = *s.DisplayName
			}
			if s.State != nil {
				sub.State = string(*s.State)
			}
			if s.TenantID != nil {
				sub.TenantID = *s.TenantID
			}
			if sub.TenantID != "" && !strings.EqualFold(sub.TenantID, tenantID) {
				continue
			}
			if len(want) > 0 && !want[sub.SubscriptionID] {
				continue
			}
			out = append(out, sub)
		}
	}
	slices.SortFunc(out, func(a, b Subscription) int { return strings.Compare(a.SubscriptionID, b.SubscriptionID) })
	for w := range want {
		if !slices.ContainsFunc(out, func(s Subscription) bool { return s.SubscriptionID == w }) {
			return nil, fmt.Errorf("subscription %s is not in tenant %s (or not visible to this identity)", w, tenantID)
		}
	}
	return out, nil
}

// TenantsAPIVersion is the api-version of the tenants list.
const TenantsAPIVersion = "2022-12-01"

// Tenant reads the tenant's display name and default domain from the ARM tenants list.
func (d *Discoverer) Tenant(ctx context.Context, tenantID string) (displayName, defaultDomain string, err error) {
	err = d.Azure.ListARM(ctx, "/tenants", TenantsAPIVersion, nil, func(raw json.RawMessage) error {
		var t struct {
			TenantID      string `json:"tenantId"`
			DisplayName   string `json:"displayName"`
			DefaultDomain string `json:"defaultDomain"`
		}
		if err := json.Unmarshal(raw, &t); err != nil {
			return fmt.Errorf("decoding tenant: %w", err)
		}
		if strings.EqualFold(t.TenantID, tenantID) {
			displayName, defaultDomain = t.DisplayName, t.DefaultDomain
		}
		return nil
	})
	if err != nil {
		return "", "", fmt.Errorf("listing tenants: %w", err)
	}
	return displayName, defaultDomain, nil
}
