"""No secret or token reaches a log line (#16.2) and long request lines answer in the partner's shape (#16.7):
every partner's way of sending credentials, right and wrong, against gunicorn with production settings."""

import base64
import json

import pytest

from tests.door.harness import FORWARDED_HTTPS, Gunicorn, record_secret, request


@pytest.fixture(scope="module")
def logged_server(door_site):
    """A gunicorn of this module's own, so its log holds only these requests."""
    with Gunicorn(door_site, name="secrets") as server:
        yield server


def _basic(user):
    return "Basic " + base64.b64encode(f"{user}:".encode()).decode()


def test_no_credential_reaches_the_access_log(door_site, logged_server):
    client = door_site.clients["sunny-meadows"]
    url = logged_server.url
    wrong = "wrongsecret" + client.secret[11:]
    record_secret(wrong)
    connect4 = {**FORWARDED_HTTPS, "api_key": client.key, "api_secret": client.secret}
    token = request("POST", url + "/api/authorize", headers=connect4).json()["access_token"]
    record_secret(token)
    answers = [
        request("GET", f"{url}/api/{token}/all_residents", headers=connect4),
        request("GET", f"{url}/api/{token}/no_such_thing", headers=connect4),
        request("GET", f"{url}/api/{wrong}/all_residents", headers=connect4),
        request("POST", url + "/api/authorize", headers={**FORWARDED_HTTPS, "api_key": client.key,
                                                          "api_secret": wrong}),
        request("GET", url + "/v1/attendees", headers={**FORWARDED_HTTPS, "Authorization": _basic(client.secret),
                                                      "User-Agent": "door (ops@example.org)"}),
        request("GET", url + "/v1/attendees", headers={**FORWARDED_HTTPS, "Authorization": _basic(wrong),
                                                      "User-Agent": "door (ops@example.org)"}),
        request("GET", url + "/users.json", headers={**FORWARDED_HTTPS,
                                                     "Authorization": f"Token token={client.secret}"}),
        request("GET", f"{url}/clients.json?authentication_token={client.secret}", headers=FORWARDED_HTTPS),
        request("GET", f"{url}/clients.json?authentication_token={wrong}", headers=FORWARDED_HTTPS),
        request("GET", f"{url}/nowhere.json?token={client.secret}&api_secret={client.secret}",
                headers=FORWARDED_HTTPS),
        request("GET", url + "/api/v1/get_tickets/nobody", headers={**FORWARDED_HTTPS,
                                                                    "Authorization": f"Token {client.secret}"}),
        request("GET", url + "/api/v1/get_tickets/nobody", headers={**FORWARDED_HTTPS,
                                                                    "Authorization": f"Token {wrong}"}),
        request("POST", url + "/io/syncAppointments", headers=FORWARDED_HTTPS, body={
            "auth": {"applicationId": client.key, "applicationPassword": client.secret,
                     "accountId": "sunny-meadows"}, "appointments": []}),
        request("POST", url + "/io/syncAppointments", headers=FORWARDED_HTTPS, body={
            "auth": {"applicationId": client.key, "applicationPassword": wrong, "accountId": "sunny-meadows"},
            "appointments": []}),
    ]
    assert [a.status for a in answers][:2] == [200, 404]
    assert answers[4].status == 200 and answers[5].status == 401
    logged_server.stop()
    log = logged_server.log()
    for secret in (client.secret, wrong, token):
        assert secret not in log
        assert secret[:16] not in log
    # The authenticated requests name their client by the key's prefix instead.
    assert f'client={client.key[:8]}' in log
    assert log.count("GET /") >= 10


def test_audit_row_of_a_webcamconsult_list_keeps_no_token(door_site, door_server):
    client = door_site.clients["sunny-meadows"]
    answer = request("GET", f"{door_server.url}/clients.json?authentication_token={client.secret}",
                     headers=FORWARDED_HTTPS)
    assert answer.status == 200, answer.body
    rows = door_site.manage("shell", "-c", (
        "import json\nfrom directory.models import AuditEvent\n"
        "print(json.dumps([e.changes for e in AuditEvent.objects.filter(action='read')]))"
    )).stdout.strip().splitlines()[-1]
    assert json.loads(rows), "the list read was audited"
    assert client.secret not in rows
    assert "authentication_token" in rows


def _cliniko(client):
    return {**FORWARDED_HTTPS, "Authorization": _basic(client.secret), "Accept": "application/json",
            "User-Agent": "door (ops@example.org)"}


def test_a_10_kib_cliniko_filter_list_is_answered_by_cliniko(door_site, door_server):
    client = door_site.clients["sunny-meadows"]
    query = "&".join(f"q[]=id:={n}" for n in range(100000, 101000))[: 10 * 1024]
    answer = request("GET", f"{door_server.url}/v1/attendees?{query.rsplit('&', 1)[0]}", headers=_cliniko(client))
    assert answer.status in (200, 422), answer.body[:300]
    assert answer.headers["content-type"].startswith("application/json")


def test_a_20_kib_request_line_is_a_cliniko_414(door_site, door_server):
    client = door_site.clients["sunny-meadows"]
    query = "&".join(f"q[]=id:={n}" for n in range(100000, 103000))[: 20 * 1024].rsplit("&", 1)[0]
    answer = request("GET", f"{door_server.url}/v1/attendees?{query}", headers=_cliniko(client))
    assert answer.status == 414, answer.body[:300]
    assert answer.headers["content-type"].startswith("application/json")
    assert "errors" in answer.json() or "message" in answer.json()
