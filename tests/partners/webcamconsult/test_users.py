"""Users: Webcamconsult users are the organisation's staff users."""

import pytest

from directory.models import User
from tests.factories import AppointmentFactory, UserFactory
from tests.partners.webcamconsult.conftest import Caller, assert_invalid, assert_not_found, wid

pytestmark = pytest.mark.django_db

DOC_USER = {
    "titles": "Dokter", "initials": "J", "last_name": "Akkermans", "email": "jakkermans@example.com",
    "address": "Vlietlaan 1", "postal_code": "3011AA", "city": "Ergens",
}


def test_documented_create_answers_the_documented_user(api, tenant):
    answer = api.post("//users.json", {"user": DOC_USER})
    assert answer.status == 200, answer.body
    user = User.objects.get(email="jakkermans@example.com")
    assert user.organisation == tenant.organisation
    assert answer.body == {"user": {
        "id": wid("user", user.pk), **DOC_USER, "full_name": "Dokter J Akkermans", "roles": ["consultant"],
    }}
    assert len(answer.body["user"]["id"]) == 24


def test_list_is_a_bare_array_of_the_documented_objects(api, tenant):
    answer = api.get("//users.json")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert isinstance(answer.body, list)
    row = next(r for r in answer.body if r["id"] == wid("user", tenant.staff.pk))
    assert set(row) == {"id", "titles", "initials", "last_name", "full_name", "email", "address", "postal_code",
                        "city", "roles"}
    assert row["full_name"] == tenant.staff.display_name
    assert row["roles"] == ["consultant"]


def test_detail_and_update(api, tenant):
    url = f"//users/{wid('user', tenant.staff.pk)}.json"
    assert api.get(url).body["user"]["email"] == tenant.staff.email
    # The document's PUT body carries the generated full_name: accepted and ignored.
    answer = api.put(url, {"user": {**DOC_USER, "full_name": "ignored", "city": "Elders"}})
    assert answer.status == 200, answer.body
    assert answer.body["user"]["city"] == "Elders"
    assert answer.body["user"]["full_name"] == "Dokter J Akkermans"
    tenant.staff.refresh_from_db()
    assert tenant.staff.city == "Elders"


def test_duplicate_email_is_422_in_dutch_when_asked(tenant):
    dutch = Caller(tenant.secret, language="nl")
    before = User.objects.count()
    answer = dutch.post("/users.json", {"user": {**DOC_USER, "email": tenant.staff.email.upper()}})
    assert answer.status == 422
    assert answer.body == {"errors": {"email": ["is al in gebruik"]}}
    assert User.objects.count() == before


def test_duplicate_email_is_422_in_english_by_default(api, tenant):
    other = UserFactory(organisation=tenant.organisation)
    answer = api.put(f"/users/{wid('user', other.pk)}.json", {"user": {"email": tenant.staff.email}})
    assert answer.body == {"errors": {"email": ["has already been taken"]}}
    other.refresh_from_db()
    assert other.email != tenant.staff.email


