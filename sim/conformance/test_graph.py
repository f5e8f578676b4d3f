"""MS Graph with plain requests and a token, as Graph's REST clients call it."""

import urllib.parse

import pytest

GRAPH_AUD = "https://graph.microsoft.com"


def graph(sim, path, token=None, **kw):
    return sim.get(sim.graph + path, token=token or sim.token(aud=GRAPH_AUD), **kw)


def all_pages(sim, path, **kw):
    out, url, pages = [], path, 0
    while url:
        r = graph(sim, url, **kw)
        assert r.status_code == 200, r.text
        body = r.json()
        out += body["value"]
        pages += 1
        url = body.get("@odata.nextLink", "").removeprefix(sim.graph)
    return out, pages


def test_paging(sim):
    users, pages = all_pages(sim, "/v1.0/users?$top=5&$select=id,displayName")
    assert pages > 1 and len({u["id"] for u in users}) == len(users)
    assert set(users[0]) == {"id", "displayName"}


def test_beta_is_graph_not_arm(sim):
    r = graph(sim, "/beta/groups?$filter=" + urllib.parse.quote("securityEnabled eq true"))
    assert r.status_code == 200 and r.json()["value"]
    assert all(g["securityEnabled"] is True for g in r.json()["value"])
    assert not any(h.startswith("x-ms-ratelimit-remaining") for h in r.headers)


def test_orderby_search_count_expand(sim):
    r = graph(sim, "/v1.0/users?$orderby=displayName&$top=999")
    names = [u["displayName"] for u in r.json()["value"]]
    assert names == sorted(names, key=str.lower)
    r = graph(sim, "/v1.0/users?$search=" + urllib.parse.quote('"displayName:a"'))
    assert r.status_code == 400 and "ConsistencyLevel" in r.json()["error"]["message"]
    r = graph(sim, "/v1.0/users?$count=true&$search=" + urllib.parse.quote('"displayName:a"'), headers={"ConsistencyLevel": "eventual"})
    assert r.status_code == 200 and r.json()["@odata.count"] == len(r.json()["value"])
    r = graph(sim, "/v1.0/groups?$expand=members&$top=3")
    assert all("members" in g for g in r.json()["value"])
    r = graph(sim, "/v1.0/groups?$expand=nope")
    assert r.status_code == 400


def test_me_transitive_members_delta(sim):
    users, _ = all_pages(sim, "/v1.0/users?$top=999")
    user = users[0]["id"]
    tok = sim.token(aud=GRAPH_AUD, oid=user)
    assert graph(sim, "/v1.0/me", token=tok).json()["id"] == user
    assert graph(sim, "/v1.0/me").status_code == 400  # an app token has no /me
    groups = graph(sim, "/v1.0/me/transitiveMemberOf", token=tok).json()["value"]
    assert any(g["@odata.type"] == "#microsoft.graph.group" for g in groups)
    gid = next(g["id"] for g in groups if g["@odata.type"] == "#microsoft.graph.group")
    members = graph(sim, "/v1.0/groups/%s/transitiveMembers" % gid).json()["value"]
    assert user in [m["id"] for m in members]
    first, _ = all_pages(sim, "/v1.0/users/delta")
    r = graph(sim, "/v1.0/users/delta")
    while "@odata.nextLink" in r.json():
        r = graph(sim, r.json()["@odata.nextLink"].removeprefix(sim.graph))
    delta = r.json()["@odata.deltaLink"].removeprefix(sim.graph)
    assert graph(sim, delta).json()["value"] == []
    assert len(first) == len(users)


def test_devices_directory_roles(sim):
    assert graph(sim, "/v1.0/devices").json()["value"]
    roles = graph(sim, "/v1.0/directoryRoles").json()["value"]
    ga = next(r for r in roles if r["displayName"] == "Global Administrator")
    assert graph(sim, "/v1.0/directoryRoles/%s/members" % ga["id"]).json()["value"]


def test_wrong_audience_is_401(sim):
    r = graph(sim, "/v1.0/users", token=sim.token(aud="https://management.azure.com"))
    assert r.status_code == 401 and "WWW-Authenticate" in r.headers
