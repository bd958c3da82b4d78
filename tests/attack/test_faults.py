"""Faults, over the wire: PostgreSQL backends terminated while writers run, and Redis unreachable. Every
acknowledged write is stored, nothing refused is stored, the server answers again, and no fault is a 500."""

import threading
import time

import pytest

from tests.attack.conftest import A, call, in_shape, start
from tests.door.harness import Gunicorn, free_port

FAMILY = "faults"
WRITERS, REQUESTS_PER_WRITER, KILLS = 4, 12, 6


def is_postgres(site):
    return site.database_url.startswith(("postgres://", "postgresql://"))


def retry_later(answer):
    """A fault's honest answer: 503 with Retry-After, which a client may retry."""
    return answer.status == 503 and "retry-after" in answer.headers


def test_terminated_backends_lose_no_acknowledged_write(attack_site, attack_server, world, scorecard):
    if not is_postgres(attack_site):
        pytest.skip("terminating database backends needs PostgreSQL; .ci/run runs the suite there too")
    import psycopg

    client, resident = attack_site.clients[A], world["ids"]["resident"][0]
    answers, lock = [], threading.Lock()

    def writer(n):
        for i in range(REQUESTS_PER_WRITER):
            subject = f"fault writer {n} request {i}"
            answer = call(attack_server, "support", client, "post", "/api/v1/raise_ticket", {
                "type": "Fault", "subject": subject, "userId": resident, "comments": "while backends drop",
            })
            with lock:
                answers.append((subject, answer))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    killed = 0
    with psycopg.connect(attack_site.database_url, autocommit=True) as admin:
        for _ in range(KILLS):
            time.sleep(0.15)
            killed += admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()[0]
    for thread in threads:
        thread.join(timeout=120)
    with psycopg.connect(attack_site.database_url) as conn:
        stored = {row[0] for row in conn.execute(
            "SELECT title FROM tickets_ticket WHERE title LIKE 'fault writer %%'").fetchall()}
    for subject, answer in answers:
        scorecard.counts["attempts"] += 1
        if answer.status >= 500 and not retry_later(answer):
            scorecard.add("5xx", finding=f"{subject}: {answer.status} {answer.body[:160]!r}")
        if answer.status == 200 and subject not in stored:
            scorecard.add("writes_lost", finding=f"{subject} was acknowledged and is not stored")
        if 400 <= answer.status < 500 and subject in stored:
            scorecard.add("phantom_writes", finding=f"{subject} was refused ({answer.status}) and is stored")
    after = call(attack_server, "support", client, "get", "/api/v1/get_tickets/0")
    scorecard.answered("support get_tickets after the faults", after)
    if after.status != 200:
        scorecard.wrong(f"the server does not answer again: {after.status}")
    print(f"\nbackends terminated: {killed}; acknowledged: {sum(a.status == 200 for _s, a in answers)}; "
          f"503: {sum(a.status == 503 for _s, a in answers)}")
    assert len(answers) == WRITERS * REQUESTS_PER_WRITER
    assert scorecard.this_test() == []


def test_every_partner_answers_when_redis_is_down(attack_site, world, scorecard):
    """Rate limits count in Redis; with Redis unreachable a partner says 'retry later' or counts elsewhere."""
    closed = free_port()  # nothing listens there
    server = start(Gunicorn(attack_site, name="attack-redis-down", workers=1,
                            env={"REDIS_URL": f"redis://127.0.0.1:{closed}/6"}))
    client = attack_site.clients[A]
    auth = {"applicationId": client.key, "applicationPassword": client.secret, "accountId": A, "userId": ""}
    try:
        probes = [
            ("support", "get", "/api/v1/get_tickets/0", None),
            ("webcamconsult", "get", "/users.json", None),
            ("cliniko", "get", "/v1/attendees", None),
            ("connect4", "post", "/api/authorize", {}),
            ("updox", "post", "/io/syncAppointments", {"auth": auth, "appointments": []}),
        ]
        for partner, method, path, body in probes:
            answer = call(server, partner, None if partner == "updox" else client, method, path, body)
            if retry_later(answer):  # the honest answer of a fault, not a server error
                scorecard.counts["attempts"] += 1
            else:
                scorecard.answered(f"redis down: {partner} {method.upper()} {path}", answer)
            if not (answer.status == 200 or retry_later(answer) and in_shape(partner, answer)):
                scorecard.wrong(f"redis down: {partner} {path}: {answer.status} {answer.body[:160]!r}")
    finally:
        server.stop()
    assert scorecard.this_test() == []
