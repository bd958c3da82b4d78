"""Lists are shaped by lean row functions; each row must be exactly what the detail serializer answers."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import AppointmentFactory, AttendeeFactory, DivisionFactory, ResidentFactory, UserFactory
from tests.partners.webcamconsult.conftest import wid

pytestmark = pytest.mark.django_db


def test_user_rows_match_their_detail(api, tenant):
    UserFactory(organisation=tenant.organisation, titles="", initials="", address="Vlietlaan 1", roles=[])
    for row in api.get("/users.json").body:
        assert api.get(f"/users/{row['id']}.json").body == {"user": row}


def test_client_rows_match_their_detail_plus_the_join_token(api, tenant):
    divisions = DivisionFactory.create_batch(3, organisation=tenant.organisation)
    ResidentFactory(organisation=tenant.organisation, gender="", date_of_birth=None, external="E-1")
    ResidentFactory(organisation=tenant.organisation, gender="female", date_of_birth=date(2014, 7, 1),
                    titles="Dr.", initials="A.B.").divisions.set(divisions[1:])
    tenant.resident.divisions.set(divisions[:1])
    rows = api.get("/clients.json").body
    assert len(rows) == 3
    for row in rows:
        detail = api.get(f"/client/{row['id']}.json").body["client"]
        assert {**detail, "authentication_token": row["authentication_token"]} == row
        assert sorted(detail["division_ids"]) == detail["division_ids"]


def test_appointment_rows_match_their_detail(api, tenant):
    zone = ZoneInfo("Europe/Amsterdam")
    division = DivisionFactory(organisation=tenant.organisation)
    AttendeeFactory(organisation=tenant.organisation, resident=tenant.resident, appointment=AppointmentFactory(
        organisation=tenant.organisation, division=division, created_by=tenant.staff, state="started",
        started_at=datetime(2030, 1, 1, 10, 0, 1, 500, tzinfo=zone), external_participant_ids=["a", "b"],
        inloop_json={"email": "x@example.com"},
    ))
    AppointmentFactory(organisation=tenant.organisation, practitioner=None, original_starts_at=None)
    rows = api.get("/appointments.json").body
    assert len(rows) == 2
    for row in rows:
        assert api.get(f"/appointment/{row['id']}.json").body == {"appointment": row}
    assert {row["client_id"] for row in rows} == {wid("client", tenant.resident.pk), None}


def test_a_deleted_attendee_is_not_the_client(api, tenant):
    deleted = datetime(2030, 1, 1, tzinfo=ZoneInfo("UTC"))
    attendee = AttendeeFactory(organisation=tenant.organisation, deleted_at=deleted)
    AttendeeFactory(organisation=tenant.organisation, appointment=attendee.appointment, resident=tenant.resident)
    (row,) = api.get("/appointments.json").body
    assert row["client_id"] == wid("client", tenant.resident.pk)
    assert api.get(f"/appointment/{row['id']}.json").body["appointment"]["client_id"] == row["client_id"]


def test_lists_stream(api, tenant):
    response = api.client.get("/clients.json", HTTP_AUTHORIZATION=f"Token token={tenant.secret}")
    assert response.streaming
    assert response["Content-Type"] == "application/json"
