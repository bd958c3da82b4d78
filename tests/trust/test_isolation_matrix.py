"""The isolation matrix, generated from the URL configuration: organisation B's credentials against every
partner endpoint and admin page, with every id organisation A owns in every URL parameter and id-like body field.

Nothing of A may show (A's rows carry a marker that must never appear in a response to B) and nothing of A
may change. A new endpoint is covered without anyone remembering to add it; a new URL parameter name or a new
partner fails the test until it is taught here how to fill it or authenticate.
"""

import contextlib
import itertools
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from directory.models import AuditEvent, Division, Resident, User
from directory.staff_groups import ORGANISATION_ADMIN
from scheduling.choices import AppointmentKind
from scheduling.models import Appointment, Attendee, Invoice
from tests.factories import (
    AppointmentFactory,
    AttendeeFactory,
    CategoryAssessmentFactory,
    CategoryFactory,
    InvoiceFactory,
    MessageFactory,
    ResidentFactory,
    TicketFactory,
    UserFactory,
)
from tests.isolation import MARK, admin_urls, attempts, credentials, every_route_parameter_is_known
from tests.streaming import consumed
from tickets.models import Category, Message, Ticket

pytestmark = pytest.mark.django_db

WATCHED = (Ticket, Message, Category, Resident, User, Appointment, Attendee, Invoice)


@pytest.fixture
def world(tenant, other_tenant, settings):
    """Organisation A's rows, every one marked, of every kind a partner can address."""
    settings.HEALTHDESK_API_RATE = "1000000/min"  # the matrix is many requests from one client
    a = tenant.organisation
    a.name = f"{MARK} Sunny Meadows"
    a.save()
    tenant.resident.first_name = f"{MARK}-resident"
    tenant.resident.save()
    staff = UserFactory(organisation=a, last_name=f"{MARK}-user", username=f"{MARK.lower()}-staff")
    ticket = TicketFactory(organisation=a, resident=tenant.resident, title=f"{MARK}-ticket", assignee=staff)
    MessageFactory(ticket=ticket, body=f"{MARK}-message")
    category = CategoryFactory(organisation=a, name=f"{MARK}-category")
    CategoryAssessmentFactory(ticket=ticket, category=category)
    individual = AppointmentFactory(organisation=a, practitioner=staff, summary=f"{MARK}-appointment")
    attendee = AttendeeFactory(organisation=a, appointment=individual, resident=tenant.resident, notes=MARK)
    group = AppointmentFactory(organisation=a, practitioner=staff, kind=AppointmentKind.GROUP, details=MARK)
    AttendeeFactory(organisation=a, appointment=group, resident=ResidentFactory(organisation=a, last_name=MARK))
    invoice = InvoiceFactory(organisation=a, attendee=attendee, notes=MARK)
    division = Division.objects.create(organisation=a, name=f"{MARK}-division")
    ids = {
        "ticket": [ticket.pk], "resident": [tenant.resident.pk], "user": [staff.pk, tenant.staff.pk],
        "appointment": [individual.pk, group.pk], "attendee": [attendee.pk], "invoice": [invoice.pk],
        "category": [category.pk],
        # Cliniko's business ids: organisation N is 2N, division N is 2N + 1.
        "business": [2 * a.pk, 2 * division.pk + 1],
    }
    return {"a": tenant, "b": other_tenant, "ids": ids, "usernames": [staff.username]}


def snapshot(organisation):
    rows = {}
    for model in WATCHED:
        field = "ticket__organisation" if model is Message else "organisation"
        rows[model.__name__] = sorted(
            json.dumps(row, sort_keys=True, default=str)
            for row in model.objects.filter(**{field: organisation}).values()
        )
    return rows


def b_request(partner, b, method, path, body):
    """B's request through the test client, authenticated as the shared helper says B does on the wire."""
    client = Client()
    wire_headers, body_members = credentials(partner, key=b.key, secret=b.secret, organisation=b.organisation.slug)
    headers = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in wire_headers.items()}
    data = {**body, **body_members}
    call = getattr(client, method)
    if method == "get":
        return call(path, {k: v for k, v in data.items() if not isinstance(v, (dict, list))}, **headers)
    return call(path, json.dumps(data), content_type="application/json", **headers)


def test_partner_endpoints_never_show_or_change_another_organisations_data(world):
    from directory.services import access_token_issue

    a, b = world["a"], world["b"]
    before = snapshot(a.organisation)
    attempted, leaks, changed = 0, [], []
    token = access_token_issue(client=b.client)
    generated = attempts(world["ids"], access_token=token, admin=world["usernames"][0])
    for route, group in itertools.groupby(generated, key=lambda attempt: attempt[0]):
        for _route, partner, method, path, body in group:
            response = b_request(partner, b, method, path, body)
            attempted += 1
            content = b"".join(response.streaming_content) if response.streaming else response.content
            if MARK.encode() in content:
                leaks.append(f"{method.upper()} {path} -> {response.status_code}")
        now = snapshot(a.organisation)
        if now != before:
            changed.append(route)
            before = now
    print(f"isolation matrix (partner APIs): {attempted} attempts, {len(leaks)} leaks, {len(changed)} changes")
    assert attempted > 0
    assert leaks == []
    assert changed == []


def test_admin_pages_never_show_or_change_another_organisations_data(world, client):
    from django.urls import NoReverseMatch, reverse

    a, b = world["a"], world["b"]
    outsider = UserFactory(organisation=b.organisation, username="outsider")
    outsider.groups.add(Group.objects.get(name=ORGANISATION_ADMIN))
    client.force_login(outsider)
    before = snapshot(a.organisation)
    a_rows = {
        Ticket: world["ids"]["ticket"], Resident: world["ids"]["resident"], User: world["ids"]["user"],
        Appointment: world["ids"]["appointment"], Attendee: world["ids"]["attendee"],
        Invoice: world["ids"]["invoice"], Category: world["ids"]["category"],
        AuditEvent: list(AuditEvent.objects.filter(organisation=a.organisation).values_list("pk", flat=True)),
    }
    attempted, leaks = 0, []
    for model, name in admin_urls():
        # The changelist, and a search for each of A's ids (the search box echoes its term, so not the marker).
        pages = [reverse(f"{name}_changelist")]
        for pk in a_rows.get(model, []):
            pages.append(reverse(f"{name}_changelist") + f"?q={pk}")
            for view in ("change", "delete", "history"):
                with contextlib.suppress(NoReverseMatch):
                    pages.append(reverse(f"{name}_{view}", args=[pk]))
        for page in pages:
            for method in ("get", "post"):
                response = getattr(client, method)(page, {"post": "yes"} if method == "post" else None)
                attempted += 1
                if MARK.encode() in response.content:
                    leaks.append(f"{method.upper()} {page} -> {response.status_code}")
    print(f"isolation matrix (admin): {attempted} attempts, {len(leaks)} leaks")
    assert leaks == []
    assert snapshot(a.organisation) == before


def test_the_matrix_detects_a_leak(world):
    """The matrix must be able to fail: B's own row carrying the marker is seen."""
    b = world["b"]
    TicketFactory(organisation=b.organisation, resident=b.resident, title=f"{MARK}-own")
    response = consumed(b_request("support", b, "get", "/api/v1/get_tickets/0", {}))
    assert MARK.encode() in response.content


def test_every_partner_route_has_a_filler_for_each_parameter():
    assert every_route_parameter_is_known() == []
