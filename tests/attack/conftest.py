"""The attack suite's door: one production-shaped site and gunicorn per session, organisation A's marked rows,
organisation B's staff, and the calls every family makes as a partner app would, over real HTTP."""

import json
import re
import sys

import pytest

from tests.attack.scorecard import Scorecard
from tests.door.harness import FORWARDED_HTTPS, ISSUED_SECRETS, Gunicorn, provision, record_secret, request
from tests.isolation import MARK, credentials

# Rate limits are their own feature (tests/partners/*); here they would only hide what an attacker meets next.
# Every attack comes from one address and tries many wrong credentials: the failure limits (tested on their own in
# tests/trust/test_rate_limits.py) would turn the families' 401s and refusals into 429s.
NO_RATE_LIMIT = {
    "HEALTHDESK_API_RATE": "1000000/min",
    "HEALTHDESK_CLINIKO_RATE_LIMIT": "1000000/min",
    "HEALTHDESK_AUTH_FAILURES_PER_ADDRESS": "1000000/min",
    "HEALTHDESK_AUTH_FAILURES_PER_KEY": "1000000/min",
}
REDIS_DB = 6  # this suite's own Redis database
A, B = "sunny-meadows", "oak-lodge"
C = "elm-court"  # the bad-input and concurrency families write here, so what they break cannot fail the others

STARTED = []  # every server this session started: the secrets family reads all of their logs


def start(server):
    STARTED.append(server)
    return server.start()


@pytest.fixture(scope="session")
def attack_site():
    site = provision((A, B, C), redis_db=REDIS_DB, **NO_RATE_LIMIT)
    yield site
    site.close()


def secrets_found(servers):
    """'<log>: <secret prefix>…' for each issued secret that appears in a server's log."""
    issued = {line.strip() for line in ISSUED_SECRETS.read_text().splitlines() if len(line.strip()) >= 8}
    hits = []
    for server in servers:
        log = server.log() if server.log_path.exists() else ""
        hits += [f"{server.log_path.name}: {secret[:4]}…" for secret in sorted(issued) if secret in log]
    return hits


@pytest.fixture(scope="session")
def attack_server(attack_site):
    server = start(Gunicorn(attack_site, name="attack", workers=2))
    yield server
    server.stop()
    # Families that ran after test_secrets_in_logs (another xdist worker's order) are searched here too.
    hits = secrets_found(STARTED)
    assert hits == [], f"issued secrets in server logs: {hits}"


WORLD = f"""
import json
from directory.models import Organisation
from scheduling.choices import AppointmentKind
from tests.factories import (AppointmentFactory, AttendeeFactory, CategoryAssessmentFactory, CategoryFactory,
    InvoiceFactory, MessageFactory, ResidentFactory, TicketFactory, UrgencyFactory, UserFactory)
MARK = {MARK!r}
a = Organisation.objects.get(slug={A!r})
a.name = MARK + " Sunny Meadows"
a.save()
resident = ResidentFactory(organisation=a, first_name=MARK + "-resident")
staff = UserFactory(organisation=a, last_name=MARK + "-user", username=MARK.lower() + "-staff")
frontdesk = UserFactory(organisation=a, username="sunny-frontdesk")
ticket = TicketFactory(organisation=a, resident=resident, title=MARK + "-ticket", assignee=staff)
MessageFactory(ticket=ticket, body=MARK + "-message")
category = CategoryFactory(organisation=a, name=MARK + "-category")
CategoryAssessmentFactory(ticket=ticket, category=category)
individual = AppointmentFactory(organisation=a, practitioner=staff, summary=MARK + "-appointment")
attendee = AttendeeFactory(organisation=a, appointment=individual, resident=resident, notes=MARK)
group = AppointmentFactory(organisation=a, practitioner=staff, kind=AppointmentKind.GROUP, details=MARK)
AttendeeFactory(organisation=a, appointment=group, resident=ResidentFactory(organisation=a, last_name=MARK))
invoice = InvoiceFactory(organisation=a, attendee=attendee, notes=MARK)
UrgencyFactory(organisation=a, name="No Issue")
c = Organisation.objects.get(slug={C!r})
c_resident = ResidentFactory(organisation=c)
c_user = UserFactory(organisation=c, username="elm-staff")
c_individual = AppointmentFactory(organisation=c, practitioner=c_user)
AttendeeFactory(organisation=c, appointment=c_individual, resident=c_resident)
c_group = AppointmentFactory(organisation=c, practitioner=c_user, kind=AppointmentKind.GROUP)
c_ticket = TicketFactory(organisation=c, resident=c_resident, title="elm ticket")
UrgencyFactory(organisation=c, name="No Issue")
print(json.dumps({{
    "corpus_ids": {{"resident": [c_resident.pk], "user": [c_user.pk],
                    "appointment": [c_individual.pk, c_group.pk], "ticket": [c_ticket.pk]}},
    "ids": {{"ticket": [ticket.pk], "resident": [resident.pk], "user": [staff.pk, frontdesk.pk],
             "appointment": [individual.pk, group.pk], "attendee": [attendee.pk], "invoice": [invoice.pk],
             "category": [category.pk]}},
    "usernames": [staff.username],
}}))
"""


