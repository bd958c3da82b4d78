"""`/v1/practitioners`: the staff who see patients, in the shape of Cliniko's practitioners document, and the
`practitioner` link every appointment and booking carries."""

import pytest

from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db

# The keys of the example in Cliniko's sections/practitioners.md (Get Practitioner), every one served.
OFFICIAL_PRACTITIONER = {
    "created_at", "designation", "description", "first_name", "id", "last_name", "show_in_online_bookings", "title",
    "label", "updated_at", "default_appointment_type", "practitioner_reference_numbers", "user", "appointments",
    "invoices", "links",
}


@pytest.fixture
def doctor(tenant):
    return UserFactory(
        organisation=tenant.organisation, first_name="Randy", last_name="Savage", titles="Dr", roles=["consultant"]
    )


def test_practitioner_in_the_documented_shape(api, doctor):
    response = api.get(f"/v1/practitioners/{doctor.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == OFFICIAL_PRACTITIONER
    assert body["id"] == doctor.pk
    assert (body["first_name"], body["last_name"], body["title"], body["label"]) == (
        "Randy", "Savage", "Dr", "Randy Savage"
    )
    assert body["links"] == {"self": f"http://testserver/v1/practitioners/{doctor.pk}"}
    # healthdesk keeps no designation, description, booking flag, user or reference numbers: null, not invented.
    for key in ("designation", "description", "show_in_online_bookings", "default_appointment_type",
                "practitioner_reference_numbers", "user", "appointments", "invoices"):
        assert body[key] is None, key
    assert body["created_at"].endswith("Z")


def test_list_holds_active_practitioners_only(api, tenant, doctor):
    receptionist = UserFactory(organisation=tenant.organisation, roles=["admin"])
    retired = UserFactory(organisation=tenant.organisation, roles=["clinician"], is_active=False)
    booked = UserFactory(organisation=tenant.organisation, roles=[])
    AppointmentFactory(organisation=tenant.organisation, practitioner=booked)
    response = api.get("/v1/practitioners", {"per_page": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    ids = [row["id"] for row in body["practitioners"]]
    assert doctor.pk in ids and booked.pk in ids
    assert receptionist.pk not in ids and retired.pk not in ids
    assert body["total_entries"] == len(ids)
    assert body["links"]["self"].startswith("http://testserver/v1/practitioners?")
    # An inactive practitioner still answers by id: old appointments link to them.
    assert api.get(f"/v1/practitioners/{retired.pk}").status_code == 200
    assert api.get(f"/v1/practitioners/{receptionist.pk}").status_code == 404


def test_another_organisations_practitioner_is_not_found(api, other_tenant):
    stranger = UserFactory(organisation=other_tenant.organisation, roles=["consultant"])
    response = api.get(f"/v1/practitioners/{stranger.pk}")
    assert response.status_code == 404
    assert stranger.pk not in [row["id"] for row in api.get("/v1/practitioners").json()["practitioners"]]


def test_practitioners_need_cliniko_auth(doctor):
    from django.test import Client

    response = Client().get("/v1/practitioners", headers={"User-Agent": "x (x@example.com)"})
    assert response.status_code == 401
    assert "message" in response.json()


@pytest.mark.parametrize("query, word", [
    ({"q[]": "id:=x"}, "id"), ({"q[]": "nickname:=Randy"}, "nickname"), ({"sort": "shoe_size"}, "shoe_size"),
    ({"per_page": "0"}, "per_page"),
])
def test_bad_list_input_is_a_400_naming_the_field(api, query, word):
    response = api.get("/v1/practitioners", query)
    assert response.status_code == 400
    assert word in response.json()["message"]


def test_practitioner_list_costs_the_same_for_one_and_many(api, tenant, doctor):
    one = api.count_queries("/v1/practitioners", {"per_page": 100})
    for _ in range(20):
        UserFactory(organisation=tenant.organisation, roles=["clinician"])
    assert api.count_queries("/v1/practitioners", {"per_page": 100}) == one


def test_appointments_and_bookings_link_their_practitioner(api, book):
    appointment = book.appointment()
    book.attendee(appointment=appointment)
    group = book.group()
    expected = {"links": {"self": f"http://testserver/v1/practitioners/{book.practitioner.pk}"}}
    for url in (f"/v1/individual_appointments/{appointment.pk}", f"/v1/group_appointments/{group.pk}",
                f"/v1/bookings/{appointment.pk}", f"/v1/bookings/{group.pk}"):
        body = api.get(url).json()
        assert body["practitioner"] == expected, url
        assert api.get(body["practitioner"]["links"]["self"]).status_code == 200, url


def test_an_appointment_without_practitioner_links_null(api, book):
    appointment = AppointmentFactory(organisation=book.organisation, practitioner=None)
    assert api.get(f"/v1/individual_appointments/{appointment.pk}").json()["practitioner"] is None
