package sim

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armresources/v3"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions/v2"

	"github.com/atg-go/atg/engine/azure"
)

type fixture struct {
	sim  *Simulator
	srv  *Server
	cred azure.LocalCredential
	opts *arm.ClientOptions
	subs []string
}

func startSim(t *testing.T, o Options) *fixture {
	t.Helper()
	s, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Close(ctx)
	})
	return &fixture{sim: s, srv: srv, cred: azure.LocalCredential{TenantID: srv.TenantIDs[0], PrincipalID: "11111111-1111-1111-1111-111111111111"},
		opts: armOptions(srv.ARMEndpoint), subs: s.SubscriptionIDs(srv.TenantIDs[0])}
}

func armOptions(endpoint string) *arm.ClientOptions {
	return &arm.ClientOptions{ClientOptions: policy.ClientOptions{
		Cloud:                           cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Endpoint: endpoint, Audience: endpoint}}},
		InsecureAllowCredentialWithHTTP: true,
		Retry:                           policy.RetryOptions{RetryDelay: 10 * time.Millisecond, MaxRetryDelay: 200 * time.Millisecond},
	}, DisableRPRegistration: true}
}

func TestSubscriptionPagerFollowsNextLinks(t *testing.T) {
	f := startSim(t, Options{Resources: 50, Subscriptions: 5, Seed: 1, PageSize: 2, Throttle: "off"})
	c, err := armsubscriptions.NewClient(f.cred, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	pager := c.NewListPager(nil)
	var got []string
	pages := 0
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		if err != nil {
			t.Fatalf("page: %v", err)
		}
		pages++
		if page.NextLink != nil && !strings.HasPrefix(*page.NextLink, f.srv.ARMEndpoint+"/subscriptions?") {
			t.Fatalf("nextLink not absolute to the simulator: %s", *page.NextLink)
		}
		for _, s := range page.Value {
			if *s.TenantID != f.srv.TenantIDs[0] {
				t.Errorf("subscription %s has tenant %s", *s.SubscriptionID, *s.TenantID)
			}
			got = append(got, *s.SubscriptionID)
		}
	}
	if len(got) != 5 || pages != 3 {
		t.Fatalf("got %d subscriptions in %d pages, want 5 in 3", len(got), pages)
	}
}

func TestResourcesPagerAndGetByID(t *testing.T) {
	f := startSim(t, Options{Resources: 400, Subscriptions: 2, Seed: 3, PageSize: 50, Throttle: "off"})
	ctx := context.Background()
	c, err := armresources.NewClient(f.subs[0], f.cred, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	prov, err := armresources.NewProvidersClient(f.subs[0], f.cred, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]string{}
	pp := prov.NewListPager(nil)
	for pp.More() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			t.Fatalf("providers: %v", err)
		}
		for _, p := range page.Value {
			for _, rt := range p.ResourceTypes {
				versions[strings.ToLower(*p.Namespace+"/"+*rt.ResourceType)] = *rt.APIVersions[0]
			}
		}
	}
	pager := c.NewListPager(nil)
	var ids []string
	var types []string
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			t.Fatalf("resources page: %v", err)
		}
		for _, r := range page.Value {
			ids = append(ids, *r.ID)
			types = append(types, *r.Type)
			if r.Properties != nil {
				t.Fatalf("list must not include properties (ARM does not)")
			}
		}
	}
	if len(ids) < 60 {
		t.Fatalf("listed %d resources, want many pages' worth", len(ids))
	}
	for i := 0; i < len(ids); i += 17 {
		v := versions[strings.ToLower(types[i])]
		if v == "" {
			t.Fatalf("no api version for %s", types[i])
		}
		res, err := c.GetByID(ctx, ids[i], v, nil)
		if err != nil {
			t.Fatalf("GetByID %s: %v", ids[i], err)
		}
		if !strings.EqualFold(*res.ID, ids[i]) || res.Properties == nil {
			t.Fatalf("GetByID %s: got %v", ids[i], res.ID)
		}
	}
	// errors: unknown version, unknown type, missing resource
	_, err = c.GetByID(ctx, ids[0], "1999-01-01", nil)
	wantCode(t, err, http.StatusBadRequest, "NoRegisteredProviderFound")
	_, err = c.GetByID(ctx, ids[0], "latest", nil)
	wantCode(t, err, http.StatusBadRequest, "InvalidApiVersionParameter")
	_, err = c.GetByID(ctx, "/subscriptions/"+f.subs[0]+"/resourceGroups/x/providers/Microsoft.Nope/things/a", "2020-01-01", nil)
	wantCode(t, err, http.StatusBadRequest, "InvalidResourceNamespace")
	_, err = c.GetByID(ctx, "/subscriptions/"+f.subs[0]+"/resourceGroups/x/providers/Microsoft.Network/nopes/a", "2024-07-01", nil)
	wantCode(t, err, http.StatusNotFound, "InvalidResourceType")
	_, err = c.GetByID(ctx, "/subscriptions/"+f.subs[0]+"/resourceGroups/nope/providers/Microsoft.Network/virtualNetworks/a", "2024-07-01", nil)
	wantCode(t, err, http.StatusNotFound, "ResourceGroupNotFound")
	rgs := f.sim.st.subs[f.subs[0]].rgs
	var rgName string
	for _, rg := range rgs {
		rgName = rg.name
		break
	}
	_, err = c.GetByID(ctx, "/subscriptions/"+f.subs[0]+"/resourceGroups/"+rgName+"/providers/Microsoft.Network/virtualNetworks/nope", "2024-07-01", nil)
	wantCode(t, err, http.StatusNotFound, "ResourceNotFound")
}

func wantCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("want %d %s, got %v", status, code, err)
	}
	if re.StatusCode != status || re.ErrorCode != code {
		t.Fatalf("want %d %s, got %d %s", status, code, re.StatusCode, re.ErrorCode)
	}
}

func TestPutGetRoundTripAndDanglingReference(t *testing.T) {
	f := startSim(t, Options{Resources: 0, Subscriptions: 1, Tenants: 2, Seed: 5, Throttle: "fast"})
	ctx := context.Background()
	cred := azure.LocalCredential{TenantID: f.srv.TenantIDs[1], PrincipalID: "deployer"}
	sub := f.sim.SubscriptionIDs(f.srv.TenantIDs[1])[0]
	rgc, err := armresources.NewResourceGroupsClient(sub, cred, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rgc.CreateOrUpdate(ctx, "rg-target", armresources.ResourceGroup{Location: to.Ptr("westeurope")}, nil); err != nil {
		t.Fatalf("create rg: %v", err)
	}
	c, err := armresources.NewClient(sub, cred, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	rg := "/subscriptions/" + sub + "/resourceGroups/rg-target"
	vnetID := rg + "/providers/Microsoft.Network/virtualNetworks/vnet1"
	poller, err := c.BeginCreateOrUpdateByID(ctx, vnetID, "2024-07-01", armresources.GenericResource{
		Location: to.Ptr("westeurope"),
		Properties: map[string]any{"addressSpace": map[string]any{"addressPrefixes": []any{"10.1.0.0/16"}},
			"subnets": []any{map[string]any{"name": "default", "properties": map[string]any{"addressPrefix": "10.1.0.0/24"}}}},
	}, nil)
	if err != nil {
		t.Fatalf("put vnet: %v", err)
	}
	if _, err := poller.PollUntilDone(ctx, nil); err != nil {
		t.Fatalf("poll vnet: %v", err)
	}
	got, err := c.GetByID(ctx, vnetID+"/subnets/default", "2024-07-01", nil)
	if err != nil {
		t.Fatalf("get inline-created subnet: %v", err)
	}
	if p := got.Properties.(map[string]any); p["addressPrefix"] != "10.1.0.0/24" || p["provisioningState"] != "Succeeded" {
		t.Fatalf("subnet properties: %v", p)
	}
	// A VM is a long-running PUT (201 + Azure-AsyncOperation); its NIC reference must exist.
	vmID := rg + "/providers/Microsoft.Compute/virtualMachines/vm1"
	_, err = c.BeginCreateOrUpdateByID(ctx, vmID, "2024-07-01", armresources.GenericResource{
		Location: to.Ptr("westeurope"),
		Properties: map[string]any{"hardwareProfile": map[string]any{"vmSize": "Standard_B2s"},
			"networkProfile": map[string]any{"networkInterfaces": []any{map[string]any{"id": rg + "/providers/Microsoft.Network/networkInterfaces/missing"}}}},
	}, nil)
	wantCode(t, err, http.StatusBadRequest, "LinkedInvalidPropertyId")
	nicID := rg + "/providers/Microsoft.Network/networkInterfaces/nic1"
	np, err := c.BeginCreateOrUpdateByID(ctx, nicID, "2024-07-01", armresources.GenericResource{
		Location: to.Ptr("westeurope"),
		Properties: map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig1", "properties": map[string]any{
			"subnet": map[string]any{"id": vnetID + "/subnets/nope"}}}}},
	}, nil)
	wantCode(t, err, http.StatusBadRequest, "InvalidResourceReference")
	_ = np
	np, err = c.BeginCreateOrUpdateByID(ctx, nicID, "2024-07-01", armresources.GenericResource{
		Location: to.Ptr("westeurope"),
		Properties: map[string]any{"ipConfigurations": []any{map[string]any{"name": "ipconfig1", "properties": map[string]any{
			"subnet": map[string]any{"id": vnetID + "/subnets/default"}}}}},
	}, nil)
	if err != nil {
		t.Fatalf("put nic: %v", err)
	}
	if _, err := np.PollUntilDone(ctx, nil); err != nil {
		t.Fatal(err)
	}
	vp, err := c.BeginCreateOrUpdateByID(ctx, vmID, "2024-07-01", armresources.GenericResource{
		Location: to.Ptr("westeurope"),
		Properties: map[string]any{"hardwareProfile": map[string]any{"vmSize": "Standard_B2s"},
			"networkProfile": map[string]any{"networkInterfaces": []any{map[string]any{"id": nicID}}}},
	}, nil)
	if err != nil {
		t.Fatalf("put vm: %v", err)
	}
	res, err := vp.PollUntilDone(ctx, nil)
	if err != nil {
		t.Fatalf("poll vm: %v", err)
	}
	if p := res.Properties.(map[string]any); p["provisioningState"] != "Succeeded" {
		t.Fatalf("vm state %v", p["provisioningState"])
	}
	// Missing location on a tracked type.
	_, err = c.BeginCreateOrUpdateByID(ctx, rg+"/providers/Microsoft.Storage/storageAccounts/st1", "2024-01-01", armresources.GenericResource{}, nil)
	wantCode(t, err, http.StatusBadRequest, "LocationRequired")
	// The first tenant cannot see the second's subscription.
	c0, _ := armresources.NewClient(sub, f.cred, f.opts)
	_, err = c0.GetByID(ctx, vmID, "2024-07-01", nil)
	wantCode(t, err, http.StatusUnauthorized, "InvalidAuthenticationTokenTenant")
}

