"""Authentication variants, over the wire: every partner's credentials spelled every way a client (or an attacker)
might spell them. Wrong credentials get the partner's own 401 body, never a 5xx and never data; the documented
spelling, and header names in any letter case, still work."""

import base64

import pytest

from tests.attack.conftest import A, B, authorize, call, in_shape
from tests.door.harness import FORWARDED_HTTPS, record_secret, request

FAMILY = "auth-variants"

# One endpoint per partner that needs credentials, and how to call it with raw headers/body members.
PROBES = {
    "webcamconsult": ("get", "/users.json"),
    "support": ("get", "/api/v1/get_tickets/0"),
    "cliniko": ("get", "/v1/attendees"),
}
REFUSED, EITHER = "refused", "either"  # EITHER: a spelling a lenient server may accept; never a 5xx either way


@pytest.fixture(scope="module")
def keys(attack_site, attack_server):
    """A's live client, a revoked client of A, B's client, and an expired Connect4 token of its own client."""
    live, other = attack_site.clients[A], attack_site.clients[B]
    revoked = attack_site.issue_client(A, name="revoked app")
    attack_site.manage("revoke_api_client", revoked.key)
    expiring = attack_site.issue_client(A, name="expiring app")
    token = attack_site.shell(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from directory.models import AccessToken, ApiClient\n"
        "from directory.services import access_token_issue\n"
        f"client = ApiClient.objects.get(key={expiring.key!r})\n"
        "token = access_token_issue(client=client)\n"
        "AccessToken.objects.filter(client=client).update(expires_at=timezone.now() - timedelta(seconds=1))\n"
        "print(token)\n"
    ).strip().splitlines()[-1]
    record_secret(token)
    return {"live": live, "revoked": revoked, "other": other, "expiring": expiring, "expired_token": token}


def basic(user, password=""):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def header_variants(partner, keys):
    """(label, Authorization header or None, query, expectation) for a header-authenticated partner."""
    live, revoked = keys["live"].secret, keys["revoked"].secret
    wrong = "x" * len(live)
    spell = {
        "webcamconsult": lambda secret: f"Token token={secret}",
        "support": lambda secret: f"Token {secret}",
        "cliniko": basic,
    }[partner]
    right = spell(live)
    yield "documented", right, "", "ok"
    yield "missing", None, "", REFUSED
    yield "empty", "", "", REFUSED
    yield "scheme only", right.split(" ")[0], "", REFUSED
    yield "wrong secret", spell(wrong), "", REFUSED
    yield "empty secret", spell(""), "", REFUSED
    yield "revoked client", spell(revoked), "", REFUSED
    yield "another organisation's key as secret", spell(keys["other"].key), "", REFUSED
    yield "secret truncated", spell(live[:-1]), "", REFUSED
    yield "Bearer scheme", f"Bearer {live}", "", REFUSED
    yield "non-ASCII secret", spell("é" * 8), "", REFUSED
    if partner == "cliniko":
        yield "Basic with a password", basic(live, "password"), "", EITHER
        yield "Basic, secret as password", basic("", live), "", REFUSED
        yield "Basic, not base64", "Basic %%%not-base64%%%", "", REFUSED
        yield "Basic, no colon", "Basic " + base64.b64encode(live.encode()).decode(), "", EITHER
        yield "Token token= (Webcamconsult's scheme)", f"Token token={live}", "", REFUSED
        yield "lower-case scheme", "basic " + right.split(" ", 1)[1], "", EITHER
    else:
        yield "Basic (Cliniko's scheme)", basic(live), "", REFUSED
        yield "Basic, wrong secret", basic(wrong), "", REFUSED
        yield "Token vs Token token=", (f"Token {live}" if partner == "webcamconsult" else f"Token token={live}"), \
            "", EITHER
        yield "lower-case scheme", right.replace("Token", "token", 1), "", EITHER
        yield "Token token= with quotes", f'Token token="{live}"', "", EITHER
    if partner == "webcamconsult":
        yield "authentication_token query", None, f"authentication_token={live}", "ok"
        yield "authentication_token wrong", None, f"authentication_token={wrong}", REFUSED
        yield "authentication_token revoked", None, f"authentication_token={revoked}", REFUSED
        yield "authentication_token empty", None, "authentication_token=", REFUSED


def judge(scorecard, partner, label, answer, expectation, refused=(401,)):
    scorecard.answered(f"{partner} {label}", answer)
    if expectation == "ok" and answer.status != 200:
        scorecard.wrong(f"{partner} {label}: documented credentials -> {answer.status}")
    if expectation == REFUSED and not (answer.status in refused and in_shape(partner, answer)):
        finding = f"{partner} {label}: expected 401 in shape, got {answer.status} {answer.body[:160]!r}"
        if 200 <= answer.status < 300:
            scorecard.add("leaks", finding=finding)  # wrong credentials were let in
        else:
            scorecard.wrong(finding)
    if expectation == EITHER and not (answer.status == 200 or answer.status == 401 and in_shape(partner, answer)):
        scorecard.wrong(f"{partner} {label}: got {answer.status} {answer.body[:160]!r}")


