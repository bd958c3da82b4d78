"""POST /io/syncAppointments: the document's examples, matching, per-item failures, auth and limits."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Resident, ResidentIdentifier
from healthdesk.partners.updox.views import CODE_SAMPLE_REQUEST, DOCUMENT_REQUEST
from scheduling.choices import AppointmentKind
from scheduling.models import Appointment, Attendee
from sync.models import SyncItemResult, SyncRun
from tests.factories import AppointmentFactory, AttendeeFactory
from tests.partners.nesting import MAX_JSON_DEPTH, TOO_DEEP, depth, with_deep_extra
from tests.partners.updox.support import URL, counts, item

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def statuses(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["successful"], body["responseMessage"], body["responseCode"]) == (True, "OK", 2000)
    return body["statuses"]


# The document's examples -------------------------------------------------------------------------------------
def test_document_request_example_gives_the_documented_response_shape(sync, vendor):
    body = {**DOCUMENT_REQUEST, "auth": vendor.auth()}
    response = sync(None, raw=body)
    [status] = statuses(response)
    assert set(response.json()) == {"successful", "responseMessage", "responseCode", "statuses"}
    assert set(status) == {"id", "success", "message"}
    # The document's values are placeholders ("date": "date"): the item fails alone, naming its field.
    assert status["id"] == "id" and status["success"] is False
    assert status["message"].startswith("updoxId:")
    assert Appointment.objects.count() == 0


def test_code_sample_request_creates_the_appointment(sync, vendor, tenant):
    response = sync(None, raw={**CODE_SAMPLE_REQUEST, "auth": vendor.auth()})
    assert statuses(response) == [{"id": 3456, "success": True, "message": "created"}]
    appointment = Appointment.objects.get()
    assert appointment.organisation == tenant.organisation
    assert (appointment.source_system, appointment.source_id) == ("updox", "3456")
    assert appointment.starts_at == datetime(2015, 12, 30, tzinfo=AMSTERDAM)
    assert appointment.duration_minutes == 500
    assert (appointment.location_ref, appointment.type_ref, appointment.calendar_ref) == ("123", "456", "calendarId")
    assert (appointment.summary, appointment.details) == ("summary", "details")
    assert appointment.kind == AppointmentKind.INDIVIDUAL and appointment.cancelled_at is None
    assert appointment.created_by_client == vendor.client
    run = SyncRun.objects.get()
    assert (run.organisation, run.client, run.channel, run.received, run.created) == (
        tenant.organisation, vendor.client, "updox", 1, 1,
    )
    assert SyncItemResult.objects.get(run=run).appointment == appointment


# Matching ---------------------------------------------------------------------------------------------------
def test_insert_links_the_patients_resident_as_single_attendee(sync, tenant):
    ResidentIdentifier.objects.create(organisation=tenant.organisation, resident=tenant.resident, system="updox",
                                      value="p1")
    residents = Resident.objects.count()
    assert statuses(sync([item(1)])) == [{"id": "1", "success": True, "message": "created"}]
    appointment = Appointment.objects.get(source_id="1")
    assert appointment.starts_at == datetime(2015, 12, 30, 9, tzinfo=AMSTERDAM)
    assert [a.resident for a in appointment.attendees.all()] == [tenant.resident]
    assert Resident.objects.count() == residents


def test_unknown_patient_creates_a_resident_marked_as_created_by_sync(sync, tenant):
    residents = Resident.objects.count()
    statuses(sync([item(1, patientId=789)]))
    assert Resident.objects.count() == residents + 1
    identifier = ResidentIdentifier.objects.get(organisation=tenant.organisation, system="updox", value="789")
    assert identifier.resident.created_via == "updox"
    assert identifier.resident.organisation == tenant.organisation
    assert Attendee.objects.get().resident == identifier.resident


def test_update_by_id(sync):
    statuses(sync([item(1)]))
    response = sync([item(1, summary="moved", date="2015-12-31", duration="45")])
    assert statuses(response) == [{"id": "1", "success": True, "message": "updated"}]
    appointment = Appointment.objects.get()
    assert (appointment.summary, appointment.duration_minutes) == ("moved", 45)
    assert appointment.starts_at == datetime(2015, 12, 31, tzinfo=AMSTERDAM)
    assert Attendee.objects.count() == 1


def test_update_by_updox_id_links_healthdesks_own_appointment(sync, tenant):
    existing = AppointmentFactory(organisation=tenant.organisation)
    AttendeeFactory(organisation=tenant.organisation, appointment=existing, resident=tenant.resident)
    response = sync([item("v-9", updoxId=existing.pk, patientId="new-patient", summary="from the vendor")])
    assert statuses(response) == [{"id": "v-9", "success": True, "message": "updated"}]
    assert Appointment.objects.count() == 1
    existing.refresh_from_db()
    assert (existing.source_system, existing.source_id, existing.summary) == ("updox", "v-9", "from the vendor")
    attendee = existing.attendees.get()
    assert attendee.resident != tenant.resident
    assert attendee.resident.identifiers.get().value == "new-patient"


def test_updox_id_of_another_organisation_is_not_matched(sync, tenant, other_tenant):
    theirs = AppointmentFactory(organisation=other_tenant.organisation, summary="theirs")
    statuses(sync([item(1, updoxId=theirs.pk, summary="ours")]))
    theirs.refresh_from_db()
    assert theirs.summary == "theirs" and theirs.source_id is None
    assert Appointment.objects.filter(organisation=tenant.organisation, source_id="1").count() == 1


def test_a_bad_item_fails_alone_naming_its_field(sync):
    response = sync([
        item(1),
        item(2, date="30-12-2015"),
        item(3, duration="half an hour"),
        "not an object",
        item(4, cancelled="maybe"),
        {"date": "2015-12-30"},
        item(5),
    ])
    result = statuses(response)
    assert [s["success"] for s in result] == [True, False, False, False, False, False, True]
    assert [s["message"].split(":")[0] for s in result if not s["success"]] == [
        "date", "duration", "item", "cancelled", "id",
    ]
    assert [s["id"] for s in result] == ["1", "2", "3", None, "4", None, "5"]
    assert sorted(Appointment.objects.values_list("source_id", flat=True)) == ["1", "5"]
    assert Resident.objects.filter(identifiers__value__in=["p2", "p3", "p4"]).count() == 0
    run = SyncRun.objects.get()
    assert (run.received, run.created, run.failed) == (7, 2, 5)
    assert SyncItemResult.objects.filter(run=run, outcome="failed").count() == 5


def test_the_same_batch_twice_answers_unchanged_and_writes_nothing_new(sync):
    batch = [item(n) for n in range(5)] + [item(9, blocked=True, patientId=None), item(8, cancelled="true")]
    first = statuses(sync(batch))
    assert {s["message"] for s in first} == {"created"}
    before = counts()
    second = statuses(sync(batch))
    assert {s["message"] for s in second} == {"unchanged"}
    after = counts()
    assert after.pop("SyncRun") == before.pop("SyncRun") + 1
    assert after.pop("SyncItemResult") == before.pop("SyncItemResult") + len(batch)
    assert after == before


def test_cancelled_and_blocked_map_onto_the_shared_fields(sync):
    statuses(sync([item(1), item(2)]))
    statuses(sync([item(1, cancelled=True), item(2, blocked="true")]))
    cancelled = Appointment.objects.get(source_id="1")
    assert cancelled.cancelled_at is not None and cancelled.cancellation_reason == 50
    assert cancelled.attendees.get().cancelled_at is not None
    block = Appointment.objects.get(source_id="2")
    assert (block.kind, block.blocked) == (AppointmentKind.UNAVAILABLE, True)
    assert block.attendees.filter(deleted_at__isnull=True).count() == 0
    statuses(sync([item(1, cancelled="false")]))
    cancelled.refresh_from_db()
    assert cancelled.cancelled_at is None and cancelled.cancellation_reason is None
    assert cancelled.attendees.get().cancelled_at is None


# Refused requests write nothing ----------------------------------------------------------------------------
def refused(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["successful"] is False and body["responseCode"] == code
    assert "statuses" not in body
    return body["responseMessage"]


def test_wrong_credentials(sync, vendor):
    before = counts()
    message = refused(sync([item(1)], auth=vendor.auth(applicationPassword="wrong")), 401, 4010)
    assert "applicationPassword" in message
    refused(sync([item(1)], auth=vendor.auth(applicationId="nobody")), 401, 4010)
    refused(sync(None, raw={"appointments": [item(1)]}), 401, 4010)
    assert counts() == before


def test_revoked_vendor_is_refused(sync, vendor):
    from directory.services import api_client_revoke

    api_client_revoke(client=vendor.client)
    before = counts()
    refused(sync([item(1)]), 401, 4010)
    assert counts() == before


def test_account_not_granted(sync, vendor, other_tenant):
    before = counts()
    message = refused(sync([item(1)], auth=vendor.auth(accountId=other_tenant.organisation.slug)), 403, 4030)
    assert message.startswith("auth.accountId:")
    refused(sync([item(1)], auth=vendor.auth(accountId="no-such-practice")), 403, 4030)
    assert counts() == before


def test_a_granted_account_is_accepted(sync, vendor, other_tenant):
    from directory.services import api_client_grant

    api_client_grant(client=vendor.client, organisation=other_tenant.organisation)
    statuses(sync([item(1)], auth=vendor.auth(accountId=other_tenant.organisation.slug)))
    assert Appointment.objects.get().organisation == other_tenant.organisation


def test_missing_account_is_a_malformed_request(sync, vendor):
    before = counts()
    auth = vendor.auth()
    del auth["accountId"]
    assert refused(sync([item(1)], auth=auth), 400, 4000).startswith("auth.accountId:")
    assert counts() == before


def test_malformed_json(client, vendor):
    before = counts()
    response = client.post(URL, '{"appointments": [', content_type="application/json")
    assert refused(response, 400, 4000).startswith("Malformed request body")
    response = client.post(URL, "[1, 2]", content_type="application/json")
    refused(response, 400, 4000)
    assert counts() == before


def test_appointments_must_be_a_list(sync, vendor):
    before = counts()
    message = refused(sync(None, raw={"appointments": {"id": 1}, "auth": vendor.auth()}), 400, 4000)
    assert message.startswith("appointments:")
    assert counts() == before


def test_oversize_batch(sync, settings):
    settings.HEALTHDESK_SYNC_MAX_ITEMS = 3
    before = counts()
    message = refused(sync([item(n) for n in range(4)]), 413, 4130)
    assert message == "appointments: at most 3 items per request; got 4."
    assert counts() == before
    statuses(sync([item(n) for n in range(3)]))


def test_oversize_body(sync, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    before = counts()
    refused(sync([item(n) for n in range(10)]), 413, 4130)
    assert counts() == before


def test_wrong_method_and_unknown_path_answer_in_updox_shape(client):
    # Authentication runs before the method check, and a GET carries no body to authenticate with.
    refused(client.get(URL), 401, 4010)
    refused(client.post("/io/noSuchMethod", {}, content_type="application/json"), 404, 4040)


# Bulk -------------------------------------------------------------------------------------------------------
def queries_for(sync, batch):
    with CaptureQueriesContext(connection) as captured:
        statuses(sync(batch))
    return len(captured)


def test_query_count_is_bulk_not_per_item(sync):
    small = queries_for(sync, [item(n) for n in range(10)])
    large = queries_for(sync, [item(n) for n in range(1000, 2000)])
    resync = queries_for(sync, [item(n, summary="changed") for n in range(1000, 2000)])
    unchanged = queries_for(sync, [item(n, summary="changed") for n in range(1000, 2000)])
    assert Appointment.objects.count() == 1010
    # A constant plus a few bulk statements per chunk of rows (SQLite caps a statement at 999 parameters).
    assert small <= 25
    assert large <= small + 1000 // 6
    assert resync <= small + 1000 // 6
    # 1 000 unchanged items cost no more than 10 new ones: reading, comparing, no per-item writes.
    assert unchanged <= small


def test_a_lone_surrogate_fails_its_item_alone_and_the_run_is_recorded(sync, vendor):
    # JSON may escape half a surrogate pair (\ud800); no database can store it (found by the sync review).
    good = json.dumps(item("ok-1"))
    bad_text = json.dumps(item("bad-1", summary="TEXT")).replace('"TEXT"', '"x\\ud800y"')
    bad_id = json.dumps(item("ID")).replace('"id": "ID"', '"id": "bad-\\ud800"')
    auth = json.dumps(vendor.auth())
    before = counts()
    result = statuses(sync(None, raw=f'{{"appointments": [{good}, {bad_text}, {bad_id}], "auth": {auth}}}'))
    assert [s["success"] for s in result] == [True, False, False]
    assert result[1]["message"] == "summary: must be valid Unicode text."
    assert result[2]["message"] == "id: must be valid Unicode text."
    assert SyncItemResult.objects.filter(outcome="failed").count() == 2
    assert counts()["Appointment"] == before["Appointment"] + 1


def test_updox_current_path_is_the_same_method(client, vendor, tenant):
    """Updox's client gem posts to /api/io/AppointmentsSync: the same method, the same answer, the same rows."""
    body = {**CODE_SAMPLE_REQUEST, "auth": vendor.auth()}
    response = client.post("/api/io/AppointmentsSync", body, content_type="application/json")
    assert statuses(response) == [{"id": 3456, "success": True, "message": "created"}]
    assert Appointment.objects.get().source_id == "3456"
    refused = client.post("/api/io/AppointmentsSync", {**body, "auth": vendor.auth(applicationPassword="x")},
                          content_type="application/json")
    assert refused.status_code == 401
    assert refused.json()["successful"] is False, "refused in Updox's shape, not Connect4's"


def test_too_deeply_nested_json_is_a_malformed_request(client, vendor):
    # Issue #16 finding 2: 1,000 levels of brackets raised RecursionError inside the JSON parser (a 500).
    before = counts()
    response = client.post(URL, TOO_DEEP, content_type="application/json")
    assert refused(response, 400, 4000).startswith("Malformed request body")
    assert counts() == before


def test_json_nested_to_the_limit_still_parses(client, vendor, tenant):
    body = with_deep_extra({**CODE_SAMPLE_REQUEST, "auth": vendor.auth()})
    assert depth(body) == MAX_JSON_DEPTH
    response = client.post(URL, body, content_type="application/json")
    assert statuses(response) == [{"id": 3456, "success": True, "message": "created"}]
    assert Appointment.objects.get().organisation == tenant.organisation
