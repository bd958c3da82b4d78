"""Faults lose nothing: writes acknowledged while PostgreSQL drops connections are all stored, and the server
answers again without a restart."""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tickets.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 4
REQUESTS_PER_WRITER = 15
KILLS = 6


def post(url, secret, body):
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Token {secret}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def terminate_other_backends():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_acknowledged_tickets_survive_terminated_connections(live_server, tenant):
    url = f"{live_server.url}/api/v1/raise_ticket"
    acknowledged, answers, lock = [], [], threading.Lock()

    def writer(n):
        for i in range(REQUESTS_PER_WRITER):
            status, body = post(url, tenant.secret, {
                "type": "Fault", "subject": f"writer {n} request {i}", "userId": tenant.resident.pk,
                "comments": "sent while the database drops connections",
            })
            with lock:
                answers.append(status)
                if status == 200:
                    acknowledged.append(int(body["ticketId"]))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    killed = 0
    for _ in range(KILLS):
        time.sleep(0.15)
        killed += terminate_other_backends()
    for thread in threads:
        thread.join(timeout=120)

    stored = set(Ticket.objects.filter(pk__in=acknowledged).values_list("pk", flat=True))
    lost = set(acknowledged) - stored
    print(f"fault scenario: {len(answers)} requests, {len(acknowledged)} acknowledged, "
          f"{answers.count(503)} answered 503, {killed} backends terminated, {len(lost)} acknowledged writes lost")
    assert len(answers) == WRITERS * REQUESTS_PER_WRITER
    assert set(answers) <= {200, 503}, answers  # a dropped connection is a 503 to retry, never a 500
    assert lost == set()
    assert acknowledged, "some writes must have gone through"
    # Without a restart, the server answers again.
    status, _ = post(url, tenant.secret, {"type": "After", "subject": "after the faults",
                                          "userId": tenant.resident.pk, "comments": "still here"})
    assert status == 200