@pytest.fixture(scope="session")
def world(attack_site):
    """Organisation A's rows, each carrying MARK, of every kind a partner or the admin can address."""
    return json.loads(attack_site.shell(WORLD).strip().splitlines()[-1])


COUNT = """
import json
from directory.models import Organisation, Resident, User
from scheduling.models import Appointment, Attendee
from tickets.models import Message, Ticket
counts = {}
for org in Organisation.objects.all():
    counts[org.slug] = {
        "tickets": Ticket.objects.filter(organisation=org).count(),
        "messages": Message.objects.filter(ticket__organisation=org).count(),
        "residents": Resident.objects.filter(organisation=org).count(),
        "users": User.objects.filter(organisation=org).count(),
        "appointments": Appointment.objects.filter(organisation=org).count(),
        "attendees": Attendee.objects.filter(appointment__organisation=org).count(),
    }
print(json.dumps(counts))
"""


def row_counts(site):
    """Rows of every kind a partner can write, per organisation, read with the production settings."""
    return json.loads(site.shell(COUNT).strip().splitlines()[-1])


SNAPSHOT = f"""
import hashlib, json
from directory.models import Organisation, Resident, User
from scheduling.models import Appointment, Attendee, Invoice
from tickets.models import Category, Message, Ticket
a = Organisation.objects.get(slug={A!r})
digest = hashlib.sha256()
for model in (Ticket, Message, Category, Resident, User, Appointment, Attendee, Invoice):
    field = "ticket__organisation" if model is Message else "organisation"
    for row in model.objects.filter(**{{field: a}}).order_by("pk").values():
        row.pop("last_login", None)
        digest.update(json.dumps(row, sort_keys=True, default=str).encode())
print(digest.hexdigest())
"""


def snapshot_of_a(site):
    """A digest of every row of organisation A that a partner or staff member could change."""
    return site.shell(SNAPSHOT).strip().splitlines()[-1]


# Calls as a partner app makes them -------------------------------------------------------------------------
def authorize(server, client):
    """A Connect4 access token for a client, recorded as an issued secret."""
    answer = request("POST", server.url + "/api/authorize",
                     headers={**FORWARDED_HTTPS, "api_key": client.key, "api_secret": client.secret})
    assert answer.status == 200, answer.body
    token = answer.json()["access_token"]
    record_secret(token)
    return token


def call(server, partner, client, method, path, body=None, *, headers=None, raw=None, query=None):
    """One partner request over HTTP, authenticated as `client` (None: no credentials at all)."""
    wire, members = ({}, {}) if client is None else credentials(
        partner, key=client.key, secret=client.secret, organisation=client.organisation)
    sent = {**FORWARDED_HTTPS, **wire, **(headers or {})}
    target = server.url + path
    if query:
        target += ("&" if "?" in target else "?") + query
    if raw is not None:
        return request(method.upper(), target, headers=sent, body=raw)
    if method == "get" or method == "delete" and not body:
        return request(method.upper(), target, headers=sent)
    return request(method.upper(), target, headers=sent, body={**(body or {}), **members})


# Each partner's error shape -------------------------------------------------------------------------------
def in_shape(partner, answer):
    """Whether an error answer is in the partner's documented error body."""
    try:
        body = answer.json()
    except ValueError:
        return False
    if not isinstance(body, dict):
        return False
    if partner == "connect4":
        return body.get("status") is False and "message" in body
    if partner == "webcamconsult":
        return isinstance(body.get("errors"), dict)
    if partner == "updox":
        return body.get("successful") is False and body.get("responseCode") == answer.status * 10
    if partner == "support":
        return body.get("status") == "error" and body.get("errorCode") == answer.status
    if partner == "cliniko":
        return isinstance(body.get("message"), str)
    raise AssertionError(partner)


@pytest.fixture(scope="module")
def scorecard(request):
    """The module's family scorecard, printed and saved for the session summary when the module ends."""
    card = Scorecard(request.module.FAMILY)
    yield card
    card.save()
    sys.stdout.write("\n" + card.line() + "\n")


@pytest.fixture(autouse=True)
def _scorecard_per_test(request):
    if hasattr(request.module, "FAMILY"):
        card = request.getfixturevalue("scorecard")
        card.mark = len(card.findings)


def leaked(answer):
    return MARK.encode() in answer.body


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
