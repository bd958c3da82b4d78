"""Concurrency, over the wire: identical writes sent at the same instant to several gunicorn workers.
One of each may be created; the rest must find it (or be refused), never make a duplicate."""

import threading

import pytest

from tests.attack.conftest import C, authorize, call, in_shape, row_counts, start
from tests.door.harness import Gunicorn

FAMILY = "concurrency"


@pytest.fixture(scope="module")
def race_server(attack_site):
    """More workers than the main server, so the copies of a write really run side by side."""
    server = start(Gunicorn(attack_site, name="attack-race", workers=4))
    yield server
    server.stop()


def all_at_once(calls):
    """Run the calls in threads released together; their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers = [None] * len(calls)

    def run(i, fn):
        barrier.wait()
        answers[i] = fn()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_the_same_updox_batch_four_times(attack_site, race_server, scorecard):
    client = attack_site.clients[C]
    auth = {"applicationId": client.key, "applicationPassword": client.secret, "accountId": C, "userId": ""}
    items = [{"id": f"race-{n}", "patientId": f"race-p{n}", "date": "2016-01-04T09:00:00", "duration": 30,
              "cancelled": False, "blocked": False, "summary": f"race {n}"} for n in range(5)]
    before = row_counts(attack_site)[C]
    answers = all_at_once([
        lambda: call(race_server, "updox", client, "post", "/io/syncAppointments",
                     {"auth": auth, "appointments": items})
    ] * 4)
    after = row_counts(attack_site)[C]
    created = 0
    for answer in answers:
        scorecard.answered("updox batch", answer)
        if answer.status == 200:
            created += sum(1 for s in answer.json()["statuses"] if s.get("success") and s["message"] == "created")
        elif not (400 <= answer.status < 500 and in_shape("updox", answer)):
            scorecard.wrong(f"updox batch: {answer.status} {answer.body[:160]!r}")
    extra = after["appointments"] - before["appointments"] - len(items)
    if extra > 0:
        scorecard.add("phantom_writes", n=extra, finding=f"updox batch ×4 made {extra} duplicate appointments")
    if extra < 0 and any(a.status == 200 for a in answers):
        scorecard.add("writes_lost", n=-extra, finding=f"updox batch ×4 stored {-extra} items too few")
    if created != len(items):
        scorecard.wrong(f"updox batch ×4 reported {created} items created, not {len(items)}")
    assert scorecard.this_test() == []


def test_one_webcamconsult_email_in_eight_spellings(attack_site, race_server, scorecard):
    client = attack_site.clients[C]
    spellings = ["racer@example.com", "Racer@example.com", "RACER@EXAMPLE.COM", "racer@Example.com",
                 "rAcEr@eXaMpLe.CoM", "RACER@example.com", "racer@EXAMPLE.com", "Racer@Example.Com"]
    before = row_counts(attack_site)[C]["users"]
    answers = all_at_once([
        lambda email=email: call(race_server, "webcamconsult", client, "post", "/users.json",
                                 {"user": {"last_name": "Racer", "initials": "R", "email": email}})
        for email in spellings
    ])
    added = row_counts(attack_site)[C]["users"] - before
    for answer in answers:
        scorecard.answered("webcamconsult user", answer)
        if answer.status != 200 and not (answer.status == 422 and in_shape("webcamconsult", answer)):
            scorecard.wrong(f"webcamconsult user: {answer.status} {answer.body[:160]!r}")
    if added > 1:
        scorecard.add("phantom_writes", n=added - 1, finding=f"one email in 8 spellings made {added} users")
    ok = sum(answer.status == 200 for answer in answers)
    if ok != 1:
        scorecard.wrong(f"one email in 8 spellings: {ok} answered 200 (created), not 1")
    if added < ok and ok >= 1:
        scorecard.add("writes_lost", n=ok - added, finding=f"{ok} users acknowledged, {added} stored")
    assert scorecard.this_test() == []


def test_connect4_create_ticket_with_one_idempotency_key_eight_times(attack_site, race_server, world, scorecard):
    client = attack_site.clients[C]
    token = authorize(race_server, client)
    resident = world["corpus_ids"]["resident"][0]
    before = row_counts(attack_site)[C]["tickets"]
    body = {"title": "raced ticket", "resident_id": resident, "ticket_status": "New", "general_comments": "once",
            "urgency_status": "No Issue"}
    answers = all_at_once([
        lambda: call(race_server, "connect4", client, "post", f"/api/{token}/create_ticket", body,
                     headers={"Idempotency-Key": "attack-race-1"})
    ] * 8)
    added = row_counts(attack_site)[C]["tickets"] - before
    ids = set()
    for answer in answers:
        scorecard.answered("connect4 create_ticket", answer)
        if answer.status == 200:
            ids.add(answer.json()["ticket_id"])
        else:
            scorecard.wrong(f"connect4 create_ticket: {answer.status} {answer.body[:160]!r}")
    if added > 1:
        scorecard.add("phantom_writes", n=added - 1, finding=f"one idempotency key made {added} tickets")
    if len(ids) != 1:
        scorecard.wrong(f"one idempotency key answered {len(ids)} different ticket ids: {sorted(ids)}")
    if ids and added < 1:
        scorecard.add("writes_lost", finding="an acknowledged ticket is not stored")
    assert scorecard.this_test() == []
