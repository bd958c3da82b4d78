"""Updox test helpers: the endpoint, a valid item, the vendor credentials, and row counts."""

from dataclasses import dataclass

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
