"""The shared streaming writer: valid JSON whatever the length, the envelope's members before the list."""

import json
from decimal import Decimal

import pytest

from healthdesk.partners.streaming import stream_json


def body(response):
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 1001, 2500])
def test_a_bare_array_of_any_length(count):
    rows = ({"n": n, "name": f"é{n}"} for n in range(count))
    assert json.loads(body(stream_json(rows))) == [{"n": n, "name": f"é{n}"} for n in range(count)]


@pytest.mark.parametrize("count", [0, 1, 2001])
def test_an_envelope_keeps_its_members_and_puts_the_list_last(count):
    response = stream_json(iter(range(count)), envelope={"status": "success", "errorCode": 200}, key="data")
    assert response["Content-Type"] == "application/json"
    parsed = json.loads(body(response))
    assert list(parsed) == ["status", "errorCode", "data"]
    assert parsed["data"] == list(range(count))


def test_an_empty_envelope_holds_only_the_list():
    assert json.loads(body(stream_json([1], envelope={}, key="rows"))) == {"rows": [1]}


def test_values_orjson_cannot_write_are_written_as_drf_writes_them():
    assert json.loads(body(stream_json([{"total": Decimal("12.50")}]))) == [{"total": 12.5}]


def test_the_first_row_is_read_before_the_response_exists():
    """So a query that fails raises inside the view, where the partner's error handler answers it."""

    def failing():
        raise OverflowError("date value out of range")
        yield

    with pytest.raises(OverflowError):
        stream_json(failing())


@pytest.mark.parametrize("count", [0, 1, 4, 5, 11])
def test_serialized_rows_come_a_chunk_at_a_time_as_the_serializer_renders_them(count):
    from rest_framework import serializers

    from healthdesk.partners.serializers import OutputSerializer
    from healthdesk.partners.streaming import serialized

    class Row(OutputSerializer):
        n = serializers.IntegerField()
        label = serializers.SerializerMethodField()

        def get_label(self, row) -> str:
            return f"{self.context['prefix']}{row['n']}"

    pulled = []

    def source():
        for n in range(count):
            pulled.append(n)
            yield {"n": n}

    rows = serialized(source(), Row, context={"prefix": "#"}, chunk_rows=4)
    if count:
        assert next(rows) == {"n": 0, "label": "#0"}
        assert len(pulled) == min(count, 4)  # one chunk read, not the whole list
        rest = list(rows)
    else:
        rest = list(rows)
    expected = Row([{"n": n} for n in range(count)], many=True, context={"prefix": "#"}).data
    assert ([expected[0]] if count else []) + rest == expected
