"""ARM through azure-mgmt-resource, -network, -compute, -storage and -subscription."""

import time

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.mgmt.compute import ComputeManagementClient
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.storage import StorageManagementClient
from azure.mgmt.subscription import SubscriptionClient

from conftest import StaticCredential

LOC = "westeurope"


@pytest.fixture(scope="module")
def rm(sim):
    return sim.client(ResourceManagementClient, sim.subs[0])


@pytest.fixture(scope="module")
def net(sim):
    return sim.client(NetworkManagementClient, sim.subs[0])


@pytest.fixture(scope="module")
def compute(sim):
    return sim.client(ComputeManagementClient, sim.subs[0])


@pytest.fixture(scope="module")
def rg(rm):
    rm.resource_groups.create_or_update("rg-conformance", {"location": LOC, "tags": {"suite": "python", "env": "test"}})
    return "rg-conformance"


def test_subscriptions_tenants_locations(sim):
    sc = sim.client(SubscriptionClient)
    subs = [s.subscription_id for s in sc.subscriptions.list()]
    assert sorted(subs) == sorted(sim.subs)
    assert [t.tenant_id for t in sc.tenants.list()] == [sim.tenant]
    locs = [l.name for l in sc.subscriptions.list_locations(sim.subs[0])]  # item 5
    assert LOC in locs


def test_resource_paging_follows_next_links(sim, rm):
    # the simulator pages ARM lists at 50 (--page-size): the SDK must follow nextLink
    items = list(rm.resources.list())
    assert len(items) > 50
    assert len({r.id.lower() for r in items}) == len(items)
    assert all(r.id.lower().startswith("/subscriptions/" + sim.subs[0]) for r in items)
    by_type = list(rm.resources.list(filter="resourceType eq 'Microsoft.Network/virtualNetworks'"))
    assert by_type and all(r.type == "Microsoft.Network/virtualNetworks" for r in by_type)


def test_sdk_default_api_versions_are_accepted(sim, net, compute):
    # item 1: the SDKs' own defaults (Network 2026-03-01, Compute 2026-04-01, Storage 2026-09-01)
    assert list(net.virtual_networks.list_all())
    assert list(compute.virtual_machines.list_all())
    st = sim.client(StorageManagementClient, sim.subs[0])
    assert list(st.storage_accounts.list())


def test_unknown_and_malformed_api_versions_are_azures_400(sim, rm):
    vnet = next(iter(rm.resources.list(filter="resourceType eq 'Microsoft.Network/virtualNetworks'"))).id
    r = sim.get(vnet + "?api-version=2099-01-01")
    assert r.status_code == 400 and r.json()["error"]["code"] == "NoRegisteredProviderFound"
    assert "The supported api-versions are" in r.json()["error"]["message"]
    r = sim.get(vnet + "?api-version=latest")
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidApiVersionParameter"
    r = sim.get("/subscriptions/%s/resourcegroups?api-version=2099-01-01" % sim.subs[0])
    assert r.status_code == 400 and r.json()["error"]["code"] == "InvalidApiVersionParameter"
    with pytest.raises(HttpResponseError) as e:
        rm.resources.get_by_id(vnet, api_version="2013-01-01")
    assert e.value.error.code == "NoRegisteredProviderFound"


def test_check_existence_is_204(sim, rm, rg):
    # item 2: HEAD answers 204 (check_existence_by_id raises on a 200)
    vnet = next(iter(rm.resources.list(filter="resourceType eq 'Microsoft.Network/virtualNetworks'"))).id
    assert rm.resources.check_existence_by_id(vnet, api_version="2026-03-01") is True
    assert rm.resources.check_existence_by_id(vnet + "-nope", api_version="2026-03-01") is False
    assert rm.resource_groups.check_existence(rg) is True
    assert rm.resource_groups.check_existence("rg-does-not-exist") is False


