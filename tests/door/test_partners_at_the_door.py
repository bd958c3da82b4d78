"""Each partner's first call as its document spells it, over real HTTP to gunicorn with production settings."""

import base64

from tests.door.harness import FORWARDED_HTTPS, record_secret, request


def test_connect4_authorize_with_underscore_headers(door_site, door_server):
    client = door_site.clients["sunny-meadows"]
    headers = {**FORWARDED_HTTPS, "api_key": client.key, "api_secret": client.secret}
    answer = request("POST", door_server.url + "/api/authorize", headers=headers)
    assert answer.status == 200, answer.body
    assert answer.json()["status"] is True
    token = answer.json()["access_token"]
    record_secret(token)  # .ci/no-secrets-in-logs greps every log for it
    listed = request("GET", f"{door_server.url}/api/{token}/all_residents", headers=headers)
    assert listed.status == 200, listed.body
    assert listed.json()["status"] is True


def test_cliniko_basic_auth_and_user_agent(door_site, door_server):
    client = door_site.clients["sunny-meadows"]
    basic = base64.b64encode(f"{client.secret}:".encode()).decode()
    headers = {
        **FORWARDED_HTTPS,
        "Authorization": f"Basic {basic}",
        "User-Agent": "door test (ops@example.org)",
        "Accept": "application/json",
    }
    answer = request("GET", door_server.url + "/v1/attendees", headers=headers)
    assert answer.status == 200, answer.body
    listed = answer.json()  # other door tests share the site: whatever it holds, in Cliniko's list shape
    assert isinstance(listed["attendees"], list) and listed["total_entries"] == len(listed["attendees"])
    assert listed["links"]["self"].startswith("https://")


def test_plain_http_is_redirected_to_https(door_server):
    answer = request("GET", door_server.url + "/admin/login/")
    assert answer.status == 301
    assert answer.headers["location"].startswith("https://")


def test_the_favicon_is_served_by_the_production_server(door_server):
    redirect = request("GET", door_server.url + "/favicon.ico", headers=FORWARDED_HTTPS)
    assert redirect.status in (301, 302)
    icon = request("GET", door_server.url + redirect.headers["location"], headers=FORWARDED_HTTPS)
    assert icon.status == 200 and icon.headers["content-type"].startswith("image/svg+xml")
