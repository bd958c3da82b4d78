"""Case variants of one email posted at the same moment (issue #16, Trust II finding 4): one user is created and
every other request is answered with the documented 422 on `email`, never a 409 or a second user."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from django.db import connection

from directory.models import User

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VARIANTS = [
    "race@example.com", "Race@example.com", "RACE@example.com", "race@Example.com",
    "race@EXAMPLE.COM", "rAcE@example.com", "Race@Example.Com", "RACE@EXAMPLE.COM",
]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL (DATABASE_URL=postgres://…).")


def post_user(url, secret, email):
    body = {"user": {"titles": "Dokter", "initials": "R", "last_name": "Race", "email": email}}
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Token token={secret}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_case_variants_raced_create_one_user_and_the_rest_get_422_on_email(live_server, tenant):
    url = f"{live_server.url}/users.json"
    start = threading.Barrier(len(VARIANTS))
    answers = []

    def post(email):
        start.wait()
        answers.append(post_user(url, tenant.secret, email))

    threads = [threading.Thread(target=post, args=(email,)) for email in VARIANTS]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] + [422] * (len(VARIANTS) - 1), answers
    for status, body in answers:
        if status == 422:
            assert body == {"errors": {"email": ["has already been taken"]}}
    assert User.objects.filter(organisation=tenant.organisation, email__iexact="race@example.com").count() == 1