def test_resource_groups_filtered_by_tag(rm, rg):
    # item 4: the filter is applied, not ignored
    got = [g.name for g in rm.resource_groups.list(filter="tagName eq 'suite' and tagValue eq 'python'")]
    assert got == [rg]
    assert [g.name for g in rm.resource_groups.list(filter="tagName eq 'suite' and tagValue eq 'go'")] == []
    with pytest.raises(HttpResponseError) as e:
        list(rm.resource_groups.list(filter="substringof('x', name)"))
    assert e.value.status_code == 400


def test_tags(rm, rg):
    names = {t.tag_name for t in rm.tags.list()}
    assert {"suite", "env"} <= names
    scope = "/subscriptions/%s/resourceGroups/%s" % (rm._config.subscription_id, rg)
    rm.tags.begin_update_at_scope(scope, {"operation": "Merge", "properties": {"tags": {"owner": "qa"}}}, polling_interval=0).result()
    assert rm.tags.get_at_scope(scope).properties.tags == {"suite": "python", "env": "test", "owner": "qa"}


def test_vnet_nic_lifecycle_as_async_operations(sim, net, rg):
    # item 7: network PUT/DELETE are LROs (Azure-AsyncOperation), driven by the SDK's pollers
    poller = net.virtual_networks.begin_create_or_update(rg, "vnet-py", {"location": LOC, "properties": {
        "addressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
        "subnets": [{"name": "app", "properties": {"addressPrefix": "10.20.1.0/24"}}]}}, polling_interval=0)
    vnet = poller.result()
    assert vnet.provisioning_state == "Succeeded" and vnet.subnets[0].name == "app"
    raw = sim.request("PUT", vnet.id + "?api-version=2026-03-01", json={"location": LOC, "properties": {
        "addressSpace": {"addressPrefixes": ["10.20.0.0/16"]}, "subnets": [{"name": "app", "properties": {"addressPrefix": "10.20.1.0/24"}}]}})
    assert raw.headers.get("Azure-AsyncOperation")
    nic = net.network_interfaces.begin_create_or_update(rg, "nic-py", {"location": LOC, "properties": {
        "ipConfigurations": [{"name": "ipconfig1", "properties": {"subnet": {"id": vnet.subnets[0].id}}}]}}, polling_interval=0).result()
    # item 6: a dynamic NIC gets a private IP; the subnet lists the NIC's ip configuration
    assert nic.ip_configurations[0].private_ip_address == "10.20.1.4"
    subnet = net.subnets.get(rg, "vnet-py", "app")
    assert [c.id.lower() for c in subnet.ip_configurations] == [nic.ip_configurations[0].id.lower()]
    net.network_interfaces.begin_delete(rg, "nic-py", polling_interval=0).result()
    assert not net.subnets.get(rg, "vnet-py", "app").ip_configurations
    net.virtual_networks.begin_delete(rg, "vnet-py", polling_interval=0).result()
    with pytest.raises(ResourceNotFoundError):
        net.virtual_networks.get(rg, "vnet-py")


