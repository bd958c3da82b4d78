"""The shared output plumbing renders exactly what DRF's own classes would: it is only faster."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from healthdesk.partners.cliniko.serializers import AttendeeOutput
from healthdesk.partners.connect4.serializers import ResidentOut, TicketOut
from healthdesk.partners.renderers import FastJSONRenderer
from healthdesk.partners.serializers import OutputSerializer, RowsListSerializer
from tests.factories import AppointmentFactory, AttendeeFactory, ResidentFactory, TicketFactory


# Renderer ----------------------------------------------------------------------------------------------------
def drf(data):
    return JSONRenderer().render(data)


def fast(data):
    return FastJSONRenderer().render(data)


@pytest.mark.parametrize("data", [
    {"status": True, "ticket": [{"id": 1, "title": "Fall – 'risk' \"review\" ✓", "start_date": None}]},
    {"when": datetime(2016, 2, 12, 11, 0, 34, 123456, tzinfo=UTC), "day": date(2016, 2, 12)},
    {"when": datetime(2016, 2, 12, 3, 0, 34, tzinfo=ZoneInfo("America/Los_Angeles")), "gap": timedelta(hours=1)},
    {"total": Decimal("12.50"), "label": gettext_lazy("Not found."), "ids": (1, 2, 3)},
    {"categories": {6: {"status": "no issue"}, 7: {"status": "issue"}}},
    {"note": "line\u2028separator\u2029paragraph", "emoji": "🙂", "nul": "\x00"},
    [],
    {"nested": [[{"a": [None, False, 0, -1, 2**63 - 1]}]]},
    {"huge": 2**70},
])
def test_fast_json_writes_the_same_bytes_as_drf(data):
    assert fast(data) == drf(data)


def test_fast_json_renders_nothing_for_none_and_honours_a_requested_indent():
    assert fast(None) == drf(None) == b""
    indented = FastJSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert indented == JSONRenderer().render({"a": [1]}, "application/json; indent=2")
    assert b"\n" in indented


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_fast_json_equals_drf_for_any_document(value):
    assert fast(value) == drf(value)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_fast_json_floats_read_back_as_the_same_number(number):
    # orjson may spell a float differently (1e16 for 1e+16); the number read back is the same.
    assert json.loads(fast({"x": number})) == json.loads(drf({"x": number}))


# List serializer -----------------------------------------------------------------------------------------------
def both_ways(serializer_class, rows, **kwargs):
    """(RowsListSerializer's output, DRF's own ListSerializer output) for the same rows."""
    ours = serializer_class(rows, many=True, **kwargs)
    assert isinstance(ours, RowsListSerializer)
    theirs = serializers.ListSerializer(child=serializer_class(**kwargs), instance=rows, **kwargs)
    return ours.data, theirs.data


@pytest.mark.django_db
def test_partner_lists_render_the_same_rows_as_drf(tenant):
    zone = tenant.organisation.zone
    tickets = [TicketFactory(organisation=tenant.organisation, resident=tenant.resident) for _ in range(3)]
    tickets[0].assignee = tenant.staff
    ours, theirs = both_ways(TicketOut, tickets, context={"zone": zone})
    assert ours == theirs and len(ours) == 3
    residents = [tenant.resident, ResidentFactory(organisation=tenant.organisation, email="", surname_prefix="van")]
    ours, theirs = both_ways(ResidentOut, residents, context={"zone": zone})
    assert ours == theirs and ours[1]["email"] is None
    appointment = AppointmentFactory(organisation=tenant.organisation)
    attendees = [AttendeeFactory(organisation=tenant.organisation, appointment=appointment, resident=r)
                 for r in residents]
    ours, theirs = both_ways(AttendeeOutput, attendees, context={"root": "http://testserver/v1/"})
    assert ours == theirs
    assert ours[0]["patient"] == {"links": {"self": f"http://testserver/v1/patients/{residents[0].pk}"}}


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)

    def shout(self):
        return self.name.upper()


class Edges(OutputSerializer):
    """Every way a field finds its value: plain, dotted, callable, method, default, optional, nullable."""

    name = serializers.CharField()
    city = serializers.CharField(source="home.city", allow_null=True)
    loud = serializers.CharField(source="shout")
    size = serializers.SerializerMethodField()
    colour = serializers.CharField(default="blue")
    nickname = serializers.CharField(required=False)
    rating = serializers.IntegerField(allow_null=True)

    def get_size(self, row) -> int:
        return len(row["name"] if isinstance(row, dict) else row.name)


def test_every_kind_of_field_reads_as_drf_reads_it():
    rows = [
        Row(name="anna", home=Row(city="Utrecht"), nickname="an", rating=None),
        Row(name="bram", home=None, rating=4),  # no nickname: skipped; no colour: the default; no home: null
    ]
    ours, theirs = both_ways(Edges, rows)
    assert ours == theirs
    assert ours[1] == {"name": "bram", "city": None, "loud": "BRAM", "size": 4, "colour": "blue", "rating": 4}


def test_rows_that_are_dicts_read_by_key():
    rows = [{"name": "anna", "home": {"city": "Utrecht"}, "shout": "ANNA", "rating": 1, "colour": "red"}]
    ours, theirs = both_ways(Edges, rows)
    assert ours == theirs == [
        {"name": "anna", "city": "Utrecht", "loud": "ANNA", "size": 4, "colour": "red", "rating": 1}
    ]


def test_a_missing_required_attribute_fails_as_in_drf():
    class Strict(OutputSerializer):
        name = serializers.CharField()

    with pytest.raises(AttributeError):
        _ = Strict([Row(other=1)], many=True).data
    with pytest.raises(AttributeError):
        _ = serializers.ListSerializer(child=Strict(), instance=[Row(other=1)]).data


def test_a_child_with_its_own_shape_still_renders_itself():
    class Shaped(OutputSerializer):
        name = serializers.CharField()

        def to_representation(self, row):
            return {"wrapped": super().to_representation(row)}

    assert Shaped([Row(name="x")], many=True).data == [{"wrapped": {"name": "x"}}]


def test_a_lone_surrogate_echoed_from_a_request_is_written_as_its_escape():
    # DRF itself fails to encode it; the document stays valid JSON and reads back as the same string.
    body = fast({"id": "bad-\ud800"})
    assert body == b'{"id":"bad-\\ud800"}'
    assert json.loads(body) == {"id": "bad-\ud800"}
