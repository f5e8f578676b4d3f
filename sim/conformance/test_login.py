"""A custom cloud as the Terraform providers and azure-identity configure it: ARM metadata,
the login endpoint (client credentials) and the managed-identity endpoint."""

from azure.identity import ClientSecretCredential
from azure.mgmt.resource.resources import ResourceManagementClient


def test_metadata_endpoints(sim):
    md = sim.get("/metadata/endpoints?api-version=2022-09-01").json()
    assert md["resourceManager"] == sim.endpoint + "/"
    assert md["authentication"]["loginEndpoint"] == sim.endpoint + "/"


def test_client_secret_credential_against_the_simulated_login(sim):
    cred = ClientSecretCredential(sim.tenant, "00000000-0000-4000-8000-0000000000c1", "not-a-secret",
                                  authority=sim.endpoint, disable_instance_discovery=True, connection_verify=sim.cert)
    rm = ResourceManagementClient(cred, sim.subs[0], base_url=sim.endpoint, credential_scopes=[sim.endpoint + "/.default"],
                                  connection_verify=sim.cert)
    assert list(rm.resource_groups.list())


def test_managed_identity_endpoint(sim):
    r = sim.request("GET", "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=" + sim.endpoint,
                    headers={"Metadata": "true"})
    assert r.status_code == 200 and r.json()["token_type"] == "Bearer"
    assert sim.request("GET", "/metadata/identity/oauth2/token?resource=x").status_code == 400
