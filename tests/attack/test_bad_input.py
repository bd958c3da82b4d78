"""Bad input corpus, over the wire, on every partner's write and list endpoints: dates out of range, deep JSON,
oversize bodies, broken encodings, non-ASCII digits, wrong content types, huge pages, long request lines.
Each gets a 4xx in the partner's shape and writes nothing, and the organisation's lists still answer 200."""

import json
import urllib.parse

import pytest

from tests.attack.conftest import C, authorize, call, in_shape, row_counts
from tests.isolation import encode

FAMILY = "bad-input"

# Instants a datetime cannot hold once placed in the organisation's zone (Amsterdam), or past year 9999 in UTC.
OUT_OF_RANGE_DATES = [
    "0001-01-01T00:05:00", "9999-12-31T23:59:59-12:00", "10000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
]
EDGE_DATES = ["0001-01-01T00:05:00Z", "9999-12-31T22:00:00Z", "0001-01-01", "9999-12-31"]  # representable
NON_ASCII_NUMBERS = ["²", "٣", "１２", "1²", "۱۲۳", "𝟙"]
HUGE_NUMBERS = [2**63, 10**30, -(2**63) - 1, 1e308]
# The same digits in other scripts: Arabic-Indic, extended Arabic-Indic, fullwidth, mathematical bold.
DIGIT_ZEROS = (0x660, 0x6F0, 0xFF10, 0x1D7CE)


def spelled(pk):
    """An existing id in every non-ASCII spelling of its digits, and with a superscript: none is an id."""
    text = str(pk)
    return [text.translate({48 + d: zero + d for d in range(10)}) for zero in DIGIT_ZEROS] + [text + "²"]


NESTED = ('{"a":' * 1000 + "1" + "}" * 1000, "[" * 1000 + "]" * 1000)


def writes(token, ids):
    """(partner, path, valid body, how to place a field, date fields, number fields) of every write endpoint."""
    resident, user = ids["resident"][0], ids["user"][0]
    wid = lambda kind, pk: encode("webcamconsult", kind, pk)  # noqa: E731
    top = lambda body, field, value: {**body, field: value}  # noqa: E731
    return [
        ("support", "/api/v1/raise_ticket",
         {"type": "Attack", "subject": "bad input", "userId": resident, "comments": "c"}, top, [], ["userId"]),
        ("connect4", f"/api/{token}/create_ticket",
         {"title": "bad input", "resident_id": resident, "ticket_status": "New", "general_comments": "c",
          "urgency_status": "No Issue"}, top,
         [], ["resident_id"]),
        ("webcamconsult", "/users.json",
         {"user": {"titles": "Dr", "initials": "J", "last_name": "Attack", "email": "attack@example.com"}},
         lambda b, f, v: {"user": {**b["user"], f: v}}, [], []),
        ("webcamconsult", "/clients.json",
         {"client": {"last_name": "Attack", "email": "client@example.com",
                     "date_of_birth": "2014-12-18T00:00:00.000+01:00"}},
         lambda b, f, v: {"client": {**b["client"], f: v}}, [], []),
        ("webcamconsult", "/appointments.json",
         {"appointment": {"user_id": wid("user", user), "client_id": wid("resident", resident),
                          "date": "2015-07-01T15:41:24.306+02:00", "duration": 30}},
         lambda b, f, v: {"appointment": {**b["appointment"], f: v}}, ["date"], ["duration"]),
        ("updox", "/io/syncAppointments",
         {"appointments": [{"id": "bad-1", "patientId": "bad-p1", "date": "2015-12-30T09:00:00", "duration": 30,
                            "cancelled": False, "blocked": False, "summary": "bad input"}]},
         lambda b, f, v: {"appointments": [{**b["appointments"][0], f: v}]}, ["date"], ["duration"]),
        ("cliniko", "/v1/patients",
         {"first_name": "Bad", "last_name": "Input", "date_of_birth": "1937-01-21"}, top, [], []),
        ("cliniko", "/v1/individual_appointments",
         {"starts_at": "2016-07-01T09:00:00Z", "ends_at": "2016-07-01T09:45:00Z", "patient_id": str(resident),
          "practitioner_id": str(user)}, top, ["starts_at", "ends_at"], ["patient_id", "practitioner_id"]),
        ("cliniko", "/v1/attendees",
         {"appointment_id": str(ids["appointment"][1]), "patient_id": str(resident)}, top, [],
         ["appointment_id", "patient_id"]),
    ]


def lists(token):
    return [
        ("support", "/api/v1/get_tickets/0"), ("connect4", f"/api/{token}/tickets"),
        ("connect4", f"/api/{token}/all_residents"), ("webcamconsult", "/users.json"),
        ("webcamconsult", "/clients.json"), ("webcamconsult", "/appointments.json"), ("cliniko", "/v1/attendees"),
        ("cliniko", "/v1/patients"), ("cliniko", "/v1/individual_appointments"), ("cliniko", "/v1/bookings"),
        ("cliniko", "/v1/invoices"),
    ]


