"""A streamed list whose database drops: before the first rows are sent, a 503 in the partner's shape; after,
a body that no client can take for a whole list (#16.8). Real PostgreSQL backends terminated, a real server."""

import http.client
import json
from urllib.parse import urlsplit

import psycopg
import pytest
from django.db import connection

from healthdesk.partners import streaming
from healthdesk.partners.webcamconsult import views as webcamconsult_views
from tests import contract
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def terminate_this_threads_backend():
    """Called in the server thread: another connection terminates the backend serving this request."""
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])


def fetch(url, secret):
    parts = urlsplit(url)
    http_connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    http_connection.request("GET", parts.path, headers={"Authorization": f"Token token={secret}"})
    response = http_connection.getresponse()
    try:
        body = response.read()
    except http.client.IncompleteRead as cut:
        body = cut.partial
    return response, body


@pytest.fixture
def drop_at_row(monkeypatch, settings, tenant):
    settings.HEALTHDESK_STREAM_BUFFER_ROWS = 5
    # The test-only contract middleware reads whole streamed bodies before sending them: pass responses on as
    # production does, so the server streams for real.
    monkeypatch.setattr(contract.ContractMiddleware, "__call__", lambda self, request: self.get_response(request))
    monkeypatch.setattr(webcamconsult_views, "CURSOR_CHUNK", 10)  # rows fetched from the cursor per round trip
    UserFactory.create_batch(60, organisation=tenant.organisation)
    original = webcamconsult_views.user_row

    def arm(row_number):
        seen = []

        def row_then_drop(values, zone):
            seen.append(values)
            if len(seen) == row_number:
                terminate_this_threads_backend()
            return original(values, zone)

        monkeypatch.setattr(webcamconsult_views, "user_row", row_then_drop)

    return arm


def test_a_drop_after_the_first_rows_leaves_a_body_that_does_not_parse(live_server, tenant, drop_at_row):
    drop_at_row(8)  # after the 5 buffered rows: the 200 is already sent
    aborted = streaming.aborted_streams
    response, body = fetch(f"{live_server.url}/users.json", tenant.secret)
    assert response.status == 200
    assert body.startswith(b"[")
    with pytest.raises(ValueError):
        json.loads(body)
    assert streaming.aborted_streams == aborted + 1


def test_a_drop_within_the_buffered_rows_is_a_503_in_the_partners_shape(live_server, tenant, drop_at_row, settings):
    settings.HEALTHDESK_STREAM_BUFFER_ROWS = 15  # the cursor's next fetch (row 11) falls inside the buffer
    drop_at_row(2)
    response, body = fetch(f"{live_server.url}/users.json", tenant.secret)
    assert response.status == 503
    assert int(response.getheader("Retry-After")) > 0
    assert json.loads(body)  # Webcamconsult's error body, whole
