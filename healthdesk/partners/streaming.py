"""Long lists written as their rows come from a database cursor, so a worker's memory stays flat however long the
list: a bare JSON array, or an array as the last member of a partner's envelope."""

import itertools
import logging

from django.conf import settings
from django.http import StreamingHttpResponse

from healthdesk.partners.renderers import dumps

CURSOR_CHUNK = 2000
# Ends a body cut short by a failure: not JSON whatever came before, so no client takes the rows so far for the
# whole list. The server then drops the connection (no final chunk), which HTTP clients also report.
ABORTED_TAIL = b"\n!! healthdesk: list aborted, the rows above are incomplete"

logger = logging.getLogger(__name__)
aborted_streams = 0  # per process, since start: lists cut short after their 200 was sent


def stream_json(rows, *, envelope=None, key=None, chunk_rows=1000):
    """`[row, …]`, or with `envelope` the envelope's members followed by `"<key>": [row, …]`; each batch of
    `chunk_rows` rows is written by one `dumps` call (DRF's JSON, by orjson).

    The first HEALTHDESK_STREAM_BUFFER_ROWS rows are read before the 200 is committed, so a query that fails
    early does so inside the view and is answered in the partner's error shape (503 for a lost database). A
    failure after that ends the body with ABORTED_TAIL and drops the connection: logged, counted, never a short
    list that parses."""
    rows = iter(rows)
    buffered = list(itertools.islice(rows, settings.HEALTHDESK_STREAM_BUFFER_ROWS))
    rows = itertools.chain(buffered, rows)
    if envelope is None:
        head, tail = b"[", b"]"
    else:
        members = dumps(envelope)[1:-1]
        head = b"{" + members + (b"," if members else b"") + dumps(key) + b":["
        tail = b"]}"

    def chunks():
        global aborted_streams
        yield head
        separator, batch, sent = b"", [], 0
        try:
            for row in rows:
                batch.append(row)
                if len(batch) >= chunk_rows:
                    yield separator + dumps(batch)[1:-1]
                    separator, sent, batch = b",", sent + len(batch), []
        except Exception as exc:
            aborted_streams += 1
            logger.error("streamed list aborted after %d rows: %s: %s", sent, type(exc).__name__, exc)
            yield ABORTED_TAIL
            raise
        if batch:
            yield separator + dumps(batch)[1:-1]
        yield tail

    return StreamingHttpResponse(chunks(), content_type="application/json")


def serialized(rows, serializer_class, *, context, chunk_rows=CURSOR_CHUNK):
    """Each row as `serializer_class(many=True)` renders it, a chunk of rows at a time: a list of any length keeps
    its serializer as the one description of a row, with memory for one chunk."""
    rows = iter(rows)
    while batch := list(itertools.islice(rows, chunk_rows)):
        yield from serializer_class(batch, many=True, context=context).data


def beside(parents, pairs):
    """Each parent row (ordered by id) with the child ids of the (parent id, child id) pairs (ordered the same
    way): a merge of two cursors, so children cost one query, not one per chunk or row."""
    pairs = iter(pairs)
    pending = next(pairs, None)
    for parent in parents:
        while pending is not None and pending[0] < parent["id"]:
            pending = next(pairs, None)
        children = []
        while pending is not None and pending[0] == parent["id"]:
            children.append(pending[1])
            pending = next(pairs, None)
        yield parent, children