def corpus(body, place, dates, numbers):
    """(label, JSON body or raw bytes, content type) of input every write endpoint must refuse."""
    for field in dates:
        for value in OUT_OF_RANGE_DATES:
            yield f"{field}={value}", place(body, field, value), None
        if "duration" in json.dumps(body):
            yield f"{field}=9999-12-31T22:00:00Z + a day", place(
                place(body, field, "9999-12-31T22:00:00Z"), "duration", 1440), None
    for field in numbers:
        for value in [*NON_ASCII_NUMBERS, *HUGE_NUMBERS]:
            yield f"{field}={value!r}", place(body, field, value), None
    for nested in NESTED:
        yield f"nested {nested[:6]}…", nested.encode(), "application/json"
    text = json.dumps(body)
    yield "invalid UTF-8", text.replace("bad input", "bad \xff input").encode("latin-1", "replace") \
        if "bad input" in text else text.encode()[:-1] + b"\xff\xfe}", "application/json"
    yield "truncated JSON", text.encode()[:-2], "application/json"
    yield "a JSON string", b'"just a string"', "application/json"
    yield "text/plain", text.encode(), "text/plain"
    yield "application/xml", b"<ticket><title>x</title></ticket>", "application/xml"
    yield "oversize", b'{"padding": "' + b"x" * (10 * 1024 * 1024 + 1024) + b'"}', "application/json"


LENIENT = [  # may be accepted as text, but never a 5xx and never a list that stops answering
    ("lone surrogate", "\\ud800"), ("NUL byte", "a\\u0000b"), ("right-to-left override", "\\u202e"),
]


def send(server, partner, client, path, body, content_type):
    if isinstance(body, bytes):
        return call(server, partner, client, "post", path, raw=body, headers={"Content-Type": content_type})
    if content_type:
        return call(server, partner, client, "post", path, raw=json.dumps(body), headers={"Content-Type":
                                                                                           content_type})
    return call(server, partner, client, "post", path, body)


def refused_in_shape(scorecard, partner, label, answer):
    scorecard.answered(label, answer)
    if not (400 <= answer.status < 500 and in_shape(partner, answer)):
        scorecard.wrong(f"{label}: expected 4xx in shape, got {answer.status} "
                                               f"{answer.body[:160]!r}")


@pytest.fixture(scope="module")
def token(attack_server, attack_site):
    return authorize(attack_server, attack_site.clients[C])


def test_write_endpoints_refuse_the_corpus_and_write_nothing(attack_site, attack_server, world, token, scorecard):
    client = attack_site.clients[C]
    auth = {"applicationId": client.key, "applicationPassword": client.secret, "accountId": C, "userId": ""}
    before = row_counts(attack_site)
    for partner, path, body, place, dates, numbers in writes(token, world["corpus_ids"]):
        for label, sent, content_type in corpus(body, place, dates, numbers):
            if partner == "updox" and isinstance(sent, dict):
                sent = {**sent, "auth": auth}
            answer = send(attack_server, partner, client, path, sent, content_type)
            if partner == "updox" and answer.status == 200:
                # Updox refuses an item inside a 200: the item's status must say it failed.
                statuses = answer.json().get("statuses", [])
                scorecard.answered(f"{partner} {path} {label}", answer)
                if not statuses or any(s.get("success") for s in statuses):
                    scorecard.wrong(f"updox {label}: accepted {answer.body[:160]!r}")
                continue
            refused_in_shape(scorecard, partner, f"{partner} POST {path} {label}", answer)
    after = row_counts(attack_site)
    added = {kind: after[C][kind] - before[C][kind] for kind in before[C] if after[C][kind] != before[C][kind]}
    if added:
        scorecard.add("phantom_writes", n=sum(added.values()), finding=f"refused input wrote rows: {added}")
    assert scorecard.this_test() == []


