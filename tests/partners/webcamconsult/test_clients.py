"""Clients: Webcamconsult clients are the organisation's residents."""

from datetime import date

import pytest
from jsonschema import Draft202012Validator

from directory import credentials
from directory import selectors as directory_selectors
from directory.models import Resident
from tests import contract
from tests.factories import DivisionFactory, ResidentFactory
from tests.partners.nesting import MAX_JSON_DEPTH, TOO_DEEP, depth, with_deep_extra
from tests.partners.webcamconsult.conftest import assert_invalid, assert_not_found, wid

pytestmark = pytest.mark.django_db


@pytest.fixture
def divisions(tenant):
    return DivisionFactory.create_batch(2, organisation=tenant.organisation)


def doc_client(divisions):
    """The document's create body, with this organisation's division ids (the document's repeat one id)."""
    return {
        "email": "urias@sensestudios.com", "titles": "Dr.", "initials": "T", "surname_prefix": "de",
        "last_name": "Ester", "gender": "male", "date_of_birth": "2014-12-18T00:00:00.000+01:00",
        "reference_code": "12345",
        "division_ids": [wid("division", divisions[0].pk), wid("division", divisions[0].pk)],
    }


def test_documented_create_answers_the_documented_client(api, tenant, divisions):
    answer = api.post("//clients.json", {"client": doc_client(divisions)})
    assert answer.status == 200, answer.body
    resident = Resident.objects.get(reference_code="12345")
    assert answer.body == {"client": {
        "id": wid("client", resident.pk), "email": "urias@sensestudios.com", "titles": "Dr.", "initials": "T",
        "surname_prefix": "de", "last_name": "Ester", "client_full_name": "Dhr. Dr. T de Ester", "external": None,
        "gender": "male", "date_of_birth": "2014-12-18T00:00:00.000+01:00", "reference_code": "12345",
        "division_ids": [wid("division", divisions[0].pk)],
    }}
    assert resident.date_of_birth == date(2014, 12, 18)
    assert resident.created_via == "webcamconsult"


def test_a_client_created_here_is_the_resident_every_other_api_lists(api, tenant, divisions):
    answer = api.post("/clients.json", {"client": doc_client(divisions)})
    resident = Resident.objects.get(reference_code="12345")
    assert answer.body["client"]["id"] == wid("client", resident.pk)
    # Connect4's all_residents and the admin read residents through this selector.
    assert resident in directory_selectors.resident_list(organisation=tenant.organisation)
    assert resident.organisation == tenant.organisation
    assert list(resident.divisions.all()) == [divisions[0]]


def test_list_rows_carry_the_join_token(api, tenant):
    rows = api.get("//clients.json").body
    assert len(rows) == 1
    row = rows[0]
    assert row["id"] == wid("client", tenant.resident.pk)
    assert row["authentication_token"] == credentials.resident_join_token(tenant.resident.pk)
    assert len(row["authentication_token"]) == 20
    assert row["client_full_name"] == "Dhr. de Ester"
    # Amsterdam was +00:19:32 in 1937: shown in whole minutes, as Rails does.
    assert row["date_of_birth"] == "1937-01-21T00:00:00.000+00:19"


def test_salutation_follows_gender(api, tenant):
    ResidentFactory(organisation=tenant.organisation, gender="female", initials="A", surname_prefix="",
                    last_name="Jansen", titles="")
    ResidentFactory(organisation=tenant.organisation, gender="", initials="B", surname_prefix="",
                    last_name="Smit", titles="", date_of_birth=None)
    names = {row["last_name"]: row for row in api.get("/clients.json").body}
    assert names["Jansen"]["client_full_name"] == "Mevr. A Jansen"
    assert names["Smit"]["client_full_name"] == "B Smit"
    assert names["Smit"]["gender"] is None and names["Smit"]["date_of_birth"] is None


def test_detail_singular_and_plural_and_update(api, tenant, divisions):
    pk = wid("client", tenant.resident.pk)
    for url in (f"//client/{pk}.json", f"/client/{pk}.json", f"/clients/{pk}.json", f"//clients/{pk}.json"):
        assert api.get(url).body["client"]["id"] == pk
    body = {**doc_client(divisions), "division_ids": [wid("division", d.pk) for d in divisions]}
    answer = api.put(f"//client/{pk}.json", {"client": body})
    assert answer.status == 200, answer.body
    assert answer.body["client"]["client_full_name"] == "Dhr. Dr. T de Ester"
    assert sorted(answer.body["client"]["division_ids"]) == sorted(wid("division", d.pk) for d in divisions)
    tenant.resident.refresh_from_db()
    assert tenant.resident.titles == "Dr." and tenant.resident.reference_code == "12345"


def test_partial_update_keeps_divisions_unless_sent(api, tenant, divisions):
    tenant.resident.divisions.set(divisions)
    url = f"/client/{wid('client', tenant.resident.pk)}.json"
    assert api.put(url, {"client": {"external": "EXT-1"}}).body["client"]["external"] == "EXT-1"
    assert tenant.resident.divisions.count() == 2
    assert api.put(url, {"client": {"division_ids": []}}).body["client"]["division_ids"] == []


def test_null_text_is_stored_blank(api, tenant):
    url = f"/client/{wid('client', tenant.resident.pk)}.json"
    answer = api.put(url, {"client": {"titles": None, "gender": None, "date_of_birth": None}})
    assert answer.status == 200, answer.body
    tenant.resident.refresh_from_db()
    assert (tenant.resident.titles, tenant.resident.gender, tenant.resident.date_of_birth) == ("", "", None)