def test_vm_and_storage_crud(sim, net, compute, rg):
    vnet = net.virtual_networks.begin_create_or_update(rg, "vnet-vm", {"location": LOC, "properties": {
        "addressSpace": {"addressPrefixes": ["10.30.0.0/16"]},
        "subnets": [{"name": "default", "properties": {"addressPrefix": "10.30.0.0/24"}}]}}, polling_interval=0).result()
    nic = net.network_interfaces.begin_create_or_update(rg, "nic-vm", {"location": LOC, "properties": {
        "ipConfigurations": [{"name": "ipconfig1", "properties": {"subnet": {"id": vnet.subnets[0].id}}}]}}, polling_interval=0).result()
    vm = compute.virtual_machines.begin_create_or_update(rg, "vm-py", {"location": LOC, "properties": {
        "hardwareProfile": {"vmSize": "Standard_B2s"},
        "storageProfile": {"imageReference": {"publisher": "Canonical", "offer": "0001-com-ubuntu-server-jammy", "sku": "22_04-lts-gen2", "version": "latest"},
                           "osDisk": {"createOption": "FromImage", "managedDisk": {"storageAccountType": "Premium_LRS"}}},
        "osProfile": {"computerName": "vm-py", "adminUsername": "azureuser",
                      "linuxConfiguration": {"disablePasswordAuthentication": True,
                                             "ssh": {"publicKeys": [{"path": "/home/azureuser/.ssh/authorized_keys", "keyData": "ssh-rsa AAAAB3NzaC1yc2E test"}]}}},
        "networkProfile": {"networkInterfaces": [{"id": nic.id, "properties": {"primary": True}}]}}}, polling_interval=0).result()
    assert vm.provisioning_state == "Succeeded"
    assert vm.storage_profile.os_disk.managed_disk.id
    # item 5: the instance view
    iv = compute.virtual_machines.instance_view(rg, "vm-py")
    assert "PowerState/running" in [s.code for s in iv.statuses]
    st = sim.client(StorageManagementClient, sim.subs[0])
    acct = st.storage_accounts.begin_create(rg, "stpyconformance01", {"location": LOC, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}, polling_interval=0).result()
    assert acct.name == "stpyconformance01"
    assert "stpyconformance01" in [a.name for a in st.storage_accounts.list_by_resource_group(rg)]
    st.storage_accounts.delete(rg, "stpyconformance01")
    compute.virtual_machines.begin_delete(rg, "vm-py", polling_interval=0).result()
    with pytest.raises(ResourceNotFoundError):
        compute.virtual_machines.get(rg, "vm-py")


def test_resource_group_delete_lro(sim, rm):
    rm.resource_groups.create_or_update("rg-doomed", {"location": LOC})
    rm.resource_groups.begin_delete("rg-doomed", polling_interval=0).result()
    assert rm.resource_groups.check_existence("rg-doomed") is False


def test_expired_and_wrong_audience_tokens_are_401_with_challenge(sim):
    # item 7: 401 + WWW-Authenticate (token refresh reads it)
    r = sim.get("/subscriptions/%s?api-version=2022-12-01" % sim.subs[0], token=sim.token(exp=time.time() - 60))
    assert r.status_code == 401 and r.json()["error"]["code"] == "ExpiredAuthenticationToken"
    assert "authorization_uri=" in r.headers["WWW-Authenticate"]
    r = sim.get("/subscriptions/%s?api-version=2022-12-01" % sim.subs[0], token=sim.token(aud="https://graph.microsoft.com"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "InvalidAuthenticationTokenAudience"
    client = ResourceManagementClient(StaticCredential(sim.tenant, exp=time.time() - 60), sim.subs[0], base_url=sim.endpoint,
                                      credential_scopes=[sim.endpoint + "/.default"], connection_verify=sim.cert)
    with pytest.raises(ClientAuthenticationError):
        list(client.resource_groups.list())


def test_export_template(rm, rg):
    # item 5: a 200 where Azure answers, not a 404
    res = rm.resource_groups.begin_export_template(rg, {"resources": ["*"]}, polling_interval=0).result()
    assert res.template["contentVersion"] == "1.0.0.0"


def test_move_resources(sim, rm, rg):
    rm.resource_groups.create_or_update("rg-move-target", {"location": LOC})
    st = sim.client(StorageManagementClient, sim.subs[0])
    acct = st.storage_accounts.begin_create(rg, "stpymove01", {"location": LOC, "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}, polling_interval=0).result()
    target = "/subscriptions/%s/resourceGroups/rg-move-target" % sim.subs[0]
    rm.resources.begin_move_resources(rg, {"resources": [acct.id], "targetResourceGroup": target}, polling_interval=0).result()
    assert [a.name for a in st.storage_accounts.list_by_resource_group("rg-move-target")] == ["stpymove01"]