// TestPublishedAPIVersions: every version the specs publish for a type is accepted (the Python
// SDKs' defaults among them); an unpublished one names the supported versions.
func TestPublishedAPIVersions(t *testing.T) {
	for typ, v := range map[string]string{
		"Microsoft.Network/virtualNetworks":   "2026-03-01",
		"Microsoft.Network/networkInterfaces": "2018-08-01",
		"Microsoft.Compute/virtualMachines":   "2026-04-01",
		"Microsoft.Compute/disks":             "2026-03-02",
		"Microsoft.Storage/storageAccounts":   "2026-09-01",
		"Microsoft.Resources/resourceGroups":  "2025-04-01",
		"Microsoft.Resources/subscriptions":   "2016-06-01",
		"Microsoft.ResourceGraph/resources":   "2021-03-01",
	} {
		if !slices.Contains(versionsOf(typ), v) {
			t.Errorf("%s: %s not accepted (have %v)", typ, v, versionsOf(typ))
		}
	}
	types := builtinTypes()
	for k, ti := range types {
		if len(published[k]) > 0 && len(ti.APIVersions) < len(published[k]) {
			t.Errorf("%s: %d versions, published %d", k, len(ti.APIVersions), len(published[k]))
		}
	}
	if !slices.IsSorted(types["microsoft.network/bastionhosts"].APIVersions) {
		t.Error("versions must be ascending")
	}
}
