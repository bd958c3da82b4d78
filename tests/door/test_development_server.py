"""`make run`'s development server (bin/devserver), driven as a partner app and a staff member would."""

import pytest

from tests.door.harness import DevServer, request


@pytest.fixture(scope="module")
def dev_server(door_site):
    with DevServer(door_site, name="devserver") as server:
        yield server


def test_connect4_authorizes_with_the_documents_underscore_headers(door_site, dev_server):
    # connect4healthcare.md sends the credentials as `api_key` and `api_secret` headers; runserver drops
    # header names with underscores, so every Connect4 app failed against `make run`.
    client = door_site.clients["sunny-meadows"]
    answer = request(
        "POST", dev_server.url + "/api/authorize", headers={"api_key": client.key, "api_secret": client.secret}
    )
    assert answer.status == 200, answer.body
    assert answer.json()["status"] is True


def test_the_admin_login_page_and_its_stylesheet_load(dev_server):
    page = request("GET", dev_server.url + "/admin/login/")
    assert page.status == 200
    assert b"/static/admin/css/base.css" in page.body
    css = request("GET", dev_server.url + "/static/admin/css/base.css")
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