def test_ids_and_pages_in_urls(attack_site, attack_server, world, token, scorecard):
    client, ids = attack_site.clients[C], world["corpus_ids"]
    ticket, resident, appointment = ids["ticket"][0], ids["resident"][0], ids["appointment"][0]
    paths = [("support", f"/api/v1/get_ticket_details/{n}") for n in spelled(ticket)]
    paths += [("support", f"/api/v1/close_ticket/{n}") for n in spelled(ticket)]
    paths += [("support", f"/api/v1/get_tickets/{n}") for n in spelled(resident)]
    paths += [("cliniko", f"/v1/patients/{n}") for n in spelled(resident)]
    paths += [("cliniko", f"/v1/individual_appointments/{n}/attendees") for n in spelled(appointment)]
    paths += [("connect4", f"/api/{token}/ticket_detail?ticket_id={n}") for n in spelled(ticket)]
    paths += [("webcamconsult", f"/client/{n}.json") for n in NON_ASCII_NUMBERS[:2]]
    paths += [("cliniko", f"/v1/patients/{2**70}"), ("support", f"/api/v1/get_ticket_details/{2**70}")]
    for partner, path in paths:
        target = urllib.parse.quote(path, safe="/?=&")  # as a client sends it: UTF-8, percent-encoded
        answer = call(attack_server, partner, client, "get", target)
        refused_in_shape(scorecard, partner, f"{partner} GET {path}", answer)
    # Pages: huge, negative, non-ASCII; a list may clamp (200) or refuse (4xx in shape), never fail.
    for partner, path in lists(token):
        for query in ("per_page=1000000000000", "per_page=-1", "per_page=٣", "page=100000000000000000000",
                      "page=²", "per_page=1e3"):
            answer = call(attack_server, partner, client, "get", path, query=urllib.parse.quote(query, safe="=&"))
            scorecard.answered(f"{partner} GET {path}?{query}", answer)
            if not (answer.status == 200 or 400 <= answer.status < 500 and in_shape(partner, answer)):
                scorecard.wrong(f"{partner} {path}?{query}: {answer.status} "
                                                       f"{answer.body[:160]!r}")
    # Long request lines: Cliniko filters of 10 KiB and 20 KiB.
    for size in (10 * 1024, 20 * 1024):
        query = "q[]=" + "last_name:~" + "a" * size
        answer = call(attack_server, "cliniko", client, "get", "/v1/patients", query=query)
        scorecard.answered(f"cliniko GET /v1/patients?q[]=<{size} bytes>", answer)
        if not (answer.status == 200 or 400 <= answer.status < 500 and in_shape("cliniko", answer)):
            scorecard.wrong(f"cliniko q[] of {size} bytes: {answer.status} "
                                                   f"{answer.body[:160]!r}")
    assert scorecard.this_test() == []


def test_odd_text_is_never_a_server_error_and_lists_still_answer(attack_site, attack_server, world, token,
                                                                  scorecard):
    client = attack_site.clients[C]
    auth = {"applicationId": client.key, "applicationPassword": client.secret, "accountId": C, "userId": ""}
    for partner, path, body, _place, _dates, _numbers in writes(token, world["corpus_ids"]):
        for label, escaped in LENIENT:
            text = json.dumps({**body, "auth": auth} if partner == "updox" else body)
            for name in ("bad input", "Attack", "Input"):
                if json.dumps(name) in text:
                    text = text.replace(json.dumps(name), json.dumps(name)[:-1] + escaped + '"', 1)
                    break
            answer = call(attack_server, partner, client, "post", path, raw=text,
                          headers={"Content-Type": "application/json"})
            scorecard.answered(f"{partner} POST {path} {label}", answer)
            if not (answer.status < 300 or 400 <= answer.status < 500 and in_shape(partner, answer)):
                scorecard.wrong(f"{partner} {path} {label}: {answer.status} "
                                                       f"{answer.body[:160]!r}")
    # Dates at the edges of what a datetime holds, and dates of birth far out: accepted or refused, but they
    # must not break anything, least of all the lists that show them afterwards.
    edges = [(partner, path, place(body, field, value), f"{field}={value}")
             for partner, path, body, place, dates, _numbers in writes(token, world["corpus_ids"])
             for field in dates for value in EDGE_DATES]
    edges += [("webcamconsult", "/clients.json", {"client": {"last_name": "Old", "date_of_birth": value}},
               f"date_of_birth={value}") for value in [*OUT_OF_RANGE_DATES, *EDGE_DATES]]
    edges += [("cliniko", "/v1/patients", {"first_name": "Old", "last_name": "Patient", "date_of_birth": value},
               f"date_of_birth={value}") for value in ["0001-01-01", "9999-12-31", "10000-01-01"]]
    for partner, path, body, label in edges:
        sent = {**body, "auth": auth} if partner == "updox" else body
        answer = call(attack_server, partner, client, "post", path, sent)
        scorecard.answered(f"{partner} POST {path} {label}", answer)
        if not (answer.status < 300 or 400 <= answer.status < 500 and in_shape(partner, answer)):
            scorecard.wrong(f"{partner} {path} {label}: {answer.status} "
                                                   f"{answer.body[:160]!r}")
    # The poisoned-list check: whatever was accepted above, every list of the organisation still answers.
    for partner, path in lists(token):
        answer = call(attack_server, partner, client, "get", path)
        scorecard.answered(f"{partner} GET {path} after the corpus", answer)
        if answer.status != 200:
            scorecard.wrong(f"poisoned list: {partner} {path} -> {answer.status} "
                                                   f"{answer.body[:160]!r}")
    assert scorecard.this_test() == []
