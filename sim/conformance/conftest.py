"""Drives `atg sim serve` with Microsoft's own Python SDKs (see README.md in this directory).

The simulator binary is built once per session (or taken from $ATG_BIN) and started on a free
loopback port with --tls; the SDKs trust its certificate through connection_verify.
"""

import base64
import json
import os
import pathlib
import subprocess
import tempfile
import time

import pytest
import requests
from azure.core.credentials import AccessToken

REPO = pathlib.Path(__file__).resolve().parents[2]


def mint(tenant, oid, aud, exp=None):
    """An unsigned JWT the simulator reads (it checks tid, oid, aud and exp, not signatures)."""
    def enc(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    claims = {"tid": tenant, "oid": oid, "aud": aud, "exp": int(exp if exp is not None else time.time() + 3600)}
    return enc({"alg": "none", "typ": "JWT"}) + "." + enc(claims) + "."


class StaticCredential:
    """A TokenCredential minting simulator tokens for the requested scope."""

    def __init__(self, tenant, oid="conformance-principal", exp=None):
        self.tenant, self.oid, self.exp = tenant, oid, exp
        self.calls = 0

    def get_token(self, *scopes, **kwargs):
        self.calls += 1
        aud = scopes[0].removesuffix("/.default") if scopes else ""
        exp = self.exp if self.exp is not None else time.time() + 3600
        return AccessToken(mint(self.tenant, self.oid, aud, exp), int(exp))


class Sim:
    def __init__(self, proc, ready, workdir):
        self.proc = proc
        self.endpoint = ready["arm_endpoint"]
        self.graph = ready["msgraph_endpoint"]
        self.tenant = ready["tenant_ids"][0]
        self.cert = os.path.join(workdir, "sim.pem")
        with open(self.cert, "w") as f:
            f.write(ready["cert_pem"])
        self.cred = StaticCredential(self.tenant)
        self.subs = [s["subscriptionId"] for s in self.get("/subscriptions?api-version=2022-12-01").json()["value"]]

    def client(self, cls, *args, **kwargs):
        kwargs.setdefault("retry_backoff_factor", 0.05)
        return cls(self.cred, *args, base_url=self.endpoint, credential_scopes=[self.endpoint + "/.default"],
                   connection_verify=self.cert, **kwargs)

    def token(self, aud=None, oid="conformance-principal", exp=None):
        return mint(self.tenant, oid, aud or self.endpoint, exp)

    def request(self, method, path, token=None, headers=None, **kw):
        h = {"Authorization": "Bearer " + (token or self.token())}
        h.update(headers or {})
        url = path if path.startswith("http") else self.endpoint + path
        return requests.request(method, url, headers=h, verify=self.cert, timeout=30, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def stats(self):
        return requests.get(self.endpoint + "/_sim/stats", verify=self.cert, timeout=10).json()


@pytest.fixture(scope="session")
def atg_bin(tmp_path_factory):
    if os.environ.get("ATG_BIN"):
        return os.environ["ATG_BIN"]
    out = str(tmp_path_factory.mktemp("bin") / "atg")
    subprocess.run(["go", "build", "-o", out, "."], cwd=REPO, check=True)
    return out


def start(atg_bin, tmp_path_factory, *flags):
    work = str(tmp_path_factory.mktemp("sim"))
    proc = subprocess.Popen([atg_bin, "sim", "serve", "--addr", "127.0.0.1:0", "--tls", *flags],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise RuntimeError("atg sim serve exited before it was ready")
    return Sim(proc, json.loads(line), work)


def stop(sim):
    sim.proc.terminate()
    try:
        sim.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        sim.proc.kill()


@pytest.fixture(scope="session")
def sim(atg_bin, tmp_path_factory):
    """A 300-resource tenant in 2 subscriptions, fast throttling, ARM pages of 50."""
    s = start(atg_bin, tmp_path_factory, "--resources", "300", "--subscriptions", "2", "--seed", "7",
              "--throttle", "fast", "--page-size", "50")
    yield s
    stop(s)


@pytest.fixture(scope="session")
def faulty(atg_bin, tmp_path_factory):
    """The same tenant with 30% of requests faulting (500, 503, 429, reset, slow)."""
    s = start(atg_bin, tmp_path_factory, "--resources", "120", "--seed", "11", "--throttle", "fast", "--faults", "0.3")
    yield s
    stop(s)
