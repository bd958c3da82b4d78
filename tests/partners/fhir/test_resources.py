"""FHIR R4 read and search: documented shapes (validated by the FHIR model), searches, paging, includes,
errors as OperationOutcome, another organisation's rows not found, and fixed query counts."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import AuditEvent, ResidentIdentifier
from scheduling import services as scheduling_services
from scheduling.choices import AppointmentKind
from tests.factories import AppointmentFactory, AttendeeFactory, DivisionFactory, ResidentFactory, UserFactory
from tests.partners.fhir.conftest import body, valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def dijk(tenant):
    resident = ResidentFactory(
        organisation=tenant.organisation,
        first_name="Maria",
        surname_prefix="van",
        last_name="Dijk",
        gender="female",
        date_of_birth=date(1934, 5, 6),
        reference_code="R-1002",
        email="maria@example.org",
    )
    ResidentIdentifier.objects.create(organisation=tenant.organisation, resident=resident, system="updox", value="789")
    return resident


@pytest.fixture
def doctor(tenant):
    return UserFactory(
        organisation=tenant.organisation,
        first_name="Joost",
        last_name="Akkermans",
        titles="Dokter",
        roles=["consultant"],
    )


def ids(bundle, mode="match"):
    return [e["resource"]["id"] for e in bundle["entry"] if e["search"]["mode"] == mode]


def test_metadata_says_exactly_what_is_supported(api, client):
    answer = client.get("/fhir/metadata")  # no credentials needed, as FHIR clients expect
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/fhir+json")
    statement = valid(body(answer))
    assert statement.fhirVersion == "4.0.1"
    resources = {r["type"]: r for r in body(answer)["rest"][0]["resource"]}
    assert set(resources) == {"Patient", "Practitioner", "Organization", "Appointment"}
    assert {p["name"] for p in resources["Appointment"]["searchParam"]} >= {"patient", "actor", "date", "status"}
    assert resources["Appointment"]["searchInclude"] == [
        "Appointment:actor",
        "Appointment:patient",
        "Appointment:practitioner",
    ]


def test_patient_read_is_a_valid_fhir_patient_with_stable_id_and_real_version(api, dijk):
    answer = api.get(f"/fhir/Patient/{dijk.pk}")
    assert answer.status_code == 200, answer.content
    patient = body(answer)
    valid(patient)
    assert patient["id"] == str(dijk.pk)
    assert patient["name"][0]["family"] == "van Dijk" and patient["name"][0]["given"] == ["Maria"]
    assert patient["birthDate"] == "1934-05-06" and patient["gender"] == "female"
    assert {"system": "urn:healthdesk:reference-code", "value": "R-1002"} in patient["identifier"]
    assert {"system": "urn:healthdesk:id:updox", "value": "789"} in patient["identifier"]
    assert answer["ETag"] == f'W/"{patient["meta"]["versionId"]}"'
    version = patient["meta"]["versionId"]
    dijk.email = "maria.vandijk@example.org"
    dijk.save()
    changed = body(api.get(f"/fhir/Patient/{dijk.pk}"))
    assert changed["meta"]["versionId"] != version
    assert changed["meta"]["lastUpdated"] > patient["meta"]["lastUpdated"]
    assert AuditEvent.objects.filter(object_type="directory.resident", action="read").exists()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"family": "van Dijk"}, True),
        ({"family": "dijk"}, True),
        ({"name": "maria"}, True),
        ({"name": "van dijk"}, True),
        ({"given": "Mar"}, True),
        ({"given": "Dijk"}, False),
        ({"birthdate": "1934-05-06"}, True),
        ({"birthdate": "ge1935"}, False),
        ({"birthdate": "lt1935-01-01"}, True),
        ({"identifier": "R-1002"}, True),
        ({"identifier": "urn:healthdesk:id:updox|789"}, True),
        ({"identifier": "urn:healthdesk:id:acme|789"}, False),
        ({"gender": "female"}, True),
        ({"gender": "male"}, False),
        ({"_lastUpdated": "ge2000-01-01"}, True),
        ({"_lastUpdated": "lt2000-01-01"}, False),
    ],
)
def test_patient_searches(api, dijk, tenant, params, expected):
    ResidentFactory(
        organisation=tenant.organisation,
        first_name="Pieter",
        last_name="Vries",
        gender="male",
        date_of_birth=date(1950, 1, 1),
    )
    answer = api.get("/fhir/Patient", **params)
    assert answer.status_code == 200, answer.content
    bundle = body(answer)
    valid(bundle)
    assert (str(dijk.pk) in ids(bundle)) is expected


def test_search_pages_by_next_link_to_the_end(api, tenant):
    made = {str(r.pk) for r in ResidentFactory.create_batch(25, organisation=tenant.organisation)}
    made.add(str(tenant.resident.pk))
    seen, url, pages = [], "/fhir/Patient?_count=10", 0
    while url:
        answer = api.get(url.replace("http://testserver", ""))
        bundle = body(answer)
        seen += ids(bundle)
        pages += 1
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    assert pages == 3 and len(seen) == len(set(seen)) and set(seen) == made


def test_appointment_with_participants_statuses_and_include(api, tenant, dijk, doctor):
    start = timezone.now() + timedelta(days=1)
    appointment = AppointmentFactory(
        organisation=tenant.organisation, practitioner=doctor, starts_at=start, duration_minutes=45, summary="Consult"
    )
    AttendeeFactory(organisation=tenant.organisation, appointment=appointment, resident=dijk)
    past = AppointmentFactory(
        organisation=tenant.organisation, practitioner=doctor, starts_at=timezone.now() - timedelta(days=3)
    )
    AttendeeFactory(organisation=tenant.organisation, appointment=past, resident=tenant.resident)
    AppointmentFactory(organisation=tenant.organisation, kind=AppointmentKind.UNAVAILABLE)

    read = body(api.get(f"/fhir/Appointment/{appointment.pk}"))
    valid(read)
    assert read["status"] == "booked" and read["minutesDuration"] == 45
    actors = {p["actor"]["reference"] for p in read["participant"]}
    assert actors == {f"Practitioner/{doctor.pk}", f"Patient/{dijk.pk}"}

    bundle = body(api.get("/fhir/Appointment", patient=f"Patient/{dijk.pk}", _include="Appointment:patient"))
    valid(bundle)
    assert ids(bundle) == [str(appointment.pk)]
    assert ids(bundle, "include") == [str(dijk.pk)]
    assert ids(body(api.get("/fhir/Appointment", status="fulfilled"))) == [str(past.pk)]
    assert ids(body(api.get("/fhir/Appointment", status="booked"))) == [str(appointment.pk)]
    assert ids(body(api.get("/fhir/Appointment", actor=f"Practitioner/{doctor.pk}"))) == sorted(
        [str(appointment.pk), str(past.pk)], key=int
    )
    day = start.astimezone(tenant.organisation.zone).date().isoformat()
    assert ids(body(api.get("/fhir/Appointment", date=day))) == [str(appointment.pk)]
    assert ids(body(api.get("/fhir/Appointment", date=f"lt{day}"))) == [str(past.pk)]

    scheduling_services.appointment_cancel(appointment=appointment, actor=tenant.actor, reason=50, note="Ill")
    assert body(api.get(f"/fhir/Appointment/{appointment.pk}"))["status"] == "cancelled"


def test_a_deleted_appointment_is_gone(api, tenant):
    appointment = AppointmentFactory(organisation=tenant.organisation, deleted_at=datetime(2026, 1, 1, tzinfo=UTC))
    answer = api.get(f"/fhir/Appointment/{appointment.pk}")
    assert answer.status_code == 410
    assert body(answer)["issue"][0]["code"] == "deleted"


def test_practitioners_and_organizations(api, tenant, doctor):
    front_desk = UserFactory(organisation=tenant.organisation, roles=["front_desk"])
    division = DivisionFactory(organisation=tenant.organisation, name="Riverside wing")
    practitioners = body(api.get("/fhir/Practitioner"))
    valid(practitioners)
    assert str(doctor.pk) in ids(practitioners)
    assert str(front_desk.pk) not in ids(practitioners), "only staff who see patients"
    valid(body(api.get(f"/fhir/Practitioner/{doctor.pk}")))
    organizations = body(api.get("/fhir/Organization"))
    valid(organizations)
    assert ids(organizations) == [f"org-{tenant.organisation.pk}", f"div-{division.pk}"]
    wing = body(api.get(f"/fhir/Organization/div-{division.pk}"))
    valid(wing)
    assert wing["partOf"]["reference"] == f"Organization/org-{tenant.organisation.pk}"


def test_another_organisations_rows_are_not_found(other_api, tenant, dijk, doctor):
    appointment = AppointmentFactory(organisation=tenant.organisation, practitioner=doctor)
    division = DivisionFactory(organisation=tenant.organisation)
    for path in (
        f"/fhir/Patient/{dijk.pk}",
        f"/fhir/Practitioner/{doctor.pk}",
        f"/fhir/Appointment/{appointment.pk}",
        f"/fhir/Organization/org-{tenant.organisation.pk}",
        f"/fhir/Organization/div-{division.pk}",
    ):
        answer = other_api.get(path)
        assert answer.status_code == 404, path
        assert body(answer)["resourceType"] == "OperationOutcome"
    assert ids(body(other_api.get("/fhir/Patient", _id=str(dijk.pk)))) == []
    assert ids(body(other_api.get("/fhir/Appointment", patient=f"Patient/{dijk.pk}"))) == []


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        ("/fhir/Patient", {"birthdate": "yesterday"}, "birthdate"),
        ("/fhir/Patient", {"birthdate": "sa2020"}, "birthdate"),
        ("/fhir/Patient", {"_count": "²"}, "_count"),
        ("/fhir/Patient", {"_id": "٣"}, "_id"),
        ("/fhir/Appointment", {"status": "waitlist"}, "status"),
        ("/fhir/Appointment", {"patient": "Device/1"}, "patient"),
        ("/fhir/Appointment", {"date": "2026-12-01T10:00"}, "date"),
        ("/fhir/Appointment", {"_include": "Appointment:location"}, "_include"),
    ],
)
def test_bad_search_values_are_an_operation_outcome_naming_the_parameter(api, path, params, named):
    answer = api.get(path, **params)
    assert answer.status_code == 400
    outcome = body(answer)
    valid(outcome)
    assert outcome["issue"][0]["code"] == "invalid" and outcome["issue"][0]["expression"] == [named]


def test_credentials_are_required_and_refused_as_operation_outcome(client, api):
    for headers in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": f"Token {api.secret}"}):
        answer = client.get("/fhir/Patient", **headers)
        assert answer.status_code == 401
        assert answer["WWW-Authenticate"].startswith("Bearer")
        assert body(answer)["issue"][0]["code"] == "login"
    assert client.get("/fhir/Nonsense").status_code == 404
    assert body(client.get("/fhir/Nonsense"))["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize(
    "path", ["/fhir/Patient", "/fhir/Appointment?_include=Appointment:actor", "/fhir/Practitioner"]
)
def test_a_page_costs_the_same_queries_for_one_row_as_for_many(api, tenant, doctor, path):
    def make(n):
        for resident in ResidentFactory.create_batch(n, organisation=tenant.organisation):
            ResidentIdentifier.objects.create(
                organisation=tenant.organisation, resident=resident, system="acme", value=f"x{resident.pk}"
            )
            appointment = AppointmentFactory(organisation=tenant.organisation, practitioner=doctor)
            AttendeeFactory(organisation=tenant.organisation, appointment=appointment, resident=resident)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api.get(path, _count="50").status_code == 200
        return len(captured)

    make(1)
    queries()  # the client's first request of the minute also records when it was last used
    one = queries()
    make(40)
    assert queries() == one
