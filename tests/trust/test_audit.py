"""Every create, update and delete of personal data leaves exactly one audit event with actor and organisation."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from directory import services as directory_services
from directory.models import AuditEvent
from scheduling import services as scheduling_services
from scheduling.choices import AppointmentKind
from tests.factories import AppointmentFactory, AttendeeFactory, TicketFactory
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db


def one_event(tenant, actor, action, object_type, operation):
    """Run `operation`; exactly one audit event of this kind appears, naming the actor and the organisation."""
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    result = operation()
    new = AuditEvent.objects.exclude(pk__in=before).filter(action=action, object_type=object_type)
    assert new.count() == 1, (object_type, action, list(new.values("action", "object_type")))
    event = new.get()
    assert event.organisation_id == tenant.organisation.pk
    assert (event.actor_user, event.actor_client, event.channel) == (actor.user, actor.client, actor.channel)
    return result, event


def test_residents(tenant):
    actor = tenant.actor
    resident, created = one_event(
        tenant,
        actor,
        "create",
        "directory.resident",
        lambda: directory_services.resident_create(
            organisation=tenant.organisation, actor=actor, first_name="Ann", last_name="Bos"
        ),
    )
    assert created.changes["first_name"] == "Ann"
    _, updated = one_event(
        tenant,
        actor,
        "update",
        "directory.resident",
        lambda: directory_services.resident_update(resident=resident, actor=actor, last_name="Vos"),
    )
    assert updated.changes == {"last_name": ["Bos", "Vos"]}
    one_event(
        tenant,
        actor,
        "delete",
        "directory.resident",
        lambda: directory_services.resident_archive(resident=resident, actor=actor),
    )


def test_users_and_api_clients(tenant):
    actor = tenant.actor
    user, _ = one_event(
        tenant,
        actor,
        "create",
        "directory.user",
        lambda: directory_services.user_create(
            organisation=tenant.organisation, actor=actor, email="n@example.com", last_name="Nurse"
        ),
    )
    _, updated = one_event(
        tenant,
        actor,
        "update",
        "directory.user",
        lambda: directory_services.user_update(user=user, actor=actor, city="Utrecht"),
    )
    assert updated.changes == {"city": ["", "Utrecht"]}
    one_event(
        tenant, actor, "delete", "directory.user", lambda: directory_services.user_deactivate(user=user, actor=actor)
    )
    issued, created = one_event(
        tenant,
        actor,
        "create",
        "directory.apiclient",
        lambda: directory_services.api_client_create(organisation=tenant.organisation, name="App", actor=actor),
    )
    assert issued.secret not in str(created.changes)
    one_event(
        tenant,
        actor,
        "update",
        "directory.apiclient",
        lambda: directory_services.api_client_rotate(client=issued.client, actor=actor),
    )
    one_event(
        tenant,
        actor,
        "revoke",  # issue #16: a revoke is recorded as what it is
        "directory.apiclient",
        lambda: directory_services.api_client_revoke(client=issued.client, actor=actor),
    )


def test_tickets_messages_and_attachments(tenant):
    actor = tenant.api_actor  # an API client acting through a partner channel
    png = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    ticket, _ = one_event(
        tenant,
        actor,
        "create",
        "tickets.ticket",
        lambda: ticket_services.ticket_create(
            organisation=tenant.organisation,
            actor=actor,
            title="Fell",
            resident=tenant.resident,
            first_message="first",
            attachments=[("attachment_1", png)],
        ),
    )
    assert AuditEvent.objects.filter(object_type="tickets.message", action="create").count() == 1
    assert AuditEvent.objects.filter(object_type="tickets.attachment", action="create").count() == 1
    for operation in [
        lambda: ticket_services.ticket_update(ticket=ticket, actor=actor, title="Fell twice"),
        lambda: ticket_services.ticket_status_change(ticket=ticket, actor=actor, status="in_progress"),
        lambda: ticket_services.ticket_assign(ticket=ticket, actor=actor, assignee=tenant.staff),
        lambda: ticket_services.ticket_close(ticket=ticket, actor=actor),
        lambda: ticket_services.ticket_reopen(ticket=ticket, actor=actor),
        lambda: ticket_services.ticket_rate(ticket=ticket, actor=actor, rating=4, resident=tenant.resident),
    ]:
        one_event(tenant, actor, "update", "tickets.ticket", operation)
    one_event(
        tenant,
        actor,
        "create",
        "tickets.message",
        lambda: ticket_services.ticket_message_add(ticket=ticket, actor=actor, body="reply"),
    )
    one_event(
        tenant,
        actor,
        "create",
        "tickets.attachment",
        lambda: ticket_services.ticket_attachment_add(
            ticket=ticket, actor=actor, upload=SimpleUploadedFile("n.txt", b"plain note")
        ),
    )


def test_appointments_and_attendees(tenant):
    actor = tenant.actor
    starts = timezone.now() + timedelta(days=1)
    appointment, _ = one_event(
        tenant,
        actor,
        "create",
        "scheduling.appointment",
        lambda: scheduling_services.appointment_create(
            organisation=tenant.organisation, actor=actor, starts_at=starts, resident=tenant.resident
        ),
    )
    assert AuditEvent.objects.filter(object_type="scheduling.attendee", action="create").count() == 1
    _, updated = one_event(
        tenant,
        actor,
        "update",
        "scheduling.appointment",
        lambda: scheduling_services.appointment_update(appointment=appointment, actor=actor, duration_minutes=45),
    )
    assert updated.changes == {"duration_minutes": [30, 45]}
    one_event(
        tenant,
        actor,
        "update",
        "scheduling.appointment",
        lambda: scheduling_services.appointment_cancel(appointment=appointment, actor=actor, reason=50),
    )
    one_event(
        tenant,
        actor,
        "delete",
        "scheduling.appointment",
        lambda: scheduling_services.appointment_delete(appointment=appointment, actor=actor),
    )
    one_event(
        tenant,
        actor,
        "update",
        "scheduling.appointment",
        lambda: scheduling_services.appointment_restore(appointment=appointment, actor=actor),
    )

    group = AppointmentFactory(organisation=tenant.organisation, practitioner=tenant.staff, kind=AppointmentKind.GROUP)
    attendee, _ = one_event(
        tenant,
        actor,
        "create",
        "scheduling.attendee",
        lambda: scheduling_services.attendee_create(appointment=group, actor=actor, resident=tenant.resident),
    )
    one_event(
        tenant,
        actor,
        "update",
        "scheduling.attendee",
        lambda: scheduling_services.attendee_update(attendee=attendee, actor=actor, arrived=True),
    )
    one_event(
        tenant,
        actor,
        "update",
        "scheduling.attendee",
        lambda: scheduling_services.attendee_cancel(attendee=attendee, actor=actor, reason=30),
    )
    one_event(
        tenant,
        actor,
        "delete",
        "scheduling.attendee",
        lambda: scheduling_services.attendee_delete(attendee=attendee, actor=actor),
    )
    one_event(
        tenant,
        actor,
        "update",
        "scheduling.attendee",
        lambda: scheduling_services.attendee_restore(attendee=attendee, actor=actor),
    )


def test_individual_cancel_audits_the_attendee_it_cancels_too(tenant):
    appointment = AppointmentFactory(organisation=tenant.organisation, practitioner=tenant.staff)
    attendee = AttendeeFactory(organisation=tenant.organisation, appointment=appointment, resident=tenant.resident)
    scheduling_services.appointment_cancel(appointment=appointment, actor=tenant.actor, reason=10)
    event = AuditEvent.objects.get(object_type="scheduling.attendee", object_id=str(attendee.pk))
    assert event.changes == {"cancellation_reason": [None, 10]}


def test_the_trail_is_read_only_in_the_admin(client, tenant):
    from django.contrib.auth.models import Permission

    TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    directory_services.resident_update(resident=tenant.resident, actor=tenant.actor, notes="x")
    event = AuditEvent.objects.first()
    tenant.staff.user_permissions.set(Permission.objects.all())
    client.force_login(tenant.staff)
    assert client.get("/admin/directory/auditevent/").status_code == 200
    change = client.post(f"/admin/directory/auditevent/{event.pk}/change/", {"action": "delete"})
    assert change.status_code in (302, 403) or "readonly" in change.content.decode()
    assert client.get(f"/admin/directory/auditevent/{event.pk}/delete/").status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_bulk_sync_writes_are_audited_like_any_other(tenant):
    from scheduling.models import Appointment, Attendee
    from sync import services as sync_services

    def sync(items):
        return sync_services.appointments_sync(
            organisation=tenant.organisation, actor=tenant.api_actor, system="acme", items=items
        )

    sync([{"id": str(n), "patientId": f"p{n}", "date": "2015-12-30T09:00:00", "duration": 30} for n in range(3)])
    events = AuditEvent.objects.filter(actor_client=tenant.client, organisation=tenant.organisation)
    created = {(e.object_type, e.object_id) for e in events.filter(action="create")}
    assert {("scheduling.appointment", str(pk)) for pk in Appointment.objects.values_list("pk", flat=True)} <= created
    assert {("scheduling.attendee", str(pk)) for pk in Attendee.objects.values_list("pk", flat=True)} <= created
    assert events.filter(action="create", object_type="directory.resident").count() == 3
    sync([{"id": "1", "patientId": "p1", "date": "2015-12-30T10:00:00", "duration": 30}])
    moved = events.filter(action="update", object_type="scheduling.appointment").get()
    assert moved.object_id == str(Appointment.objects.get(source_id="1").pk)


def test_removing_a_user_without_history_is_audited_as_a_delete(tenant):
    user = directory_services.user_create(
        organisation=tenant.organisation, actor=tenant.actor, email="temp@example.com", last_name="Temp"
    )
    pk = user.pk
    _, event = one_event(tenant, tenant.actor, "delete", "directory.user",
                         lambda: directory_services.user_remove(user=user, actor=tenant.actor))
    assert event.object_id == str(pk)


def test_partner_reads_of_resident_records_are_audited(tenant, client):
    from healthdesk.partners.webcamconsult.fields import encode_id

    headers = {"HTTP_AUTHORIZATION": f"Token token={tenant.secret}"}
    assert client.get(f"/client/{encode_id('client', tenant.resident.pk)}.json", **headers).status_code == 200
    read = AuditEvent.objects.get(action="read", object_type="directory.resident")
    assert (read.object_id, read.actor_client, read.channel) == (str(tenant.resident.pk), tenant.client,
                                                                   "webcamconsult")
    b"".join(client.get("/clients.json?page=1", **headers).streaming_content)
    listed = AuditEvent.objects.filter(action="read", object_type="directory.resident").exclude(pk=read.pk).get()
    assert listed.changes == {"list": {"page": ["1"]}}
    assert listed.organisation == tenant.organisation


def test_a_list_read_with_nul_bytes_in_its_query_is_still_audited(tenant, client):
    from directory.services import access_token_issue

    token = access_token_issue(client=tenant.client)
    response = client.get(f"/api/{token}/all_residents?%00name=%00value&format=json",
                          HTTP_API_KEY=tenant.key, HTTP_API_SECRET=tenant.secret)
    assert response.status_code == 200
    read = AuditEvent.objects.get(action="read", object_type="directory.resident")
    assert read.changes == {"list": {"name": ["value"], "format": ["json"]}}


def test_cliniko_reads_that_name_a_patient_are_audited(tenant):
    """Individual appointments and bookings carry `patient_name`: a read of the resident's record, audited like
    Cliniko's own patient reads — the resident read for a record, the query (never the key) for a list."""
    from tests.partners.cliniko.conftest import ClinikoClient

    api = ClinikoClient(tenant.secret)
    appointment = AppointmentFactory(organisation=tenant.organisation, kind=AppointmentKind.INDIVIDUAL)
    AttendeeFactory(appointment=appointment, resident=tenant.resident)
    reads = AuditEvent.objects.filter(action="read", object_type="directory.resident", channel="cliniko")

    for url in (f"/v1/individual_appointments/{appointment.pk}", f"/v1/bookings/{appointment.pk}"):
        before = set(reads.values_list("pk", flat=True))
        response = api.get(url)
        assert response.status_code == 200 and response.json()["patient_name"]
        read = reads.exclude(pk__in=before).get()
        assert (read.object_id, read.changes) == (str(tenant.resident.pk), {"ids": [str(tenant.resident.pk)]})
        assert (read.organisation, read.actor_client) == (tenant.organisation, tenant.client)

    for url in ("/v1/individual_appointments", "/v1/bookings"):
        before = set(reads.values_list("pk", flat=True))
        response = api.get(url, {"per_page": "5"})
        assert response.status_code == 200
        read = reads.exclude(pk__in=before).get()
        assert read.changes == {"list": {"per_page": ["5"]}}
        assert tenant.secret not in str(read.changes)
