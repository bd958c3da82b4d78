"""healthdesk's URLs plus `/bench/baseline/<table>`: the same page of rows (or, for `*_full`, the same whole list,
streamed), one raw SQL query, orjson.

The baseline is the floor a partner endpoint is measured against: no ORM, no serializer, no authentication,
just the rows of the page the endpoint reads. Each named table is fixed SQL; only values are parameters.
"""

from datetime import UTC, datetime, timedelta

import orjson
from django.db import connection
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import include, path

from healthdesk.urls import handler404, handler500  # noqa: F401  (404/500 in the asking partner's shape)

NOT_CLOSED = "AND status <> 'closed'"
TICKET_FILTERS = {
    "all": "",
    "open": "AND status IN ('new', 'in_progress', 'reopened')",
    "unresolved": NOT_CLOSED,
    "unassigned": f"{NOT_CLOSED} AND assignee_id IS NULL",
    "overdue": f"{NOT_CLOSED} AND due_at < %(now)s",
    "duetoday": f"{NOT_CLOSED} AND due_at >= %(today)s AND due_at < %(tomorrow)s",
    "onhold": "AND status = 'on_hold'",
    "closed": "AND status = 'closed'",
}
ATTENDEE_FILTERS = {
    "all": "",
    "patient": "AND resident_id = %(patient)s",
    "updated": "AND updated_at > %(updated_after)s",
}
PAGE = "LIMIT %(limit)s OFFSET %(offset)s"
FULL = "_full"
TABLES = {
    **{
        f"tickets_{name}": f"SELECT * FROM tickets_ticket WHERE organisation_id = %(org)s {where} "
        f"ORDER BY created_at DESC, id DESC {PAGE}"
        for name, where in TICKET_FILTERS.items()
    },
    "ticket": "SELECT * FROM tickets_ticket WHERE organisation_id = %(org)s AND id = %(id)s",
    # The order and filter of directory.selectors.resident_list, which Connect4 and Webcamconsult list.
    "residents": "SELECT * FROM directory_resident WHERE organisation_id = %(org)s AND archived_at IS NULL "
    f"ORDER BY id {PAGE}",
    # FHIR's Patient list: archived residents too (active: false), by id after a cursor.
    "residents_any": f"SELECT * FROM directory_resident WHERE organisation_id = %(org)s ORDER BY id {PAGE}",
    "residents_any_after": "SELECT * FROM directory_resident WHERE organisation_id = %(org)s AND id > %(after)s "
    "ORDER BY id LIMIT %(limit)s",
    "appointments": "SELECT * FROM scheduling_appointment WHERE organisation_id = %(org)s AND deleted_at IS NULL "
    f"ORDER BY starts_at, id {PAGE}",
    # The whole lists the unpaged endpoints stream: no LIMIT, read through a server-side cursor.
    **{
        f"tickets_{name}_full": f"SELECT * FROM tickets_ticket WHERE organisation_id = %(org)s {where} "
        "ORDER BY created_at DESC, id DESC"
        for name, where in TICKET_FILTERS.items()
    },
    "residents_full": "SELECT * FROM directory_resident WHERE organisation_id = %(org)s AND archived_at IS NULL "
    "ORDER BY id",
    **{
        f"attendees_{name}": "SELECT * FROM scheduling_attendee WHERE organisation_id = %(org)s "
        f"AND deleted_at IS NULL {where} ORDER BY created_at, id {PAGE}"
        for name, where in ATTENDEE_FILTERS.items()
    },
}


def baseline(request, table):
    """Rows of one page as JSON; `?org=&limit=&offset=` and the table's own filter values."""
    if table not in TABLES:
        return JsonResponse({"error": f"unknown baseline table {table!r}"}, status=404)
    now = datetime.now(UTC)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    query = request.GET
    params = {
        "org": int(query.get("org", 0)),
        "limit": min(int(query.get("limit", 50)), 1000),
        "offset": int(query.get("offset", 0)),
        "id": int(query.get("id", 0)),
        "patient": int(query.get("patient", 0)),
        "after": int(query.get("after", 0)),
        "updated_after": query.get("updated_after", "1970-01-01T00:00:00Z"),
        "now": now,
        "today": today,
        "tomorrow": today + timedelta(days=1),
    }
    if table.endswith(FULL):
        return StreamingHttpResponse(_streamed(TABLES[table], params), content_type="application/json")
    with connection.cursor() as cursor:
        cursor.execute(TABLES[table], params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return HttpResponse(orjson.dumps(rows, default=str), content_type="application/json")


def _streamed(sql, params, chunk=2000):
    """A whole table's rows as one JSON array, fetched and written `chunk` rows at a time (flat memory, as the
    endpoints it is compared with)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        yield b"["
        separator = b""
        while batch := cursor.fetchmany(chunk):
            yield separator + orjson.dumps([dict(zip(names, row, strict=True)) for row in batch], default=str)[1:-1]
            separator = b","
        yield b"]"


urlpatterns = [
    path("bench/baseline/<str:table>", baseline, name="bench-baseline"),
    path("", include("healthdesk.urls")),
]
