"""The nesting limit of the partners' JSON parser: brackets inside strings do not count, depth does."""

import io

import pytest
from rest_framework.exceptions import ParseError

from healthdesk.partners.parsers import MAX_JSON_DEPTH, PartnerJSONParser


def parse(text):
    return PartnerJSONParser().parse(io.BytesIO(text.encode()), "application/json", {})


def test_the_limit_parses_and_one_more_level_is_refused():
    assert parse("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(ParseError, match="nested deeper"):
        parse("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))


def test_objects_count_as_levels_too():
    deep = '{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1)
    with pytest.raises(ParseError, match="nested deeper"):
        parse(deep)


def test_brackets_inside_strings_and_escaped_quotes_are_text():
    text = "[" * 1000 + '\\"' + "{" * 1000
    assert parse('{"note": "' + text + '"}') == {"note": "[" * 1000 + '"' + "{" * 1000}


def test_many_shallow_brackets_are_fine():
    assert parse("[" + ",".join(["[]"] * 5000) + "]") == [[]] * 5000
