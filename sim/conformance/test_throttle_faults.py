"""Throttling and faults as the Python SDK meets them (items 8 and 9)."""

import requests
from azure.mgmt.resource.resources import ResourceManagementClient
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import QueryRequest


def test_fast_throttle_retry_after_is_wall_clock(sim):
    # Resource Graph allows 15 queries per 5 s; --throttle fast runs that clock 50x faster, and
    # the seconds Retry-After must say the wall-clock wait (Python honours it before retry-after-ms).
    got = None
    session = requests.Session()
    for _ in range(300):
        r = session.post(sim.endpoint + "/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01", verify=sim.cert,
                         headers={"Authorization": "Bearer " + sim.token()}, json={"subscriptions": sim.subs, "query": "resources | take 1"})
        if r.status_code == 429:
            got = r
            break
    assert got is not None, "no 429 from Resource Graph"
    assert int(got.headers["Retry-After"]) <= 1 and got.headers["retry-after-ms"]
    arg = sim.client(ResourceGraphClient)
    for _ in range(25):  # the SDK retries its way through the throttling
        assert arg.resources(QueryRequest(subscriptions=sim.subs, query="resources | count")).data[0]["Count"] > 0


def test_faults_are_retried_by_the_sdk(faulty):
    rm = faulty.client(ResourceManagementClient, faulty.subs[0])
    names = {g.name for g in rm.resource_groups.list()}
    assert names
    arg = faulty.client(ResourceGraphClient)
    for _ in range(8):
        assert arg.resources(QueryRequest(subscriptions=faulty.subs, query="resources | count")).data[0]["Count"] > 0
    assert sum(faulty.stats()["faults"].values()) > 0


def test_fault_429s_carry_retry_after(faulty):
    seen = 0
    for i in range(80):
        try:
            r = faulty.request("POST", "/providers/Microsoft.ResourceGraph/resources?api-version=2021-03-01",
                               json={"subscriptions": faulty.subs, "query": "resources | take %d" % (i + 1)})
        except requests.ConnectionError:  # the reset fault
            continue
        if r.status_code == 429:
            seen += 1
            assert r.headers.get("Retry-After")
    assert seen > 0
