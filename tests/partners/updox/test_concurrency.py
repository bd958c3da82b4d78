"""Two identical batches at the same moment, on PostgreSQL with real threads: no duplicate rows."""

import threading

import pytest
from django.db import connection
from django.test import Client

from directory.models import Resident, ResidentIdentifier
from scheduling.models import Appointment, Attendee
from tests.partners.updox.support import URL, item

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL (DATABASE_URL=postgres://…).")


def test_two_identical_batches_at_once_leave_no_duplicates(vendor, tenant):
    batch = {"appointments": [item(n) for n in range(200)], "auth": vendor.auth()}
    residents_before = Resident.objects.count()
    start = threading.Barrier(2)
    responses = []

    def post():
        try:
            start.wait()
            responses.append(Client().post(URL, batch, content_type="application/json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [200, 200]
    for response in responses:
        assert all(status["success"] for status in response.json()["statuses"])
    assert Appointment.objects.filter(organisation=tenant.organisation).count() == 200
    assert ResidentIdentifier.objects.filter(organisation=tenant.organisation, system="updox").count() == 200
    assert Resident.objects.count() == residents_before + 200
    assert Attendee.objects.filter(deleted_at__isnull=True).count() == 200
    assert all(a.attendees.count() == 1 for a in Appointment.objects.prefetch_related("attendees"))
