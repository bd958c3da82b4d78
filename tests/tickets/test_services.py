"""The ticket lifecycle rules, tested once at the service level."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from healthdesk.exceptions import Conflict, Invalid, NotFound, PermissionDenied
from tests.factories import CategoryFactory, ResidentFactory, TicketFactory, UrgencyFactory, UserFactory
from tickets import services
from tickets.choices import EventKind, Priority, TicketStatus
from tickets.models import Attachment, CategoryAssessment, Message, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def create(tenant, **kwargs):
    defaults = {
        "organisation": tenant.organisation, "actor": tenant.actor, "title": "Fell", "resident": tenant.resident,
    }
    return services.ticket_create(**{**defaults, **kwargs})


def test_create_records_assessments_messages_attachments_and_an_event(tenant):
    category = CategoryFactory(organisation=tenant.organisation)
    ticket = create(
        tenant,
        first_message="Found on the floor",
        assessments=[services.AssessmentInput(category.pk, "issue", "Bruise on the arm")],
        attachments=[("attachment_1", SimpleUploadedFile("photo.png", PNG, content_type="text/plain"))],
    )
    assert ticket.status == TicketStatus.NEW
    assert CategoryAssessment.objects.get(ticket=ticket).status == "issue"
    assert list(Message.objects.filter(ticket=ticket).values_list("body", "category")) == [
        ("Found on the floor", None), ("Bruise on the arm", category.pk),
    ]
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.content_type == "image/png"  # sniffed from the bytes, not the claimed type
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.CREATED).get()
    assert event.actor_user == tenant.staff


def test_due_time_follows_the_organisations_priority_policy(tenant):
    tenant.organisation.due_hours_urgent = 2
    tenant.organisation.save()
    before = timezone.now()
    ticket = create(tenant, priority=Priority.URGENT)
    assert before + timedelta(hours=2) <= ticket.due_at <= timezone.now() + timedelta(hours=2)
    low = create(tenant, priority=Priority.LOW)
    assert low.due_at - low.created_at == pytest.approx(timedelta(hours=72), abs=timedelta(seconds=5))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "  "}, "title"),
        ({"status": "pending"}, "status"),
        ({"priority": "whenever"}, "priority"),
        ({"assessments": [services.AssessmentInput(999999, "issue")]}, "category_999999"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(tenant, kwargs, field):
    with pytest.raises(Invalid) as caught:
        create(tenant, **kwargs)
    assert caught.value.field == field
    assert Ticket.objects.count() == 0
    assert Message.objects.count() == 0


def test_a_bad_assessment_status_rolls_back_the_whole_ticket(tenant):
    category = CategoryFactory(organisation=tenant.organisation)
    with pytest.raises(Invalid) as caught:
        create(tenant, first_message="hello", assessments=[services.AssessmentInput(category.pk, "catastrophe")])
    assert caught.value.field == f"category_{category.pk}"
    assert (Ticket.objects.count(), Message.objects.count(), CategoryAssessment.objects.count()) == (0, 0, 0)


def test_a_rejected_attachment_rolls_back_the_whole_ticket(tenant):
    exe = SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)
    with pytest.raises(Invalid) as caught:
        create(tenant, attachments=[("attachment_1", exe)])
    assert caught.value.field == "attachment_1"
    assert Ticket.objects.count() == 0


def test_another_organisations_resident_category_or_urgency_is_refused(tenant, other_tenant):
    with pytest.raises(NotFound):
        create(tenant, resident=other_tenant.resident)
    foreign_category = CategoryFactory(organisation=other_tenant.organisation)
    with pytest.raises(Invalid):
        create(tenant, assessments=[services.AssessmentInput(foreign_category.pk, "issue")])
    with pytest.raises(Invalid):
        create(tenant, urgency=UrgencyFactory(organisation=other_tenant.organisation))
    assert Ticket.objects.count() == 0


def test_idempotency_key_returns_the_first_ticket(tenant):
    first = create(tenant, idempotency_key="abc-123")
    again = create(tenant, idempotency_key="abc-123", title="Different")
    assert again.pk == first.pk
    assert Ticket.objects.count() == 1


def test_status_changes_walk_the_canonical_set_and_record_events(tenant):
    ticket = create(tenant)
    services.ticket_status_change(ticket=ticket, actor=tenant.actor, status=TicketStatus.IN_PROGRESS)
    services.ticket_status_change(ticket=ticket, actor=tenant.actor, status=TicketStatus.ON_HOLD)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ON_HOLD
    changes = list(TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED)
                   .values_list("from_value", "to_value"))
    assert changes == [("new", "in_progress"), ("in_progress", "on_hold")]
    with pytest.raises(Invalid):
        services.ticket_status_change(ticket=ticket, actor=tenant.actor, status="Done")


def test_reopen_only_when_closed(tenant):
    ticket = create(tenant)
    with pytest.raises(Conflict):
        services.ticket_reopen(ticket=ticket, actor=tenant.actor, reason="again")
    with pytest.raises(Conflict):
        services.ticket_status_change(ticket=ticket, actor=tenant.actor, status=TicketStatus.REOPENED)
    services.ticket_close(ticket=ticket, actor=tenant.actor, resolution_type="Fixed", resolution_subject="Done")
    with pytest.raises(Conflict):
        services.ticket_close(ticket=ticket, actor=tenant.actor)
    reopened = services.ticket_reopen(ticket=ticket, actor=tenant.actor, reason="It hurts again")
    assert reopened.status == TicketStatus.REOPENED
    assert reopened.closed_at is None
    assert Message.objects.filter(ticket=ticket, body="It hurts again").exists()
    closed_again = services.ticket_close(ticket=reopened, actor=tenant.actor)
    assert closed_again.status == TicketStatus.CLOSED
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == [EventKind.CREATED, EventKind.CLOSED, EventKind.REOPENED, EventKind.MESSAGE_ADDED,
                     EventKind.CLOSED]


def test_moving_a_closed_ticket_to_an_open_status_is_a_reopen(tenant):
    ticket = create(tenant)
    services.ticket_close(ticket=ticket, actor=tenant.actor)
    moved = services.ticket_status_change(ticket=ticket, actor=tenant.actor, status=TicketStatus.IN_PROGRESS)
    assert moved.status == TicketStatus.IN_PROGRESS
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.REOPENED).count() == 1


@pytest.mark.parametrize("rating", [0, 6, -1, "five", None, 2.5])
def test_rating_outside_one_to_five_is_refused(tenant, rating):
    ticket = create(tenant)
    with pytest.raises(Invalid) as caught:
        services.ticket_rate(ticket=ticket, actor=tenant.actor, rating=rating, resident=tenant.resident)
    assert caught.value.field == "rating"
    ticket.refresh_from_db()
    assert ticket.rating is None


def test_a_new_rating_replaces_the_old_and_only_the_requester_rates(tenant):
    ticket = create(tenant)
    services.ticket_rate(ticket=ticket, actor=tenant.actor, rating=2, resident=tenant.resident)
    services.ticket_rate(ticket=ticket, actor=tenant.actor, rating="5", resident=tenant.resident)
    ticket.refresh_from_db()
    assert ticket.rating == 5
    stranger = ResidentFactory(organisation=tenant.organisation)
    with pytest.raises(PermissionDenied):
        services.ticket_rate(ticket=ticket, actor=tenant.actor, rating=1, resident=stranger)
    ticket.refresh_from_db()
    assert ticket.rating == 5


def test_rating_constraint_holds_in_the_database(tenant):
    from django.db import IntegrityError, transaction

    ticket = create(tenant)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(rating=7)


def test_assign_only_to_active_staff_of_the_same_organisation(tenant, other_tenant):
    ticket = create(tenant)
    services.ticket_assign(ticket=ticket, actor=tenant.actor, assignee=tenant.staff)
    ticket.refresh_from_db()
    assert ticket.assignee == tenant.staff
    with pytest.raises(NotFound):
        services.ticket_assign(ticket=ticket, actor=tenant.actor, assignee=other_tenant.staff)
    gone = UserFactory(organisation=tenant.organisation, is_active=False)
    with pytest.raises(NotFound):
        services.ticket_assign(ticket=ticket, actor=tenant.actor, assignee=gone)
    ticket.refresh_from_db()
    assert ticket.assignee == tenant.staff
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).count() == 1


def test_messages_need_text_and_a_category_of_the_organisation(tenant, other_tenant):
    ticket = create(tenant)
    with pytest.raises(Invalid) as caught:
        services.ticket_message_add(ticket=ticket, actor=tenant.actor, body="   ")
    assert caught.value.field == "body"
    foreign = CategoryFactory(organisation=other_tenant.organisation)
    with pytest.raises(Invalid) as caught:
        services.ticket_message_add(ticket=ticket, actor=tenant.actor, body="hi", category=foreign.pk)
    assert caught.value.field == "category_id"
    message = services.ticket_message_add(
        ticket=ticket, actor=tenant.api_actor, body="Looking at it", sender_kind="admin", visible_to_requester=False
    )
    assert message.author_client == tenant.client
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_update_changes_descriptive_fields_only(tenant):
    ticket = TicketFactory(organisation=tenant.organisation, resident=tenant.resident)
    services.ticket_update(ticket=ticket, actor=tenant.actor, title="Renamed", priority=Priority.HIGH)
    ticket.refresh_from_db()
    assert (ticket.title, ticket.priority) == ("Renamed", Priority.HIGH)
    with pytest.raises(Invalid):
        services.ticket_update(ticket=ticket, actor=tenant.actor, status=TicketStatus.CLOSED)
