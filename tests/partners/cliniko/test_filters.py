"""The `q[]` filter language, sorting and pagination, on the attendee lists."""

from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest

from healthdesk.partners.cliniko import filters
from scheduling.models import Attendee

pytestmark = pytest.mark.django_db

T0 = datetime(2016, 6, 28, 21, 33, 26, tzinfo=UTC)


def z(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["attendees"]]


@pytest.fixture
def rows(book):
    """Five attendees one hour apart (created and updated), on three bookings, with two patients."""
    bookings = [book.group(), book.group(), book.group()]
    patients = [book.patient(), book.patient()]
    made = []
    for i in range(5):
        attendee = book.attendee(appointment=bookings[i % 3], resident=patients[i // 3])
        moment = T0 + timedelta(hours=i)
        Attendee.objects.filter(pk=attendee.pk).update(created_at=moment, updated_at=moment + timedelta(days=1))
        made.append(attendee)
    return {"attendees": made, "bookings": bookings, "patients": patients}


def q(api, *conditions, url="/v1/attendees", **params):
    return api.get(url, {"q[]": list(conditions), "per_page": 100, **params})


# Integer fields: every operator ----------------------------------------------------------------------------
@pytest.mark.parametrize("field", ["id", "booking_id", "patient_id"])
def test_every_integer_operator(api, rows, field):
    attendees = rows["attendees"]
    value = {"id": lambda a: a.pk, "booking_id": lambda a: a.appointment_id, "patient_id": lambda a: a.resident_id}[
        field
    ]
    pivot = value(attendees[1])

    def expect(keep):
        return [a.pk for a in attendees if keep(value(a))]

    assert ids(q(api, f"{field}:={pivot}")) == expect(lambda v: v == pivot)
    assert ids(q(api, f"{field}:!={pivot}")) == expect(lambda v: v != pivot)
    assert ids(q(api, f"{field}:>{pivot}")) == expect(lambda v: v > pivot)
    assert ids(q(api, f"{field}:>={pivot}")) == expect(lambda v: v >= pivot)
    assert ids(q(api, f"{field}:<{pivot}")) == expect(lambda v: v < pivot)
    assert ids(q(api, f"{field}:<={pivot}")) == expect(lambda v: v <= pivot)
    listed = {value(attendees[0]), value(attendees[2])}
    joined = ",".join(str(v) for v in listed)
    assert ids(q(api, f"{field}:={joined}")) == expect(lambda v: v in listed)
    assert ids(q(api, f"{field}:?")) == [a.pk for a in attendees]
    assert ids(q(api, f"{field}:!?")) == []


# Date-time fields: every operator --------------------------------------------------------------------------
@pytest.mark.parametrize("field, offset", [("created_at", timedelta(0)), ("updated_at", timedelta(days=1))])
def test_every_datetime_operator(api, rows, field, offset):
    attendees = rows["attendees"]
    pks = [a.pk for a in attendees]
    pivot = z(T0 + timedelta(hours=2) + offset)
    assert ids(q(api, f"{field}:>{pivot}")) == pks[3:]
    assert ids(q(api, f"{field}:>={pivot}")) == pks[2:]
    assert ids(q(api, f"{field}:<{pivot}")) == pks[:2]
    assert ids(q(api, f"{field}:<={pivot}")) == pks[:3]
    assert ids(q(api, f"{field}:?")) == pks
    assert ids(q(api, f"{field}:!?")) == []
    assert ids(q(api, f"{field}:*")) == pks


def test_datetime_with_fractional_seconds_is_accepted(api, rows):
    assert ids(q(api, f"created_at:>{z(T0)[:-1]}.5Z")) == [a.pk for a in rows["attendees"][1:]]


# Combining -------------------------------------------------------------------------------------------------
def test_filters_and_together_and_total_entries_is_exact(api, rows):
    attendees = rows["attendees"]
    booking = attendees[0].appointment_id
    response = q(api, f"booking_id:={booking}", f"created_at:>{z(T0)}", per_page=1)
    assert ids(response) == [attendees[3].pk]
    assert response.json()["total_entries"] == 1
    response = q(api, f"created_at:>={z(T0 + timedelta(hours=1))}", f"created_at:<{z(T0 + timedelta(hours=4))}",
                 per_page=2)
    assert response.json()["total_entries"] == 3
    assert ids(response) == [attendees[1].pk, attendees[2].pk]
    assert "next" in response.json()["links"]


def test_bare_q_is_one_filter_and_the_last_one_wins(api, rows):
    attendees = rows["attendees"]
    assert ids(api.get("/v1/attendees", {"q": f"id:={attendees[2].pk}"})) == [attendees[2].pk]
    assert ids(api.get("/v1/attendees", {"q": [f"id:={attendees[0].pk}", f"id:={attendees[4].pk}"]})) == [
        attendees[4].pk
    ]
    combined = api.get("/v1/attendees", {"q": f"id:>{attendees[0].pk}", "q[]": f"id:<{attendees[2].pk}"})
    assert ids(combined) == [attendees[1].pk]


def test_percent_encoded_brackets_work(api, rows):
    attendee = rows["attendees"][3]
    response = api.get(f"/v1/attendees?{quote('q[]')}={quote(f'id:={attendee.pk}')}")
    assert ids(response) == [attendee.pk]


def test_filters_apply_to_every_attendee_list(api, book, rows):
    group = rows["bookings"][0]
    in_group = [a for a in rows["attendees"] if a.appointment_id == group.pk]
    assert ids(q(api, f"id:={in_group[1].pk}", url=f"/v1/group_appointments/{group.pk}/attendees")) == [
        in_group[1].pk
    ]
    Attendee.objects.filter(pk=in_group[0].pk).update(deleted_at=T0)
    Attendee.objects.filter(pk=in_group[1].pk).update(cancelled_at=T0)
    assert ids(q(api, f"patient_id:={in_group[0].resident_id}", url="/v1/attendees/deleted")) == [in_group[0].pk]
    assert ids(q(api, f"patient_id:!={in_group[1].resident_id}", url="/v1/attendees/cancelled")) == []


# Bad filters: 400 with a JSON message, never a 500 ----------------------------------------------------------
@pytest.mark.parametrize(
    "condition, words",
    [
        ("notes:=x", "not filterable"),
        ("arrived:=true", "not filterable"),
        ("deleted_at:=2016-06-28T21:33:26Z", "operators"),
        ("id", "field:OPERATORvalue"),
        ("id:7", "operators"),
        ("id:~7", "operators"),
        ("id:*", "operators"),
        ("id:=", "value is required"),
        ("id:=abc", "not an integer"),
        ("id:=-1", "not an integer"),
        ("id:=1.5", "not an integer"),
        ("id:=1,,2", "not an integer"),
        ("id:>=99999999999999999999", "not an integer"),
        ("id:?1", "takes no value"),
        ("patient_id:!?x", "takes no value"),
        ("created_at:=2016-06-28T21:33:26Z", "operators"),
        ("created_at:!=2016-06-28T21:33:26Z", "operators"),
        ("created_at:>2016-06-28", "UTC"),
        ("created_at:>2016-06-28T21:33:26+02:00", "UTC"),
        ("created_at:>2016-06-28 21:33:26", "UTC"),
        ("created_at:>2016-13-45T21:33:26Z", "not a date-time"),
        ("updated_at:<yesterday", "UTC"),
        ("updated_at:*x", "takes no value"),
        (":=1", "not filterable"),
        ("id:=1\x00", "NUL"),
    ],
)
def test_bad_filters_are_400_with_a_json_message(api, rows, condition, words):
    response = q(api, condition)
    assert response.status_code == 400
    assert list(response.json()) == ["message"]
    assert words in response.json()["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "notes"}, {"sort": "created_at:sideways"}, {"order": "up"}, {"page": "0"}, {"page": "x"},
        {"page": "-1"}, {"per_page": "0"}, {"per_page": "ten"}, {"page": "9" * 30},
    ],
)
def test_bad_sort_and_page_parameters_are_400(api, rows, params):
    response = api.get("/v1/attendees", params)
    assert response.status_code == 400
    assert list(response.json()) == ["message"]


def test_a_good_filter_does_not_rescue_a_bad_one(api, rows):
    assert q(api, f"id:={rows['attendees'][0].pk}", "bogus:=1").status_code == 400


# Sorting ---------------------------------------------------------------------------------------------------
def test_default_order_is_created_at_ascending(api, rows):
    attendees = rows["attendees"]
    Attendee.objects.filter(pk=attendees[0].pk).update(created_at=T0 + timedelta(days=9))
    assert ids(api.get("/v1/attendees")) == [a.pk for a in attendees[1:]] + [attendees[0].pk]


def test_sort_by_several_columns_with_directions(api, rows):
    attendees = rows["attendees"]
    by_patient_then_newest = sorted(attendees, key=lambda a: (a.resident_id, -a.created_at.timestamp()))
    response = api.get("/v1/attendees", {"sort": "patient_id,created_at:desc"})
    assert ids(response) == [a.pk for a in by_patient_then_newest]
    assert ids(api.get("/v1/attendees", {"sort": "created_at:desc"})) == [a.pk for a in reversed(attendees)]
    assert ids(api.get("/v1/attendees", {"sort": "updated_at:DESC"})) == [a.pk for a in reversed(attendees)]


def test_legacy_order_sets_the_default_direction(api, rows):
    attendees = rows["attendees"]
    assert ids(api.get("/v1/attendees", {"order": "desc"})) == [a.pk for a in reversed(attendees)]
    assert ids(api.get("/v1/attendees", {"order": "desc", "sort": "id:asc"})) == [a.pk for a in attendees]


def test_equal_times_are_ordered_by_id(api, rows):
    Attendee.objects.update(created_at=T0)
    assert ids(api.get("/v1/attendees")) == sorted(a.pk for a in rows["attendees"])
    assert ids(api.get("/v1/attendees", {"sort": "created_at:desc"})) == sorted(
        (a.pk for a in rows["attendees"]), reverse=True
    )


# Pagination ------------------------------------------------------------------------------------------------
def test_following_next_walks_120_rows_without_gaps_or_repeats(api, book):
    group = book.group()
    created = [book.attendee(appointment=group, resident=book.patient()).pk for _ in range(120)]
    # Many rows share a creation time in practice; the id tiebreak must keep pages disjoint.
    Attendee.objects.filter(pk__in=created[40:80]).update(created_at=T0)
    url, seen, pages = "/v1/attendees", [], 0
    while url:
        body = api.get(url).json()
        assert body["total_entries"] == 120
        seen += [row["id"] for row in body["attendees"]]
        pages += 1
        if pages > 1:
            assert body["links"]["previous"].startswith("http://testserver/v1/attendees?")
        else:
            assert "previous" not in body["links"]
        url = body["links"].get("next")
        assert url is None or "after=" in url
    assert pages == 3
    assert len(seen) == len(set(seen)) == 120
    assert sorted(seen) == sorted(created)


def test_links_keep_the_query_and_follow_verbatim(api, rows):
    attendees = rows["attendees"]
    first = api.get("/v1/attendees", {"q[]": f"id:>{attendees[0].pk}", "per_page": 2, "sort": "id:desc"}).json()
    assert first["total_entries"] == 4
    links = first["links"]
    assert links["self"].startswith("http://testserver/v1/attendees?")
    assert "page=1" in links["self"] and "page=2" in links["next"] and "previous" not in links
    second = api.get(links["next"]).json()
    assert [r["id"] for r in first["attendees"] + second["attendees"]] == [a.pk for a in reversed(attendees[1:])]
    assert "next" not in second["links"]
    assert api.get(second["links"]["previous"]).json() == first


def test_per_page_defaults_to_50_and_is_capped_at_100(api, book):
    group = book.group()
    for _ in range(101):
        book.attendee(appointment=group, resident=book.patient())
    assert len(api.get("/v1/attendees").json()["attendees"]) == 50
    assert len(api.get("/v1/attendees", {"per_page": 500}).json()["attendees"]) == 100


def test_a_page_past_the_end_is_empty_with_the_exact_total(api, rows):
    body = api.get("/v1/attendees", {"page": 7}).json()
    assert body["attendees"] == [] and body["total_entries"] == 5
    assert "next" not in body["links"]


# The parser on its own -------------------------------------------------------------------------------------
def test_parser_reads_the_longest_operator():
    fields = {"id": filters.Filter("id", filters.INTEGER)}
    assert filters.parse("id:>=5", fields)[1:] == (">=", "5")
    assert filters.parse("id:!=5", fields)[1:] == ("!=", "5")
    assert filters.parse("id:!?", fields)[1:] == ("!?", "")


def test_string_date_and_boolean_operators():
    fields = {
        "name": filters.Filter("last_name", filters.STRING),
        "born": filters.Filter("date_of_birth", filters.DATE),
        "flag": filters.Filter("in_home_care", filters.BOOLEAN),
    }

    def cond(raw):
        return str(filters.condition(*filters.parse(raw, fields), raw))

    assert "icontains" in cond("name:~smi")
    assert "iregex" in cond("name:~~sm%th")
    assert "'^sm.*th$'" in cond("name:~~sm%th")
    assert "date_of_birth__month" in cond("born:=****-05-**") and "year" not in cond("born:=****-05-**")
    assert "date_of_birth__gt" in cond("born:>1937-01-21")
    assert "in_home_care', True" in cond("flag:=true")
    for bad in ("born:=1937-02-30", "born:>21-01-1937", "flag:=yes", "flag:>true", "name:>a"):
        with pytest.raises(filters.BadQuery):
            filters.condition(*filters.parse(bad, fields), bad)


# Keyset continuation ---------------------------------------------------------------------------------------
def walk(api, url, params):
    first = api.get(url, params)
    assert first.status_code == 200, first.content
    body, seen = first.json(), []
    while True:
        seen += [row["id"] for row in body[next(iter(body))]]
        if "next" not in body["links"]:
            return seen
        response = api.get(body["links"]["next"])
        assert response.status_code == 200, response.content
        body = response.json()


@pytest.mark.parametrize(
    "sort",
    ["created_at", "created_at:desc", "updated_at:desc", "patient_id,created_at:desc", "booking_id:desc,id",
     "id:desc"],
)
def test_next_links_seek_to_the_same_rows_an_offset_would_give(api, book, sort):
    groups = [book.group() for _ in range(3)]
    made = [book.attendee(appointment=groups[i % 3], resident=book.patient()) for i in range(23)]
    # Ties on every sort column but id, so the seek must order them exactly as the database does.
    Attendee.objects.filter(pk__in=[a.pk for a in made[5:15]]).update(created_at=T0, updated_at=T0)
    expected = ids(api.get("/v1/attendees", {"sort": sort, "per_page": 100}))
    assert walk(api, "/v1/attendees", {"sort": sort, "per_page": 4}) == expected
    assert walk(api, "/v1/attendees", {"order": "desc", "per_page": 5}) == list(reversed(ids(
        api.get("/v1/attendees", {"per_page": 100})
    )))


def test_next_links_seek_on_other_lists_too(api, book):
    for i in range(7):
        book.patient(last_name=f"Name{i % 3}")
    expected = [row["id"] for row in api.get("/v1/patients", {"sort": "last_name", "per_page": 100}).json()[
        "patients"]]
    assert walk(api, "/v1/patients", {"sort": "last_name", "per_page": 2}) == expected
    appointments = [book.appointment() for _ in range(5)]
    assert walk(api, "/v1/bookings", {"per_page": 2}) == [a.pk for a in appointments]


def test_rows_added_before_the_cursor_do_not_repeat_rows(api, book):
    group = book.group()
    made = [book.attendee(appointment=group, resident=book.patient()) for _ in range(6)]
    first = api.get("/v1/attendees", {"per_page": 3}).json()
    # A row created in between that sorts first would shift an OFFSET; the seek continues after row 3.
    early = book.attendee(appointment=group, resident=book.patient())
    Attendee.objects.filter(pk=early.pk).update(created_at=T0)
    second = api.get(first["links"]["next"]).json()
    assert [row["id"] for row in first["attendees"] + second["attendees"]] == [a.pk for a in made]


@pytest.mark.parametrize("after", ["garbage!", "W10", "WyJ4IiwgMV0", "WzEwMDAwMDAwMDAwMDAwMDAwMDAwMDAsIDFd"])
def test_a_bad_after_is_400(api, rows, after):
    response = api.get("/v1/attendees", {"after": after})
    assert response.status_code == 400
    assert list(response.json()) == ["message"]


def test_after_on_a_sort_that_cannot_seek_is_400(api, book):
    book.attendee()
    response = api.get("/v1/individual_appointments", {"sort": "patient_id", "after": "WzFd"})
    assert response.status_code == 400
    assert "page" in response.json()["message"]


def test_a_sort_that_cannot_seek_still_pages_by_offset(api, book):
    made = [book.attendee(appointment=book.appointment(), resident=book.patient()) for _ in range(5)]
    pages = walk(api, "/v1/individual_appointments", {"sort": "patient_id", "per_page": 2})
    assert pages == [a.appointment_id for a in made]


def test_following_next_costs_the_same_queries_as_page_1(api, book):
    group = book.group()
    for _ in range(30):
        book.attendee(appointment=group, resident=book.patient())
    first = api.get("/v1/attendees", {"per_page": 10}).json()
    assert api.count_queries("/v1/attendees", {"per_page": 10}) == api.count_queries(first["links"]["next"])


# The newer API's style: cancelled_at / deleted_at filters reach what the default lists leave out -------------
def test_cancelled_at_and_deleted_at_filters_widen_the_default_lists(api, book):
    group = book.group()
    live, cancelled, deleted = (book.attendee(appointment=group, resident=book.patient()) for _ in range(3))
    api.patch(f"/v1/attendees/{cancelled.pk}/cancel", {"cancellation_reason": 50})
    api.delete(f"/v1/attendees/{deleted.pk}")

    def found(*conditions, url="/v1/attendees"):
        return ids(q(api, *conditions, url=url))

    assert found() == [live.pk]
    assert found("cancelled_at:*") == [live.pk, cancelled.pk]
    assert found("cancelled_at:?") == [cancelled.pk]
    assert found("deleted_at:*") == [live.pk, cancelled.pk, deleted.pk]
    assert found("deleted_at:?") == [deleted.pk]
    assert found("deleted_at:!?", "cancelled_at:!?") == [live.pk]
    assert found("cancelled_at:>2000-01-01T00:00:00Z") == [cancelled.pk]
    assert found("cancelled_at:*", url=f"/v1/group_appointments/{group.pk}/attendees") == [live.pk, cancelled.pk]
    # The legacy sub-lists keep their meaning whatever the filter.
    assert found("deleted_at:*", url="/v1/attendees/cancelled") == [cancelled.pk]
    assert found("cancelled_at:*", url="/v1/attendees/deleted") == [deleted.pk]


@pytest.mark.parametrize("sort", [None, "created_at:desc", "patient_id", "updated_at:desc,id"])
def test_every_offset_page_is_the_list_in_order_whichever_end_it_is_read_from(api, book, sort):
    # Pages past the middle are read backwards from the end (cheaper deep pages); they must still be exact.
    patients = [book.patient() for _ in range(3)]  # ties on patient_id, broken by id
    for i in range(23):
        book.attendee(appointment=book.group(), resident=patients[i % 3])
    params = {"per_page": 5, **({"sort": sort} if sort else {})}
    everything = [a["id"] for a in api.get("/v1/attendees", {**params, "per_page": 100}).json()["attendees"]]
    assert len(everything) == 23
    pages = [api.get("/v1/attendees", {**params, "page": page}).json() for page in range(1, 7)]
    assert [[a["id"] for a in body["attendees"]] for body in pages] == [
        everything[0:5], everything[5:10], everything[10:15], everything[15:20], everything[20:23], []
    ]
    assert all(body["total_entries"] == 23 for body in pages)
    assert ["next" in body["links"] for body in pages] == [True, True, True, True, False, False]
    # A next link from a page read backwards continues exactly where that page ends.
    following = api.get(pages[3]["links"]["next"]).json()
    assert [a["id"] for a in following["attendees"]] == everything[20:23]
