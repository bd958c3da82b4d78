"""The isolation matrix, generated from the URL configuration: organisation B's credentials against every
partner endpoint and admin page, with every id organisation A owns in every URL parameter and id-like body field.

Nothing of A may show (A's rows carry a marker that must never appear in a response to B) and nothing of A
may change. A new endpoint is covered without anyone remembering to add it; a new URL parameter name or a new
partner fails the test until it is taught here how to fill it or authenticate.
"""

import base64
import contextlib
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
from tests.partners.test_conformance import concrete_path, partner_routes, route_params
from tests.streaming import consumed
from tickets.models import Category, Message, Ticket

pytestmark = pytest.mark.django_db

MARK = "ZZLEAKZZ"
ID_FIELDS = (
    "id", "ticketId", "ticket_id", "userId", "user_id", "client_id", "created_by_user_id", "resident_id",
    "booking_id", "patient_id", "appointment_id", "attendee_id", "category_id", "division_id", "updoxId",
)
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


# How organisation B authenticates to each partner API ------------------------------------------------------
def b_request(partner, b, method, path, body):
    client = Client()
    headers, data = {}, dict(body)
    if partner == "support":
        headers["HTTP_AUTHORIZATION"] = f"Token {b.secret}"
    elif partner == "webcamconsult":
        headers["HTTP_AUTHORIZATION"] = f"Token token={b.secret}"
    elif partner == "cliniko":
        headers["HTTP_AUTHORIZATION"] = "Basic " + base64.b64encode(f"{b.secret}:".encode()).decode()
        headers["HTTP_USER_AGENT"] = "isolation matrix (security@example.com)"
    elif partner == "connect4":
        headers.update(HTTP_API_KEY=b.key, HTTP_API_SECRET=b.secret)
    elif partner == "fhir":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {b.secret}"
    elif partner == "updox":
        data["auth"] = {"applicationId": b.key, "applicationPassword": b.secret, "accountId": b.organisation.slug}
    else:
        raise AssertionError(f"teach the isolation matrix how {partner} authenticates")
    call = getattr(client, method)
    if method == "get":
        return call(path, {k: v for k, v in data.items() if not isinstance(v, (dict, list))}, **headers)
    return call(path, json.dumps(data), content_type="application/json", **headers)


WEBCAMCONSULT_KINDS = {"resident": "client", "user": "user", "appointment": "appointment"}


def encode(partner, kind, pk):
    """An id as the partner writes it (Webcamconsult's 24-hex ids carry their kind)."""
    if partner == "webcamconsult" and kind in WEBCAMCONSULT_KINDS:
        from healthdesk.partners.webcamconsult.fields import encode_id

        return encode_id(WEBCAMCONSULT_KINDS[kind], pk)
    return str(pk)


def fill(param, world, value):
    if param == "access_token":
        from directory.services import access_token_issue

        return access_token_issue(client=world["b"].client)
    if param == "status":
        return "unresolved"
    if param in ("assigned_admin", "admin"):
        return world["usernames"][0]
    if param == "dontShowToUser":
        return "0"
    return value


def concrete_paths(partner, route, world):
    """The route with each of A's ids, of every kind, in its parameters."""
    if not route_params(route):
        yield concrete_path(route)
        return
    for kind, pks in world["ids"].items():
        for pk in pks:
            yield concrete_path(route, lambda name, kind=kind, pk=pk: fill(name, world, encode(partner, kind, pk)))


def test_partner_endpoints_never_show_or_change_another_organisations_data(world):
    a, b = world["a"], world["b"]
    before = snapshot(a.organisation)
    attempts, leaks, changed = 0, [], []
    a_ids = [(kind, pk) for kind, pks in world["ids"].items() for pk in pks]
    for route, callback in partner_routes():
        view = callback.view_class
        partner = view.partner.name
        methods = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)]
        for path in concrete_paths(partner, route, world):
            for method in methods:
                bodies = [{field: encode(partner, kind, pk) for field in ID_FIELDS} for kind, pk in a_ids]
                for body in bodies if method != "delete" else [{}]:
                    response = b_request(partner, b, method, path, body)
                    attempts += 1
                    content = b"".join(response.streaming_content) if response.streaming else response.content
                    if MARK.encode() in content:
                        leaks.append(f"{method.upper()} {path} -> {response.status_code}")
        now = snapshot(a.organisation)
        if now != before:
            changed.append(route)
            before = now
    print(f"isolation matrix (partner APIs): {attempts} attempts, {len(leaks)} leaks, {len(changed)} changes")
    assert attempts > 0
    assert leaks == []
    assert changed == []


def admin_urls():
    from django.contrib import admin

    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield model, name


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
    attempts, leaks = 0, []
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
                attempts += 1
                if MARK.encode() in response.content:
                    leaks.append(f"{method.upper()} {page} -> {response.status_code}")
    print(f"isolation matrix (admin): {attempts} attempts, {len(leaks)} leaks")
    assert leaks == []
    assert snapshot(a.organisation) == before


def test_the_matrix_detects_a_leak(world):
    """The matrix must be able to fail: B's own row carrying the marker is seen."""
    b = world["b"]
    TicketFactory(organisation=b.organisation, resident=b.resident, title=f"{MARK}-own")
    response = consumed(b_request("support", b, "get", "/api/v1/get_tickets/0", {}))
    assert MARK.encode() in response.content


def test_every_partner_route_has_a_filler_for_each_parameter(world):
    known = {"access_token", "status", "assigned_admin", "admin", "dontShowToUser"}
    for route, _callback in partner_routes():
        for name in route_params(route):
            assert name in known or name.endswith(("id", "Id", "pk")), (route, name)

