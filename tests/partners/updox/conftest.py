"""Updox fixtures: a vendor client granted the tenant's practice, and a poster that fills in the `auth` block."""

from dataclasses import dataclass

import pytest

from directory import services as directory_services
from directory.models import Resident, ResidentIdentifier
from scheduling.models import Appointment, AppointmentEvent, Attendee
from sync.models import SyncItemResult, SyncRun

URL = "/io/syncAppointments"


@dataclass
class Vendor:
    """A vendor API client (applicationId/applicationPassword) granted one practice (accountId)."""

    client: object
    secret: str
    account: str

    def auth(self, **overrides):
        return {"applicationId": self.client.key, "applicationPassword": self.secret, "accountId": self.account,
                "userId": "", **overrides}


@pytest.fixture
def vendor(tenant):
    issued = directory_services.api_client_create(organisation=tenant.organisation, name="EHR vendor", is_vendor=True)
    return Vendor(issued.client, issued.secret, tenant.organisation.slug)


@pytest.fixture
def sync(client, vendor):
    """POST a batch with the vendor's credentials; returns the response."""

    def post(appointments, auth=None, raw=None):
        body = raw if raw is not None else {"appointments": appointments, "auth": auth or vendor.auth()}
        return client.post(URL, body, content_type="application/json")

    return post


def item(n, **fields):
    """A valid item with vendor id `n`, patient `p<n>`, on 30 December 2015 at 09:00 practice time."""
    return {"id": str(n), "patientId": f"p{n}", "date": "2015-12-30T09:00:00", "duration": 30,
            "cancelled": False, "blocked": False, "locationId": "loc", "calendarId": "cal", "typeId": "type",
            "summary": f"summary {n}", "details": "details", **fields}


def counts():
    """Row counts of everything a sync may write, to prove that a refused request wrote nothing."""
    return {model.__name__: model.objects.count() for model in (
        Appointment, Attendee, Resident, ResidentIdentifier, AppointmentEvent, SyncRun, SyncItemResult,
    )}
