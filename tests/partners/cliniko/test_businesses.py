"""`/v1/businesses`: the organisation and its divisions, and the `business` link and filter of appointments."""

import pytest

from directory.models import Division
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

# The keys of the example in Cliniko's sections/businesses.md (Get Business), every one served.
OFFICIAL_BUSINESS = {
    "address_1", "address_2", "business_name", "business_registration_name", "business_registration_value", "city",
    "contact_information", "country", "country_code", "created_at", "display_name", "email_reply_to", "id",
    "post_code", "show_in_online_bookings", "state", "updated_at", "website_address", "practitioners",
    "appointments", "links",
}


def test_the_organisation_and_its_divisions_are_businesses(api, tenant):
    north = Division.objects.create(organisation=tenant.organisation, name="North wing")
    response = api.get("/v1/businesses")
    assert response.status_code == 200, response.content
    body = response.json()
    names = {row["id"]: row["business_name"] for row in body["businesses"]}
    org_id, north_id = 2 * tenant.organisation.pk, 2 * north.pk + 1
    assert names[org_id] == tenant.organisation.name
    assert names[north_id] == "North wing"
    assert body["total_entries"] == len(names)
    for business_id in (org_id, north_id):
        one = api.get(f"/v1/businesses/{business_id}")
        assert one.status_code == 200, one.content
        assert set(one.json()) == OFFICIAL_BUSINESS
        assert one.json()["links"] == {"self": f"http://testserver/v1/businesses/{business_id}"}


def test_another_organisations_business_is_not_found(api, other_tenant):
    theirs = Division.objects.create(organisation=other_tenant.organisation, name="Theirs")
    assert api.get(f"/v1/businesses/{2 * other_tenant.organisation.pk}").status_code == 404
    assert api.get(f"/v1/businesses/{2 * theirs.pk + 1}").status_code == 404


def test_bad_page_is_a_400_naming_it(api):
    response = api.get("/v1/businesses", {"page": "x"})
    assert response.status_code == 400
    assert "page" in response.json()["message"]


def test_business_list_costs_the_same_for_one_and_many(api, tenant):
    one = api.count_queries("/v1/businesses")
    for n in range(10):
        Division.objects.create(organisation=tenant.organisation, name=f"Wing {n}")
    assert api.count_queries("/v1/businesses") == one


def test_appointments_link_and_filter_by_business(api, book, tenant):
    north = Division.objects.create(organisation=tenant.organisation, name="North wing")
    in_north = AppointmentFactory(organisation=tenant.organisation, practitioner=book.practitioner, division=north)
    at_home = book.appointment()
    body = api.get(f"/v1/individual_appointments/{in_north.pk}").json()
    assert body["business"] == {"links": {"self": f"http://testserver/v1/businesses/{2 * north.pk + 1}"}}
    assert api.get(body["business"]["links"]["self"]).status_code == 200
    home = api.get(f"/v1/bookings/{at_home.pk}").json()["business"]["links"]["self"]
    assert api.get(home).status_code == 200
    listed = api.get("/v1/individual_appointments", {"q[]": f"business_id:={2 * north.pk + 1}"})
    assert listed.status_code == 200, listed.content
    assert [row["id"] for row in listed.json()["individual_appointments"]] == [in_north.pk]
    listed = api.get("/v1/bookings", {"q[]": f"business_id:={2 * tenant.organisation.pk}"})
    assert listed.status_code == 200, listed.content
    assert [row["id"] for row in listed.json()["bookings"]] == [at_home.pk]
