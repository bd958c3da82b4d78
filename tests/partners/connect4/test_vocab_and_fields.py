"""Connect4's status words and date formats, both ways."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from rest_framework.exceptions import ValidationError

from healthdesk.exceptions import Invalid
from healthdesk.partners.connect4 import fields, vocab
from healthdesk.partners.connect4.wire import Connect4XMLRenderer
from tickets.choices import AssessmentStatus, TicketStatus

LA = ZoneInfo("America/Los_Angeles")


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("New", TicketStatus.NEW), ("in progress", TicketStatus.IN_PROGRESS), ("IN_PROGRESS", TicketStatus.IN_PROGRESS),
        ("Reopen", TicketStatus.REOPENED), ("reopened", TicketStatus.REOPENED), ("Closed", TicketStatus.CLOSED),
        ("On Hold", TicketStatus.ON_HOLD), ("onhold", TicketStatus.ON_HOLD),
    ],
)
def test_ticket_status_words(word, status):
    assert vocab.ticket_status_from_word(word, field="status") == status


def test_every_canonical_status_reads_back_as_a_word_that_maps_to_it():
    for status in TicketStatus.values:
        assert vocab.ticket_status_from_word(vocab.ticket_status_word(status), field="s") == status


def test_unknown_ticket_status_names_field_and_word():
    with pytest.raises(Invalid) as caught:
        vocab.ticket_status_from_word("Lost", field="ticket_status")
    assert caught.value.field == "ticket_status" and "'Lost'" in caught.value.message


@pytest.mark.parametrize(
    ("word", "status"),
    [("Issue", AssessmentStatus.ISSUE), (" No Issue", AssessmentStatus.NO_ISSUE),
     ("potential issue", AssessmentStatus.POTENTIAL_ISSUE)],
)
def test_category_status_words(word, status):
    assert vocab.category_status_from_word(word, field="category_1") == status
    assert vocab.category_status_word(status) == word.strip().lower()


def test_unknown_category_status_is_refused_with_its_name():
    with pytest.raises(Invalid) as caught:
        vocab.category_status_from_word("Exception", field="category_7")
    assert caught.value.field == "category_7" and "'Exception'" in caught.value.message


def test_dates_as_the_document_shows_them():
    moment = datetime(2016, 2, 12, 11, 0, 34, tzinfo=UTC)
    assert fields.format_datetime(moment, LA) == "2016/02/12 03:00:34 -0800"
    assert fields.format_date(date(1937, 1, 21)) == "1937/01/21"
    assert fields.format_datetime(None, LA) is None


@pytest.mark.parametrize(
    "text", ["2016/02/12 03:00:34 -0800", "2016/02/12 03:00:34", "2016-02-12T03:00:34-08:00", "2016-02-12T11:00:34Z"]
)
def test_updated_since_accepts_the_documents_format_and_iso(text):
    assert fields.parse_datetime(text, LA) == datetime(2016, 2, 12, 11, 0, 34, tzinfo=UTC)


def test_updated_since_refuses_anything_else():
    with pytest.raises(ValidationError):
        fields.parse_datetime("last tuesday", LA)


def test_xml_renderer_keeps_the_structure_and_escapes():
    body = Connect4XMLRenderer().render(
        {"status": True, "list": [{"a": None}, 2], "categories": {"6": {"title": "<b>&\x01"}}}
    ).decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<status>true</status>" in body
    assert '<list><item><a nil="true" /></item><item>2</item></list>' in body
    assert '<entry key="6"><title>&lt;b&gt;&amp;</title></entry>' in body
