"""GET all_residents and provider_categories: every documented key, only the provider's own rows."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Resident
from tests.factories import ResidentFactory
from tests.partners.connect4.conftest import Connect4Contract

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

    def test_fixed_query_count_for_1_or_200_rows(self, world):
        def count():
            with CaptureQueriesContext(connection) as ctx:
                response = world.caller.get("all_residents")
            return len(ctx.captured_queries), len(response.json()["residents"])

        world.caller.get("all_residents")
        one = count()
        ResidentFactory.create_batch(199, organisation=world.tenant.organisation)
        many = count()
        assert (one[1], many[1]) == (1, 200)
        assert one[0] == many[0]


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
