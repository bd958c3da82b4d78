"""Patients (residents) and invoices: the records an attendee's `patient` and `invoices` links lead to."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from directory.models import Resident
from tests.factories import InvoiceFactory

pytestmark = pytest.mark.django_db

PATIENT_KEYS = [
    "id", "created_at", "updated_at", "archived_at", "first_name", "last_name", "preferred_first_name", "title",
    "email", "date_of_birth", "sex", "gender", "address_1", "address_2", "city", "state", "post_code", "country",
    "notes", "old_reference_id", "patient_phone_numbers", "links",
]
INVOICE_KEYS = [
    "id", "number", "issue_date", "status", "status_description", "total_amount", "tax_amount", "net_amount",
    "notes", "closed_at", "deleted_at", "created_at", "updated_at", "appointment", "patient", "links",
]


def ids(response, key):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()[key]]


# Patients --------------------------------------------------------------------------------------------------
def test_every_attendee_patient_link_resolves_to_the_resident(api, book, tenant):
    attendee = book.attendee()
    link = api.get(f"/v1/attendees/{attendee.pk}").json()["patient"]["links"]["self"]
    body = api.get(link).json()
    assert list(body) == PATIENT_KEYS
    resident = tenant.resident
    assert (body["id"], body["first_name"], body["last_name"], body["date_of_birth"], body["address_1"]) == (
        resident.pk, resident.first_name, resident.last_name, "1937-01-21", "123 Mockingbird Lane"
    )
    assert body["sex"] == "Male" and body["links"]["self"] == link


def test_create_patient_writes_a_resident(api, tenant):
    response = api.post("/v1/patients", {
        "first_name": "Anna", "last_name": "Ester", "title": "Mrs", "email": "anna@example.com",
        "date_of_birth": "1937-01-21", "sex": "Female", "address_1": "1 Lane", "post_code": "1234 AB",
        "old_reference_id": "R-9", "patient_phone_numbers": [{"phone_type": "Mobile", "number": "0612345678"}],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"http://testserver/v1/patients/{body['id']}"
    resident = Resident.objects.get(pk=body["id"])
    assert (resident.organisation_id, resident.titles, resident.gender, resident.home_zip, resident.reference_code,
            resident.phone_number, resident.created_via) == (
        tenant.organisation.pk, "Mrs", "female", "1234 AB", "R-9", "0612345678", "cliniko"
    )
    assert body["patient_phone_numbers"] == [{"phone_type": "Home", "number": "0612345678"}]


@pytest.mark.parametrize("body, field, message", [
    ({"last_name": "Ester"}, "first_name", "can’t be blank"),
    ({"first_name": "Anna"}, "last_name", "can’t be blank"),
    ({"first_name": "", "last_name": "Ester"}, "first_name", "can’t be blank"),
    ({"first_name": "A" * 256, "last_name": "Ester"}, "first_name", None),
    ({"first_name": "Anna", "last_name": "Ester", "email": "nope"}, "email", None),
    ({"first_name": "Anna", "last_name": "Ester", "date_of_birth": "21-01-1937"}, "date_of_birth", None),
    ({"first_name": "Anna", "last_name": "Ester", "sex": "robot"}, "sex", None),
    ({"first_name": "Anna", "last_name": "Ester", "patient_phone_numbers": [{"phone_type": "Pager", "number": "1"}]},
     "patient_phone_numbers", None),
])
def test_create_patient_bad_input_is_422_and_writes_nothing(api, body, field, message):
    before = Resident.objects.count()
    response = api.post("/v1/patients", body)
    assert response.status_code == 422, response.content
    [named] = list(response.json()["errors"])
    assert named.startswith(field)
    if message:
        assert response.json()["errors"][field] == message
    assert Resident.objects.count() == before


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_patient(api, tenant, method):
    response = getattr(api, method)(f"/v1/patients/{tenant.resident.pk}", {"city": "Utrecht", "notes": "Prefers tea"})
    assert response.status_code == 200
    assert (response.json()["city"], response.json()["notes"]) == ("Utrecht", "Prefers tea")
    tenant.resident.refresh_from_db()
    assert tenant.resident.home_city == "Utrecht"
    bad = api.patch(f"/v1/patients/{tenant.resident.pk}", {"last_name": "", "city": "Elsewhere"})
    assert bad.status_code == 422 and list(bad.json()["errors"]) == ["last_name"]
    tenant.resident.refresh_from_db()
    assert tenant.resident.home_city == "Utrecht"


def test_archive_patient_takes_it_out_of_the_default_list(api, book, tenant):
    other = book.patient()
    assert api.post(f"/v1/patients/{tenant.resident.pk}/archive").status_code == 204
    assert ids(api.get("/v1/patients"), "patients") == [other.pk]
    assert set(ids(api.get("/v1/patients", {"q[]": "archived_at:*"}), "patients")) == {tenant.resident.pk, other.pk}
    assert ids(api.get("/v1/patients", {"q[]": "archived_at:?"}), "patients") == [tenant.resident.pk]
    assert api.get(f"/v1/patients/{tenant.resident.pk}").json()["archived_at"] is not None


def test_patient_string_and_date_filters(api, book, tenant):
    smith = book.patient(first_name="Jo", last_name="Smith", date_of_birth=date(1950, 5, 3), email="jo@x.org")
    smythe = book.patient(first_name="Al", last_name="Smythe", date_of_birth=date(1961, 5, 9))
    me = tenant.resident.pk

    def found(*conditions):
        return ids(api.get("/v1/patients", {"q[]": list(conditions)}), "patients")

    assert found("last_name:=Smith") == [smith.pk]
    assert found("last_name:!=Smith") == [me, smythe.pk]
    assert found("last_name:~smy") == [smythe.pk]
    assert found("last_name:~~Sm%th%") == [smith.pk, smythe.pk]
    assert found("email:?") == [smith.pk]
    assert found("email:!?") == [me, smythe.pk]
    assert found("date_of_birth:=****-05-**") == [smith.pk, smythe.pk]
    assert found("date_of_birth:>1950-05-03") == [smythe.pk]
    assert found("date_of_birth:<=1950-05-03", "first_name:=Jo") == [smith.pk]
    assert api.get("/v1/patients", {"q[]": "last_name:>S"}).status_code == 400
    assert api.get("/v1/patients", {"q[]": "date_of_birth:=1950-02-30"}).status_code == 400


# Invoices --------------------------------------------------------------------------------------------------
def test_every_attendee_invoices_link_resolves(api, book, tenant):
    attendee = book.attendee()
    invoice = InvoiceFactory(organisation=tenant.organisation, attendee=attendee, total_amount=Decimal("50.00"),
                             tax_amount=Decimal("5.00"), status=20, issue_date=date(2016, 6, 28))
    InvoiceFactory(organisation=tenant.organisation, attendee=book.attendee(resident=book.patient()))
    link = api.get(f"/v1/attendees/{attendee.pk}").json()["invoices"]["links"]["self"]
    body = api.get(link).json()
    assert body["total_entries"] == 1
    row = body["invoices"][0]
    assert list(row) == INVOICE_KEYS
    assert (row["id"], row["number"], row["issue_date"], row["status"], row["status_description"]) == (
        invoice.pk, invoice.number, "2016-06-28", 20, "Paid"
    )
    assert (row["total_amount"], row["tax_amount"], row["net_amount"]) == ("50.00", "5.00", "45.00")
    assert row["patient"]["links"]["self"].endswith(f"/v1/patients/{attendee.resident_id}")
    assert row["appointment"]["links"]["self"].endswith(f"/v1/bookings/{attendee.appointment_id}")
    assert api.get(row["links"]["self"]).json() == row


def test_invoice_filters(api, book, tenant):
    attendee = book.attendee()
    paid = InvoiceFactory(organisation=tenant.organisation, attendee=attendee, status=20)
    open_ = InvoiceFactory(organisation=tenant.organisation, attendee=book.attendee(resident=book.patient()))
    assert ids(api.get("/v1/invoices", {"q[]": "status:=20"}), "invoices") == [paid.pk]
    assert ids(api.get("/v1/invoices", {"q[]": f"patient_id:={attendee.resident_id}"}), "invoices") == [paid.pk]
    assert ids(api.get("/v1/invoices", {"q[]": f"number:>{paid.number}"}), "invoices") == [open_.pk]
    assert api.get("/v1/invoices", {"q[]": "total_amount:>1"}).status_code == 400


def test_deleted_invoices_are_listed_out_but_still_found_by_id(api, book, tenant):
    invoice = InvoiceFactory(organisation=tenant.organisation, attendee=book.attendee(), deleted_at=timezone.now())
    assert ids(api.get("/v1/invoices"), "invoices") == []
    assert api.get(f"/v1/invoices/{invoice.pk}").json()["deleted_at"] is not None


# Isolation and query counts --------------------------------------------------------------------------------
def test_another_organisations_patients_and_invoices_are_not_found(api, other_book, other_tenant):
    theirs = other_tenant.resident
    attendee = other_book.attendee()
    invoice = InvoiceFactory(organisation=other_tenant.organisation, attendee=attendee)
    for response in (
        api.get(f"/v1/patients/{theirs.pk}"),
        api.put(f"/v1/patients/{theirs.pk}", {"city": "x"}),
        api.patch(f"/v1/patients/{theirs.pk}", {"city": "x"}),
        api.post(f"/v1/patients/{theirs.pk}/archive"),
        api.get(f"/v1/invoices/{invoice.pk}"),
        api.get(f"/v1/attendees/{attendee.pk}/invoices"),
    ):
        assert response.status_code == 404
        assert list(response.json()) == ["message"]
    theirs.refresh_from_db()
    assert theirs.archived_at is None and theirs.home_city == "New York"
    assert theirs.pk not in ids(api.get("/v1/patients", {"q[]": "archived_at:*", "per_page": 100}), "patients")
    assert ids(api.get("/v1/invoices"), "invoices") == []


@pytest.mark.parametrize("url", ["/v1/patients", "/v1/invoices", "/v1/attendees/{attendee}/invoices"])
def test_lists_cost_the_same_queries_for_1_and_100_rows(api, book, tenant, url):
    attendee = book.attendee()
    url = url.format(attendee=attendee.pk)

    def add(n):
        for _ in range(n):
            book.patient(phone_number="0612345678")
            target = attendee if "attendees" in url else book.attendee(resident=book.patient())
            InvoiceFactory(organisation=tenant.organisation, attendee=target)

    add(1)
    one = api.count_queries(url, {"per_page": 100})
    add(99)
    hundred = api.count_queries(url, {"per_page": 100})
    assert one == hundred


def test_nul_characters_are_rejected_not_500(api):
    response = api.get("/v1/patients", {"q[]": "last_name:=a\x00b"})
    assert response.status_code == 400
    before = Resident.objects.count()
    response = api.post("/v1/patients", {"first_name": "A\x00", "last_name": "B"})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["first_name"]
    assert Resident.objects.count() == before