def test_birth_date_keeps_the_calendar_date_as_written(api, tenant):
    url = f"/client/{wid('client', tenant.resident.pk)}.json"
    for sent in ("2014-12-18", "2014-12-18T00:00:00+14:00", "2014-12-18T00:00:00.000Z"):
        answer = api.put(url, {"client": {"date_of_birth": sent}})
        assert answer.body["client"]["date_of_birth"] == "2014-12-18T00:00:00.000+01:00", sent


def test_delete_archives_the_client(api, tenant):
    url = f"//client/{wid('client', tenant.resident.pk)}.json"
    assert api.delete(url, {"client": {"id": wid("client", tenant.resident.pk)}}).body == {"status": "ok"}
    tenant.resident.refresh_from_db()
    assert tenant.resident.archived_at is not None
    assert api.get("/clients.json").body == []
    assert_not_found(api.get(url))
    assert_not_found(api.delete(url))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"gender": "unknown"}, "gender"),
        ({"date_of_birth": "18-12-2014"}, "date_of_birth"),
        ({"date_of_birth": 20141218}, "date_of_birth"),
        ({"email": "not an email"}, "email"),
        ({"division_ids": ["5492ba6da19ea682ea000001"]}, "division_ids"),
        ({"division_ids": "nope"}, "division_ids"),
        ({"last_name": None}, "last_name"),
        ({"last_name": "x" * 256}, "last_name"),
        ({"first_name": "Urias"}, "first_name"),
        ({"notes": "secret"}, "notes"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(api, tenant, divisions, change, field):
    before = Resident.objects.count()
    assert_invalid(api.post("/clients.json", {"client": {**doc_client(divisions), **change}}), field)
    assert Resident.objects.count() == before


def test_another_organisations_division_is_an_unknown_division(api, tenant, other_tenant, divisions):
    foreign = DivisionFactory(organisation=other_tenant.organisation)
    before = Resident.objects.count()
    body = {**doc_client(divisions), "division_ids": [wid("division", foreign.pk)]}
    assert_invalid(api.post("/clients.json", {"client": body}), "division_ids")
    assert Resident.objects.count() == before
    url = f"/client/{wid('client', tenant.resident.pk)}.json"
    assert_invalid(api.put(url, {"client": {"last_name": "Changed", **body}}), "division_ids")
    tenant.resident.refresh_from_db()
    assert tenant.resident.last_name != "Changed"


def test_malformed_json_writes_nothing(api):
    before = Resident.objects.count()
    answer = api.post("/clients.json", raw="{'client': {}}")
    assert answer.status == 400 and list(answer.body["errors"]) == ["body"]
    assert Resident.objects.count() == before


def test_another_organisations_client_is_not_found_for_every_method(api, other_tenant):
    url = f"/client/{wid('client', other_tenant.resident.pk)}.json"
    assert_not_found(api.get(url))
    assert_not_found(api.put(url, {"client": {"last_name": "Changed"}}))
    assert_not_found(api.delete(url))
    other_tenant.resident.refresh_from_db()
    assert other_tenant.resident.last_name != "Changed" and other_tenant.resident.archived_at is None


def test_another_organisations_clients_are_not_listed(api, other_tenant):
    ids = {row["id"] for row in api.get("/clients.json").body}
    assert ids and wid("client", other_tenant.resident.pk) not in ids


def test_list_costs_the_same_queries_for_one_or_many(api, tenant, divisions):
    tenant.resident.divisions.set(divisions)
    one, rows = api.count_queries("/clients.json")
    assert len(rows) == 1
    for resident in ResidentFactory.create_batch(199, organisation=tenant.organisation):
        resident.divisions.set(divisions)
    many, rows = api.count_queries("/clients.json")
    assert len(rows) == 200 and all(len(row["division_ids"]) == 2 for row in rows)
    assert one == many


def test_paging(api, tenant):
    ResidentFactory.create_batch(3, organisation=tenant.organisation)
    everyone = [row["id"] for row in api.get("/clients.json").body]
    assert [row["id"] for row in api.get("/clients.json?page=2&per_page=3").body] == everyone[3:]


def test_a_client_without_email_answers_an_empty_string_the_document_allows(api, tenant):
    # The contract middleware does not check formats; schemathesis does, and found "" documented as format email.
    answer = api.post("/clients.json", {"client": {"last_name": "Ester"}})
    assert answer.status == 200, answer.body
    assert answer.body["client"]["email"] == ""
    documented = contract._document()[0]["schemas"]["ClientOutput"]["properties"]["email"]
    Draft202012Validator(documented, format_checker=Draft202012Validator.FORMAT_CHECKER).validate("")


def test_too_deeply_nested_json_is_a_400_in_shape_and_writes_nothing(api, divisions):
    # Issue #16 finding 2: 1,000 levels of brackets raised RecursionError inside the JSON parser (a 500).
    before = Resident.objects.count()
    answer = api.post("/clients.json", raw=TOO_DEEP)
    assert answer.status == 400 and list(answer.body["errors"]) == ["body"]
    assert Resident.objects.count() == before


def test_json_nested_to_the_limit_still_parses(api, divisions):
    body = with_deep_extra({"client": doc_client(divisions)})
    assert depth(body) == MAX_JSON_DEPTH
    answer = api.post("/clients.json", raw=body)
    # Webcamconsult refuses unknown attributes: being named proves the body was parsed, not refused as a body.
    assert answer.status == 422 and answer.body == {"errors": {"nesting_probe": ["is not a known attribute"]}}
