"""GET all_residents and provider_categories: every documented key, only the provider's own rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Resident
from tests.factories import ResidentFactory
from tests.partners.connect4.conftest import Connect4Contract, xml_of

pytestmark = pytest.mark.django_db

RESIDENT_KEYS = {
    "fax_number", "caretracker_id", "resident_type_id", "provider_id", "photo_content_type", "first_name",
    "next_status_update", "id", "state", "photo_file_name", "creator_id", "last_status_update", "home_zip",
    "in_home_care", "home_address2", "home_address1", "email", "customer_number", "updated_at", "review_updates",
    "updater_id", "location", "home_city", "photo_file_size", "home_state", "dob", "last_name", "demo",
    "phone_number", "created_at", "account_number",
}


class TestAllResidents(Connect4Contract):
    endpoint = "all_residents"

    def test_document_example_shape(self, world):
        resident = world.tenant.resident
        Resident.objects.filter(pk=resident.pk).update(home_state="NY", surname_prefix="", last_name="")
        body = world.caller.get("all_residents").json()
        assert set(body) == {"status", "residents"}
        (row,) = body["residents"]
        assert set(row) == RESIDENT_KEYS
        assert row["id"] == resident.pk
        assert row["provider_id"] == world.tenant.organisation.pk
        assert row["dob"] == "1937/01/21"
        assert row["first_name"] == resident.first_name
        assert row["home_address1"] == "123 Mockingbird Lane"
        assert row["home_state"] == "NY"
        assert row["state"] == "active"
        assert row["in_home_care"] is False and row["demo"] is False
        # The document shows null for empty contact fields and "" for empty photo fields.
        for key in ("email", "phone_number", "fax_number", "customer_number", "account_number", "caretracker_id",
                    "last_name", "resident_type_id", "review_updates", "last_status_update"):
            assert row[key] is None, key
        assert (row["photo_file_name"], row["photo_content_type"], row["photo_file_size"]) == ("", "", 0)
        assert (row["creator_id"], row["updater_id"]) == (0, 0)
        assert re.match(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$", row["created_at"])

    def test_last_name_keeps_the_surname_prefix(self, world):
        (row,) = world.caller.get("all_residents").json()["residents"]
        assert row["last_name"] == "de Ester"

    def test_other_organisations_residents_are_never_listed(self, world):
        ids = {r["id"] for r in world.caller.get("all_residents").json()["residents"]}
        assert ids == {world.tenant.resident.pk}

    @pytest.mark.parametrize(
        ("params", "listed"), [({}, 200), ({"page": 1, "per_page": 500}, 200), ({"page": 2, "per_page": 150}, 50)]
    )
    def test_fixed_query_count_for_1_or_200_rows(self, world, params, listed):
        """Counted with the streamed body read inside the count (the Caller reads it), as an app reads it."""

        def count():
            with CaptureQueriesContext(connection) as ctx:
                response = world.caller.get("all_residents", params)
            return len(ctx.captured_queries), len(response.json()["residents"])

        world.caller.get("all_residents")
        one = count()
        ResidentFactory.create_batch(199, organisation=world.tenant.organisation)
        many = count()
        assert many[1] == listed
        assert one[0] == many[0]

    def test_the_unpaged_list_streams_in_the_documented_envelope(self, world):
        response = world.caller.get("all_residents")
        assert response.streaming
        assert list(response.json()) == ["status", "residents"]

    def test_lean_rows_equal_the_serializer_field_for_field(self, world):
        """resident_row is what the wire sends; ResidentOut is what the schema documents: they agree on every
        kind of row (empty and filled contact fields, a photo, creator and updater, status update times)."""
        from datetime import UTC, datetime

        from directory.models import ResidentType
        from healthdesk.partners.connect4 import serializers as io

        organisation = world.tenant.organisation
        kind = ResidentType.objects.create(organisation=organisation, name="Assisted")
        ResidentFactory(
            organisation=organisation, email="a@example.com", phone_number="+31 6 1", fax_number="+31 20 2",
            customer_number="C1", account_number="A1", caretracker_id="CT1", resident_type=kind, in_home_care=True,
            demo=True, photo="residents/photos/face.png", photo_content_type="image/png", photo_file_size=1234,
            review_updates=True, last_status_update=datetime(2016, 2, 7, 10, 57, 51, tzinfo=UTC),
            next_status_update=datetime(2016, 3, 7, 10, 0, tzinfo=UTC), created_by=world.tenant.staff,
            updated_by=world.tenant.staff, surname_prefix="", last_name="Smith", date_of_birth=None,
        )
        ResidentFactory(organisation=organisation, surname_prefix="van", last_name="", review_updates=False)
        residents = Resident.objects.filter(organisation=organisation).order_by("id")
        context = {"zone": organisation.zone}
        documented = io.ResidentOut(list(residents), many=True, context=context).data
        lean = [io.resident_row(values, organisation.zone) for values in residents.values(*io.RESIDENT_COLUMNS)]
        assert lean == documented
        assert world.caller.get("all_residents").json()["residents"] == documented
        assert {row["photo_file_name"] for row in lean} == {"", "face.png"}


class TestAllResidentsPaging:
    """page/per_page, the same healthdesk extension as `tickets`: without them the documented list."""

    @pytest.fixture
    def residents(self, world):
        ResidentFactory.create_batch(4, organisation=world.tenant.organisation)
        return sorted(Resident.objects.filter(organisation=world.tenant.organisation).values_list("id", flat=True))

    def test_pages_walk_the_list_by_id(self, world, residents):
        first = world.caller.get("all_residents", {"per_page": 2}).json()
        assert [first[k] for k in ("status", "page", "per_page", "next_page")] == [True, 1, 2, 2]
        assert list(first)[-1] == "residents"
        last = world.caller.get("all_residents", {"page": 3, "per_page": 2}).json()
        assert (last["next_page"], len(last["residents"])) == (None, 1)
        walked = [r["id"] for n in (1, 2, 3)
                  for r in world.caller.get("all_residents", {"page": n, "per_page": 2}).json()["residents"]]
        assert walked == residents

    def test_page_alone_means_100_per_page(self, world, residents):
        body = world.caller.get("all_residents", {"page": 1}).json()
        assert (body["per_page"], body["next_page"], len(body["residents"])) == (100, None, 5)

    def test_another_providers_residents_are_on_no_page(self, world, residents):
        listed = {r["id"] for n in (1, 2, 3, 4)
                  for r in world.caller.get("all_residents", {"page": n, "per_page": 2}).json()["residents"]}
        assert listed == set(residents)
        theirs = world.other.get("all_residents", {"page": 1, "per_page": 500}).json()["residents"]
        assert {r["id"] for r in theirs}.isdisjoint(residents)

    @pytest.mark.parametrize("params", [{}, {"page": 2, "per_page": 2}])
    def test_xml_gives_the_same_rows(self, world, residents, params):
        rows = world.caller.get("all_residents", params).json()["residents"]
        root = xml_of(world.caller.get("all_residents", {**params, "format": "xml"}))
        assert [int(item.find("id").text) for item in root.find("residents")] == [r["id"] for r in rows]
        assert (root.find("next_page") is not None) == bool(params)

    @pytest.mark.parametrize(
        ("params", "field"),
        [({"page": "0"}, "page"), ({"page": "first"}, "page"), ({"page": "10000001"}, "page"),
         ({"per_page": "0"}, "per_page"), ({"per_page": "501"}, "per_page")],
    )
    def test_bad_paging_is_named_and_audits_nothing(self, world, params, field):
        from directory.models import AuditEvent

        before = AuditEvent.objects.count()
        response = world.caller.get("all_residents", params)
        assert response.status_code == 400
        assert response.json() == {"status": False, "message": response.json()["message"]}
        assert response.json()["message"].startswith(f"{field}: ")
        assert AuditEvent.objects.count() == before


class TestProviderCategories(Connect4Contract):
    endpoint = "provider_categories"

    def test_document_example_with_real_ids(self, world):
        body = world.caller.get("provider_categories").json()
        assert body == {
            "status": True,
            "categories": [{"id": c.pk, "name": c.name} for c in world.categories],
        }
        assert [c["name"] for c in body["categories"]] == ["Clinical Edit", "Emergency", "Activity Level",
                                                           "Weight Gain"]

    def test_other_organisations_categories_are_never_listed(self, world):
        ids = {c["id"] for c in world.other.get("provider_categories").json()["categories"]}
        assert ids.isdisjoint({c.pk for c in world.categories})