@pytest.mark.parametrize("partner", list(PROBES))
def test_header_credentials_every_way(attack_server, keys, scorecard, partner):
    method, path = PROBES[partner]
    for label, authorization, query, expectation in header_variants(partner, keys):
        headers = {**FORWARDED_HTTPS, "User-Agent": "attack suite (security@example.com)"}
        if authorization is not None:
            headers["Authorization"] = authorization
        for name in ("Authorization", "authorization", "AUTHORIZATION") if expectation == "ok" and \
                authorization else ("Authorization",):
            sent = {(name if k == "Authorization" else k): v for k, v in headers.items()}
            answer = request(method.upper(), attack_server.url + path + (f"?{query}" if query else ""),
                             headers=sent)
            judge(scorecard, partner, f"{label} ({name})", answer, expectation)
    assert scorecard.this_test() == []


def connect4_variants(keys):
    """(label, headers, expectation) for Connect4's authorize."""
    live = keys["live"]
    yield "documented", {"api_key": live.key, "api_secret": live.secret}, "ok"
    yield "header names upper case", {"API_KEY": live.key, "API_SECRET": live.secret}, "ok"
    yield "header names with hyphens", {"Api-Key": live.key, "Api-Secret": live.secret}, EITHER
    yield "missing", {}, REFUSED
    yield "empty", {"api_key": "", "api_secret": ""}, REFUSED
    yield "key only", {"api_key": live.key}, REFUSED
    yield "wrong secret", {"api_key": live.key, "api_secret": "x" * len(live.secret)}, REFUSED
    yield "revoked client", {"api_key": keys["revoked"].key, "api_secret": keys["revoked"].secret}, REFUSED
    yield "B's key with A's secret", {"api_key": keys["other"].key, "api_secret": live.secret}, REFUSED
    yield "secret as key", {"api_key": live.secret, "api_secret": live.key}, REFUSED
    yield "Authorization Token instead", {"Authorization": f"Token {live.secret}"}, REFUSED


def test_connect4_credentials_every_way(attack_server, keys, scorecard):
    for label, headers, expectation in connect4_variants(keys):
        answer = request("POST", attack_server.url + "/api/authorize", headers={**FORWARDED_HTTPS, **headers})
        if answer.status == 200:
            record_secret(answer.json()["access_token"])
        judge(scorecard, "connect4", f"authorize {label}", answer, expectation)
    live, other = keys["live"], keys["other"]
    a_token, b_token = authorize(attack_server, live), authorize(attack_server, other)
    a_headers = {"api_key": live.key, "api_secret": live.secret}
    expiring = keys["expiring"]
    paths = [
        ("documented", a_token, a_headers, "ok"),
        ("token without headers", a_token, {}, REFUSED),
        ("B's token with A's headers", b_token, a_headers, REFUSED),
        ("A's token with B's headers", a_token, {"api_key": other.key, "api_secret": other.secret}, REFUSED),
        ("expired token", keys["expired_token"], {"api_key": expiring.key, "api_secret": expiring.secret}, REFUSED),
        ("made-up token", "0" * len(a_token), a_headers, REFUSED),
        ("token of the secret", live.secret, a_headers, REFUSED),
        ("token with a wrong secret header", a_token, {**a_headers, "api_secret": "x"}, REFUSED),
        ("revoked client's headers", a_token, {"api_key": keys["revoked"].key,
                                               "api_secret": keys["revoked"].secret}, REFUSED),
    ]
    for label, token, headers, expectation in paths:
        answer = request("GET", f"{attack_server.url}/api/{token}/all_residents", headers={**FORWARDED_HTTPS,
                                                                                         **headers})
        judge(scorecard, "connect4", f"all_residents {label}", answer, expectation)
    assert scorecard.this_test() == []


def test_updox_credentials_every_way(attack_server, keys, scorecard):
    live, revoked, other = keys["live"], keys["revoked"], keys["other"]
    documented = {"applicationId": live.key, "applicationPassword": live.secret, "accountId": A, "userId": ""}
    variants = [
        ("documented", documented, "ok"),
        ("missing auth", None, REFUSED),
        ("empty auth", {}, REFUSED),
        ("auth a string", live.secret, REFUSED),
        ("wrong password", {**documented, "applicationPassword": "x" * len(live.secret)}, REFUSED),
        ("empty password", {**documented, "applicationPassword": ""}, REFUSED),
        ("revoked client", {**documented, "applicationId": revoked.key, "applicationPassword": revoked.secret},
         REFUSED),
        ("B's account with A's client", {**documented, "accountId": B}, REFUSED),
        ("B's client on A's account", {**documented, "applicationId": other.key,
                                       "applicationPassword": other.secret}, REFUSED),
        ("unknown account", {**documented, "accountId": "no-such-practice"}, REFUSED),
        ("password a number", {**documented, "applicationPassword": 12345}, REFUSED),
    ]
    for label, auth, expectation in variants:
        body = {"appointments": []} if auth is None else {"appointments": [], "auth": auth}
        answer = call(attack_server, "updox", None, "post", "/io/syncAppointments", body)
        # COMPATIBILITY.md: a malformed auth block is 400 (4000), an account not granted 403 (4030).
        judge(scorecard, "updox", label, answer, expectation, refused=(400, 401, 403))
    assert scorecard.this_test() == []
