"""Optional paging, a healthdesk extension of partner lists that the documents show unbounded: `page` and
`per_page` in, one page of rows and the next page's number out."""

from rest_framework import serializers

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500
# Bounded so the row offset stays an integer every database accepts.
MAX_PAGE = 1_000_000


def page_field():
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGE, help_text="Page number, from 1 (healthdesk extension)."
    )


def per_page_field():
    return serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_PER_PAGE,
        help_text=f"Rows per page, at most {MAX_PER_PAGE}; {DEFAULT_PER_PAGE} when only page is given "
        "(healthdesk extension).",
    )


def with_paging_defaults(attrs):
    """Validated input with both paging values once either was given; without either it stays unpaged."""
    if "page" in attrs or "per_page" in attrs:
        attrs.setdefault("page", 1)
        attrs.setdefault("per_page", DEFAULT_PER_PAGE)
    return attrs


def page_of(queryset, *, page, per_page):
    """One page of rows and the next page's number (or None), in a single query: fetch one row more."""
    offset = (page - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    next_page = page + 1 if len(rows) > per_page else None
    return rows[:per_page], next_page
