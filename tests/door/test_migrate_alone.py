"""`migrate` alone makes everything the schema needs: a fresh database served without Redis answers every partner.

The rate-limit counter lives in the database cache when REDIS_URL is unset; its table used to come only from
`createcachetable`, which `make` ran and a deployer following Django's habits did not, so every partner API
answered 503 and the log said only `Service Unavailable: /v1/attendees`.
"""

import base64

import pytest

from tests.door.harness import FORWARDED_HTTPS, Gunicorn, provision, request


@pytest.fixture(scope="module")
def bare_site():
    site = provision(organisations=("sunny-meadows",), redis=False)
    yield site
    site.close()


@pytest.fixture(scope="module")
def bare_server(bare_site):
    assert "REDIS_URL" not in bare_site.env
    with Gunicorn(bare_site, name="migrate-alone") as server:
        yield server


def first_calls(client):
    """Each partner's first call as its document spells it: (name, method, path, headers, body)."""
    basic = base64.b64encode(f"{client.secret}:".encode()).decode()
    updox_auth = {"applicationId": client.key, "applicationPassword": client.secret, "accountId": client.organisation}
    return [
        ("connect4", "POST", "/api/authorize", {"api_key": client.key, "api_secret": client.secret}, None),
        ("webcamconsult", "GET", "/users.json", {"Authorization": f"Token token={client.secret}"}, None),
        ("updox", "POST", "/io/syncAppointments", {}, {"auth": updox_auth, "appointments": []}),
        ("support", "GET", "/api/v1/get_tickets/0", {"Authorization": f"Token {client.secret}"}, None),
        (
            "cliniko",
            "GET",
            "/v1/attendees",
            {"Authorization": f"Basic {basic}", "User-Agent": "door test (ops@example.org)"},
            None,
        ),
    ]


def test_every_partners_first_call_answers_after_migrate_alone(bare_site, bare_server):
    client = bare_site.clients["sunny-meadows"]
    answers = {}
    for name, method, path, headers, body in first_calls(client):
        answer = request(method, bare_server.url + path, headers={**FORWARDED_HTTPS, **headers}, body=body)
        answers[name] = (answer.status, answer.body[:200])
    assert {name: status for name, (status, _) in answers.items()} == dict.fromkeys(answers, 200), answers