def test_the_same_email_in_another_organisation_is_fine(api, other_tenant):
    answer = api.post("/users.json", {"user": {**DOC_USER, "email": other_tenant.staff.email}})
    assert answer.status == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user": {**DOC_USER, "email": "not an email"}}, "email"),
        ({"user": {**DOC_USER, "last_name": ""}}, "last_name"),
        ({"user": {key: value for key, value in DOC_USER.items() if key != "email"}}, "email"),
        ({"user": {**DOC_USER, "titles": ["Dokter"]}}, "titles"),
        ({"user": {**DOC_USER, "initials": "J" * 21}}, "initials"),
        ({"user": {**DOC_USER, "password": "x"}}, "password"),
        ({"user": {**DOC_USER, "is_staff": True}}, "is_staff"),
        ({"user": "Akkermans"}, "user"),
        ({"usr": DOC_USER}, "usr"),
        ({}, "user"),
        ([DOC_USER], "base"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(api, body, field):
    before = User.objects.count()
    assert_invalid(api.post("/users.json", body), field)
    assert User.objects.count() == before


def test_blank_is_reported_rails_style(api):
    answer = api.post("/users.json", {"user": {**DOC_USER, "last_name": ""}})
    assert answer.body == {"errors": {"last_name": ["can't be blank"]}}


def test_every_bad_field_is_reported_at_once(api):
    answer = api.post("/users.json", {"user": {"email": "nope"}})
    assert set(answer.body["errors"]) == {"email", "last_name"}


def test_malformed_json_is_400_and_writes_nothing(api):
    before = User.objects.count()
    answer = api.post("/users.json", raw='{"user": {"last_name": ')
    assert answer.status == 400
    assert answer.body == {"errors": {"body": ["is not valid JSON"]}}
    assert User.objects.count() == before


def test_update_with_bad_input_writes_nothing(api, tenant):
    url = f"/users/{wid('user', tenant.staff.pk)}.json"
    assert_invalid(api.put(url, {"user": {"city": "Elders", "email": "nope"}}), "email")
    tenant.staff.refresh_from_db()
    assert tenant.staff.city != "Elders"


def test_delete_without_appointments_deletes(api, tenant):
    user = UserFactory(organisation=tenant.organisation)
    answer = api.delete(f"//users/{wid('user', user.pk)}.json", {"user": {"id": wid("user", user.pk)}})
    assert (answer.status, answer.body) == (200, {"status": "ok"})
    assert not User.objects.filter(pk=user.pk).exists()


def test_delete_with_appointments_deactivates_and_leaves_the_list(api, tenant):
    user = UserFactory(organisation=tenant.organisation)
    AppointmentFactory(organisation=tenant.organisation, practitioner=user)
    url = f"/users/{wid('user', user.pk)}.json"
    assert api.delete(url).body == {"status": "ok"}
    assert User.objects.get(pk=user.pk).is_active is False
    assert wid("user", user.pk) not in {row["id"] for row in api.get("/users.json").body}
    assert_not_found(api.get(url))


def test_another_organisations_user_is_not_found_for_every_method(api, other_tenant):
    url = f"/users/{wid('user', other_tenant.staff.pk)}.json"
    assert_not_found(api.get(url))
    assert_not_found(api.put(url, {"user": {"city": "Elders"}}))
    assert_not_found(api.delete(url))
    other_tenant.staff.refresh_from_db()
    assert other_tenant.staff.city != "Elders" and other_tenant.staff.is_active


def test_another_organisations_users_are_not_listed(api, other_tenant):
    ids = {row["id"] for row in api.get("/users.json").body}
    assert wid("user", other_tenant.staff.pk) not in ids


@pytest.mark.parametrize("user_id", ["nope", "1234567890abcdef12345678", "636c6e740000000000000001", "0" * 24])
def test_malformed_or_foreign_kind_ids_are_not_found(api, tenant, user_id):
    assert_not_found(api.get(f"/users/{user_id}.json"))


def test_a_client_id_is_not_a_user_id(api, tenant):
    # Same row number, different kind: ids carry their kind.
    assert_not_found(api.get(f"/users/{wid('client', tenant.staff.pk)}.json"))


def test_list_costs_the_same_queries_for_one_or_many(api, tenant):
    one, rows = api.count_queries("/users.json")
    assert len(rows) == 1
    UserFactory.create_batch(199, organisation=tenant.organisation)
    many, rows = api.count_queries("/users.json")
    assert len(rows) == 200
    assert one == many


def test_paging(api, tenant):
    UserFactory.create_batch(4, organisation=tenant.organisation)
    everyone = [row["id"] for row in api.get("/users.json").body]
    assert [row["id"] for row in api.get("/users.json?page=2&per_page=2").body] == everyone[2:4]
    assert [row["id"] for row in api.get("/users.json?per_page=3").body] == everyone[:3]
    assert_invalid(api.get("/users.json?page=0"), "page")
    # Past 1 000 000 the row offset would overflow the database's integers (found by .ci/fuzz).
    assert_invalid(api.get("/users.json?page=832931384907741134848"), "page")
    assert_invalid(api.get("/users.json?per_page=x"), "per_page")
