"""Long lists written as their rows come from a database cursor, so a worker's memory stays flat however long the
list: a bare JSON array, or an array as the last member of a partner's envelope."""

import itertools

from django.http import StreamingHttpResponse

from healthdesk.partners.renderers import dumps

CURSOR_CHUNK = 2000
_NONE = object()


def stream_json(rows, *, envelope=None, key=None, chunk_rows=1000):
    """`[row, …]`, or with `envelope` the envelope's members followed by `"<key>": [row, …]`; each batch of
    `chunk_rows` rows is written by one `dumps` call (DRF's JSON, by orjson). The first row is read at once, so a
    query that fails does so inside the view and is answered in the partner's error shape, not as a cut-off body."""
    rows = iter(rows)
    first = next(rows, _NONE)
    if first is not _NONE:
        rows = itertools.chain((first,), rows)
    if envelope is None:
        head, tail = b"[", b"]"
    else:
        members = dumps(envelope)[1:-1]
        head = b"{" + members + (b"," if members else b"") + dumps(key) + b":["
        tail = b"]}"

    def chunks():
        yield head
        separator, batch = b"", []
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk_rows:
                yield separator + dumps(batch)[1:-1]
                separator, batch = b",", []
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
