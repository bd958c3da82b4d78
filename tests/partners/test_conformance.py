"""Walks the URL resolver: every partner endpoint stands on the partner base view with its partner's auth."""

import re

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.permissions import AllowAny

from healthdesk.partners.base import PartnerAPIView, partner_for_path

NOT_PARTNER_APIS = ("admin/", "healthz", "favicon.ico", "openapi.", "docs/", "redoc/")


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


ROUTE_PARAM = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>|\(\?P<(?P<rname>[^>]+)>[^)]*\)")


def route_params(route):
    return [m.group("name") or m.group("rname") for m in ROUTE_PARAM.finditer(route)]


def concrete_path(route, value_of=lambda name: "1"):
    """A request path for a route (plain or regex), each parameter replaced by `value_of(name)`."""
    path = ROUTE_PARAM.sub(lambda m: str(value_of(m.group("name") or m.group("rname"))), route)
    if route.startswith("^"):  # a regex route: keep one slash and the literal text
        path = path.strip("^$").replace("[/]+", "/").replace("[/]*", "").replace("s?", "s").replace("\\", "")
    return "/" + path.lstrip("/")


def partner_routes():
    for route, callback in walk(get_resolver().url_patterns):
        if not route.lstrip("^").startswith(NOT_PARTNER_APIS):
            yield route, callback


def test_every_partner_route_uses_the_partner_base_view():
    offenders = [
        route for route, callback in partner_routes()
        if not issubclass(getattr(callback, "view_class", object), PartnerAPIView)
    ]
    assert offenders == []


def test_every_partner_view_names_its_partner_and_authenticates():
    for route, callback in partner_routes():
        view = callback.view_class
        assert view.partner is not None, route
        public = all(issubclass(p, AllowAny) for p in view.permission_classes)
        # A view that is public by design (Connect4's authorize, Updox's body credentials) must say where it
        # checks credentials instead, or why it needs none (FHIR's CapabilityStatement).
        checked_or_said = getattr(view, "credentials_checked_in_view", False) or getattr(view, "public_by_design", "")
        assert view.authentication_classes or (public and checked_or_said), route


def test_every_partner_route_answers_unknown_urls_in_its_own_shape():
    for route, callback in partner_routes():
        assert partner_for_path(concrete_path(route)) is callback.view_class.partner, route
