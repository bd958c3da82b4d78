"""Cross-tenant, over the wire: organisation B's credentials on organisation A's objects at every partner URL
the URL configuration has (read, update, delete, nested paths, ids in bodies and filters), and B's
organisation-admin staff, logged in over HTTP, on A's admin pages. A's rows carry MARK; no answer to B may."""

import contextlib
import urllib.parse

from tests.attack.conftest import CSRF_INPUT, B, authorize, call, leaked, snapshot_of_a
from tests.door.harness import FORWARDED_HTTPS, request
from tests.isolation import ID_FIELDS, admin_urls, attempts

FAMILY = "cross-tenant"


def test_b_credentials_on_every_partner_url_never_reach_a(attack_site, attack_server, world, scorecard):
    b = attack_site.clients[B]
    before = snapshot_of_a(attack_site)
    token = authorize(attack_server, b)
    for _route, partner, method, path, body in attempts(
        world["ids"], access_token=token, admin=world["usernames"][0], every_body=False
    ):
        if method == "get":
            # Filters naming A's ids: every id-like field as a query parameter.
            query = urllib.parse.urlencode({k: v for k, v in body.items() if k in ID_FIELDS})
            answer = call(attack_server, partner, b, method, path, query=query)
        else:
            answer = call(attack_server, partner, b, method, path, body)
        scorecard.answered(f"{method.upper()} {path}", answer)
        if leaked(answer):
            scorecard.add("leaks", finding=f"{method.upper()} {path} -> {answer.status}")
    if snapshot_of_a(attack_site) != before:
        scorecard.add("phantom_writes", finding="B's requests changed organisation A's rows")
    assert scorecard.counts["attempts"] > 0
    assert scorecard.this_test() == []


class Browser:
    """A staff member's browser: a cookie jar, CSRF from the forms, and the Origin/Referer the admin checks."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}
        self.origin = f"https://127.0.0.1:{server.port}"

    def go(self, method, path, form=None):
        headers = {**FORWARDED_HTTPS, "Host": f"127.0.0.1:{self.server.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                            "Referer": self.origin + path})
        answer = request(method, self.server.url + path, headers=headers, body=body)
        for name, value in answer.raw_headers:
            if name.lower() == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, val = cookie.partition("=")
                self.cookies[key.strip()] = val.strip()
        return answer

    def log_in(self, username, password):
        page = self.go("GET", "/admin/login/")
        assert CSRF_INPUT.search(page.body.decode()), page.status
        answer = self.go("POST", "/admin/login/?next=/admin/", {"username": username, "password": password,
                                                                 "next": "/admin/"})
        assert answer.status == 302, answer.body[:500]
        assert "sessionid" in self.cookies


def test_b_organisation_admin_never_sees_or_changes_a_in_the_admin(attack_site, attack_server, world, scorecard):
    from django.urls import NoReverseMatch, reverse

    password = attack_site.create_staff(B, "oak-admin")
    browser = Browser(attack_server)
    browser.log_in("oak-admin", password)
    before = snapshot_of_a(attack_site)
    kinds = {"ticket": "ticket", "resident": "resident", "user": "user", "appointment": "appointment",
             "attendee": "attendee", "invoice": "invoice", "category": "category"}
    for model, name in admin_urls():
        kind = kinds.get(model._meta.model_name)
        pages = [reverse(f"{name}_changelist")]
        for pk in world["ids"].get(kind, []) if kind else []:
            pages.append(reverse(f"{name}_changelist") + f"?q={pk}")
            for view in ("change", "delete", "history"):
                with contextlib.suppress(NoReverseMatch):
                    pages.append(reverse(f"{name}_{view}", args=[pk]))
        for page in pages:
            for method in ("GET", "POST"):
                answer = browser.go(method, page, {"post": "yes"} if method == "POST" else None)
                scorecard.answered(f"admin {method} {page}", answer)
                if leaked(answer):
                    scorecard.add("leaks", finding=f"admin {method} {page} -> {answer.status}")
    if snapshot_of_a(attack_site) != before:
        scorecard.add("phantom_writes", finding="B's staff changed organisation A's rows")
    assert scorecard.this_test() == []


def test_b_organisation_admin_cannot_make_anyone_a_superuser(attack_site, attack_server, scorecard):
    """An organisation admin edits staff of their own organisation; superuser status is beyond every tenant."""
    password = attack_site.create_staff(B, "oak-admin-2")
    browser = Browser(attack_server)
    browser.log_in("oak-admin-2", password)
    for page in ("/admin/directory/user/add/",):
        answer = browser.go("GET", page)
        scorecard.answered(f"admin GET {page}", answer)
        if b'name="is_superuser"' in answer.body:
            scorecard.add("leaks", finding=f"{page} offers is_superuser to an organisation admin")
    own = attack_site.shell(
        "from directory.models import User; print(User.objects.get(username='oak-admin-2').pk)"
    ).strip().splitlines()[-1]
    page = f"/admin/directory/user/{own}/change/"
    answer = browser.go("GET", page)
    scorecard.answered(f"admin GET {page}", answer)
    if b'name="is_superuser"' in answer.body:
        scorecard.add("leaks", finding=f"{page} offers is_superuser to an organisation admin")
    assert scorecard.this_test() == []
