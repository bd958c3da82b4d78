"""Each partner's document examples over real HTTPS through the proxy, headers spelt as the documents spell them."""

import base64
import re
from urllib.parse import parse_qs, urlsplit

import pytest

UPDOX_ITEMS = [
    {"id": f"door-{n}", "patientId": f"door-p{n}", "date": "2015-12-30T09:00:00", "duration": 30, "cancelled": False,
     "blocked": False, "locationId": "loc", "calendarId": "cal", "typeId": "type", "summary": f"visit {n}",
     "details": "details"}
    for n in range(3)
]


@pytest.fixture(scope="module")
def synced(door_site, proxy):
    """Three appointments (three residents, three attendees) written through the proxy by an Updox sync."""
    import requests

    client = door_site.clients["oak-lodge"]
    auth = {"applicationId": client.key, "applicationPassword": client.secret, "accountId": client.organisation,
            "userId": ""}
    with requests.Session() as session:
        session.trust_env = False
        answer = session.post(proxy.url + "/io/syncAppointments", json={"auth": auth, "appointments": UPDOX_ITEMS},
                              verify=str(proxy.certificate))
    assert answer.status_code == 200, answer.text
    assert answer.json()["successful"] is True, answer.text
    return client


def basic(secret):
    return "Basic " + base64.b64encode(f"{secret}:".encode()).decode()


def test_cliniko_pages_follow_next_links_on_the_proxy(https, proxy, synced):
    headers = {"Authorization": basic(synced.secret), "User-Agent": "door e2e (ops@example.org)",
               "Accept": "application/json"}
    url = proxy.url + "/v1/attendees?per_page=1&q[]=cancelled_at:!?"
    seen = []
    while url:
        answer = https.get(url, headers=headers, allow_redirects=False)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        seen += [attendee["id"] for attendee in page["attendees"]]
        assert page["total_entries"] == 3
        url = page["links"].get("next")
        if url:
            assert url.startswith(f"https://localhost:{proxy.https_port}/v1/attendees?"), url
            assert parse_qs(urlsplit(url).query)["per_page"] == ["1"]
    assert len(seen) == len(set(seen)) == 3
    assert page["links"]["self"].startswith(f"https://localhost:{proxy.https_port}/")


def test_connect4_authorize_tickets_create_and_detail(https, proxy, synced):
    creds = {"api_key": synced.key, "api_secret": synced.secret}
    authorized = https.post(proxy.url + "/api/authorize", headers=creds)
    assert authorized.status_code == 200, authorized.text
    base = f"{proxy.url}/api/{authorized.json()['access_token']}"
    residents = https.get(base + "/all_residents", headers=creds).json()
    assert residents["status"] is True, residents
    resident_id = residents["residents"][0]["id"]
    created = https.post(base + "/create_ticket", headers=creds, data={
        "title": "new test ticket", "resident_id": resident_id, "sms": "true", "email": "true", "state": "true",
        "urgency_status": "No Issue", "ticket_status": "New", "general_comments": "Hi welcome!",
    })
    assert created.status_code == 200, created.text
    assert created.json()["status"] is True, created.text
    ticket_id = created.json()["ticket_id"]
    listed = https.get(base + "/tickets", headers=creds).json()
    assert ticket_id in [ticket["id"] for ticket in listed["ticket"]]
    detail = https.get(base + "/ticket_detail", headers=creds, params={"id": ticket_id})
    assert detail.status_code == 200, detail.text
    assert detail.json()["status"] is True
    assert "Hi welcome!" in detail.text


def test_webcamconsult_token_header_and_query_parameter(https, proxy, synced):
    by_header = https.get(proxy.url + "/clients.json", headers={"Authorization": f"Token token={synced.secret}"})
    by_query = https.get(proxy.url + "/clients.json", params={"authentication_token": synced.secret})
    assert by_header.status_code == by_query.status_code == 200, by_header.text
    assert by_header.json() == by_query.json()
    assert len(by_header.text) > 2
    refused = https.get(proxy.url + "/clients.json", headers={"Authorization": "Token token=wrong"})
    assert refused.status_code == 401


def test_support_token_lists_tickets(https, proxy, synced):
    answer = https.get(proxy.url + "/api/v1/get_tickets/0", headers={"Authorization": f"Token {synced.secret}"})
    assert answer.status_code == 200, answer.text
    assert https.get(proxy.url + "/api/v1/get_tickets/0").status_code in (401, 403)


def test_admin_login_over_the_proxy(https, proxy, door_site):
    password = door_site.create_staff("oak-lodge", "door-admin-e2e")
    form = https.get(proxy.url + "/admin/login/?next=/admin/")
    assert form.status_code == 200
    csrf_cookie = next(cookie for cookie in https.cookies if cookie.name == "csrftoken")
    assert csrf_cookie.secure
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    logged_in = https.post(
        proxy.url + "/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": "door-admin-e2e", "password": password, "next": "/admin/"},
        headers={"Referer": proxy.url + "/admin/login/"},
    )
    assert logged_in.status_code == 200, logged_in.text[:300]
    assert logged_in.url == proxy.url + "/admin/"
    session_cookie = next(cookie for cookie in https.cookies if cookie.name == "sessionid")
    assert session_cookie.secure
    tickets = https.get(proxy.url + "/admin/tickets/ticket/")
    assert tickets.status_code == 200
    assert "door-admin-e2e" in tickets.text or "Log out" in tickets.text
