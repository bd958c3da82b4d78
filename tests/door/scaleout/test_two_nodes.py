"""Two gunicorn nodes over one PostgreSQL and one Redis, behind one nginx upstream."""

import os
import re

import pytest
import requests

from tests.door.harness import FORWARDED_HTTPS, Gunicorn, Nginx, request

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="two nodes share state only through PostgreSQL; an SQLite file is one machine's database",
)


@pytest.fixture(scope="module")
def nodes(door_site, door_server):
    with Gunicorn(door_site, name="door-node-b") as second:
        yield door_server, second


@pytest.fixture(scope="module")
def balanced(door_site, nodes):
    upstreams = [f"127.0.0.1:{node.port}" for node in nodes]
    with Nginx(upstreams, static_root=door_site.var_dir / "static", name="nginx-two-nodes") as nginx:
        yield nginx


def test_connect4_token_issued_by_one_node_works_on_the_other(door_site, nodes):
    first, second = nodes
    client = door_site.clients["sunny-meadows"]
    creds = {**FORWARDED_HTTPS, "api_key": client.key, "api_secret": client.secret}
    authorized = request("POST", first.url + "/api/authorize", headers=creds)
    assert authorized.status == 200, authorized.body
    token = authorized.json()["access_token"]
    for node in (first, second):
        listed = request("GET", f"{node.url}/api/{token}/all_residents", headers=creds)
        assert listed.status == 200, listed.body
        assert listed.json()["status"] is True


def test_admin_session_moves_between_nodes(door_site, nodes, balanced):
    first, second = nodes
    password = door_site.create_staff("sunny-meadows", "door-admin-two-nodes")
    with requests.Session() as session:
        session.trust_env = False
        session.verify = str(balanced.certificate)
        form = session.get(balanced.url + "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        logged_in = session.post(
            balanced.url + "/admin/login/?next=/admin/",
            data={"csrfmiddlewaretoken": token, "username": "door-admin-two-nodes", "password": password,
                  "next": "/admin/"},
            headers={"Referer": balanced.url + "/admin/login/"},
        )
        assert logged_in.url == balanced.url + "/admin/", logged_in.text[:300]
        cookie = f"sessionid={session.cookies['sessionid']}"
    # The same session cookie, sent to each node directly, is a logged-in staff member on both.
    for node in (first, second):
        page = request("GET", node.url + "/admin/", headers={**FORWARDED_HTTPS, "Cookie": cookie})
        assert page.status == 200, (node.port, page.status, page.headers.get("location"))
