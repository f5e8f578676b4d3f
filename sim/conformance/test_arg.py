"""Resource Graph through azure-mgmt-resourcegraph."""

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.resourcegraph import ResourceGraphClient
from azure.mgmt.resourcegraph.models import FacetRequest, FacetRequestOptions, QueryRequest, QueryRequestOptions


@pytest.fixture(scope="module")
def arg(sim):
    return sim.client(ResourceGraphClient)


def test_paging_with_skip_tokens(sim, arg):
    ids, token = [], None
    while True:
        res = arg.resources(QueryRequest(subscriptions=sim.subs, query="resources | project id, name, type | order by id asc",
                                         options=QueryRequestOptions(top=40, skip_token=token)))
        ids += [r["id"] for r in res.data]
        token = res.skip_token
        if not token:
            break
    assert len(ids) == res.total_records and len(set(ids)) == len(ids) and len(ids) > 40


def test_vnet_rows_have_subnets_and_extend(sim, arg):
    # item 3
    res = arg.resources(QueryRequest(subscriptions=sim.subs, query="resources | where type =~ 'microsoft.network/virtualnetworks' "
                                     "| extend subnetCount = properties.subnets, kind2 = tolower(type) | project id, subnetCount, kind2"))
    assert res.data and all(r["subnetCount"] for r in res.data)
    assert all(r["kind2"] == "microsoft.network/virtualnetworks" for r in res.data)


def test_table_format_and_facets(sim, arg):
    res = arg.resources(QueryRequest(subscriptions=sim.subs, query="resources | project id, location",
                                     facets=[FacetRequest(expression="location", options=FacetRequestOptions(top=3)),
                                             FacetRequest(expression="strcat(a,b)")],
                                     options=QueryRequestOptions(result_format="table", top=5)))
    assert [c["name"] for c in res.data["columns"]] == ["id", "location"]
    assert len(res.data["rows"]) == 5
    ok, bad = res.facets
    assert ok.result_type == "FacetResult" and 0 < ok.count <= 3 and sum(row[1] for row in ok.data["rows"]) <= res.total_records
    assert bad.result_type == "FacetError"


def test_summarize_and_count(sim, arg):
    res = arg.resources(QueryRequest(subscriptions=sim.subs, query="resources | summarize count() by location"))
    total = arg.resources(QueryRequest(subscriptions=sim.subs, query="resources | count")).data[0]["Count"]
    assert sum(r["count_"] for r in res.data) == total


@pytest.mark.parametrize("query", [
    "resources | join kind=inner (resourcecontainers) on subscriptionId",
    "resources | mv-expand subnet = properties.subnets",
    "resources | union resourcecontainers",
])
def test_unsupported_kql_is_an_error_not_a_silent_200(sim, arg, query):
    with pytest.raises(HttpResponseError) as e:
        arg.resources(QueryRequest(subscriptions=sim.subs, query=query))
    assert e.value.status_code == 400
