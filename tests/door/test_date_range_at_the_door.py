"""Issue #16.3 at the door: a year-1 appointment time sent to gunicorn with production settings is a 422 naming
the field, and the organisation's appointment list still streams to its end."""

import pytest

from tests.door.harness import FORWARDED_HTTPS, Gunicorn, provision, request

# This helper's share of the machine: its own port, no Redis (the database cache counts rate limits).
PORT = 9203


@pytest.fixture(scope="module")
def dated_server():
    site = provision(organisations=("sunny-meadows",), redis=False)
    try:
        with Gunicorn(site, name="dates-door", port=PORT, workers=1) as server:
            yield site, server
    finally:
        site.close()


def test_webcamconsult_year_one_is_a_422_naming_date_and_the_list_still_answers(dated_server):
    site, server = dated_server
    headers = {**FORWARDED_HTTPS, "Authorization": f"Token token={site.clients['sunny-meadows'].secret}"}
    answer = request("POST", server.url + "/appointments.json", headers=headers,
                     body={"appointment": {"date": "0001-01-01T00:05:00", "duration": 30}})
    assert answer.status == 422, answer.body
    assert "date" in answer.json()["errors"], answer.body
    listed = request("GET", server.url + "/appointments.json", headers=headers)
    assert listed.status == 200, listed.body
    assert listed.json() == []  # nothing was written
