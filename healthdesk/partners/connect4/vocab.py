"""Connect4's words for ticket and category statuses, mapped both ways onto the canonical choices."""

import re

from healthdesk.exceptions import Invalid
from tickets.choices import AssessmentStatus, TicketStatus

# The document shows New, In Progress and Reopen; Closed and On Hold complete the canonical set.
TICKET_STATUS_WORDS = {
    TicketStatus.NEW: "New",
    TicketStatus.IN_PROGRESS: "In Progress",
    TicketStatus.ON_HOLD: "On Hold",
    TicketStatus.REOPENED: "Reopen",
    TicketStatus.CLOSED: "Closed",
}
_TICKET_STATUS_ALIASES = {"reopened": TicketStatus.REOPENED, "onhold": TicketStatus.ON_HOLD}

CATEGORY_STATUS_WORDS = {
    AssessmentStatus.ISSUE: "Issue",
    AssessmentStatus.NO_ISSUE: "No Issue",
    AssessmentStatus.POTENTIAL_ISSUE: "Potential Issue",
}


def _normalise(word):
    # " No Issue", "no_issue" and "NO-ISSUE" all mean the same thing to a partner app.
    return re.sub(r"[\s_-]+", " ", str(word)).strip().lower()


_TICKET_STATUS_BY_WORD = {
    **{_normalise(word): status for status, word in TICKET_STATUS_WORDS.items()},
    **_TICKET_STATUS_ALIASES,
}
_CATEGORY_STATUS_BY_WORD = {_normalise(word): status for status, word in CATEGORY_STATUS_WORDS.items()}


def ticket_status_from_word(word, *, field):
    """The canonical ticket status for a Connect4 word (case-insensitive), or Invalid naming `field`."""
    status = _TICKET_STATUS_BY_WORD.get(_normalise(word))
    if status is None:
        raise Invalid(f"Unknown ticket status {word!r}.", field=field)
    return status


def ticket_status_word(status):
    return TICKET_STATUS_WORDS.get(status, status)


def category_status_from_word(word, *, field):
    """The canonical assessment status for Issue / No Issue / Potential Issue, or Invalid naming `field`."""
    status = _CATEGORY_STATUS_BY_WORD.get(_normalise(word))
    if status is None:
        raise Invalid(f"Unknown category status {word!r}.", field=field)
    return status


def category_status_word(status):
    """Lower case, as the document's ticket_detail shows it ("no issue")."""
    return CATEGORY_STATUS_WORDS.get(status, str(status)).lower()
