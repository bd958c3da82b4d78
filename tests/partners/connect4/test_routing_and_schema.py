"""Every documented path resolves to a Connect4 view that cannot skip its authentication, and the OpenAPI
schema documents each one under the connect4 tag without warnings."""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

from healthdesk.partners.connect4.auth import Connect4Authentication, Connect4KeyPairAuthentication
from healthdesk.partners.connect4.views import Connect4View

DOCUMENTED = {
    "/api/authorize": "authorize",
    "/api/356kdpiamhkz7a43nu0e2ldr9/tickets": "tickets",
    "/api/356kdpiamhkz7a43nu0e2ldr9/ticket_detail": "ticket_detail",
    "/api/356kdpiamhkz7a43nu0e2ldr9/all_residents": "all_residents",
    "/api/356kdpiamhkz7a43nu0e2ldr9/provider_categories": "provider_categories",
    "/api/356kdpiamhkz7a43nu0e2ldr9/create_ticket": "create_ticket",
    "/api/356kdpiamhkz7a43nu0e2ldr9/update_status": "update_status",
    "/api/356kdpiamhkz7a43nu0e2ldr9/create_comment": "create_comment",
}


@pytest.mark.parametrize(("path", "name"), DOCUMENTED.items())
def test_documented_paths_resolve_to_their_endpoint(path, name):
    match = resolve(path)
    assert match.url_name == name
    assert match.namespace == "connect4"


def test_support_api_paths_are_not_taken():
    from django.urls import Resolver404

    for path in ("/api/v1/raise_ticket", "/api/v1/get_tickets/1/open/x", "/api/v1/ticket_rating"):
        try:
            match = resolve(path)
        except Resolver404:
            continue
        assert match.namespace != "connect4", path


def _connect4_views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _connect4_views(entry)
        elif isinstance(entry, URLPattern) and entry.callback.__module__.startswith("healthdesk.partners.connect4"):
            yield entry.callback.view_class


def test_every_connect4_view_stands_on_the_base_with_connect4_auth():
    views = list(_connect4_views())
    assert len(views) == len(DOCUMENTED) + 1  # the attachment download
    for view in views:
        assert issubclass(view, Connect4View), view
        expected = Connect4KeyPairAuthentication if view.__name__ == "Connect4Authorize" else Connect4Authentication
        assert view.authentication_classes == (expected,), view


@pytest.mark.django_db
def test_unknown_path_under_api_answers_in_connect4s_shape():
    response = Client().get("/api/356kdpiamhkz7a43nu0e2ldr9/no_such_endpoint")
    assert response.status_code == 404
    assert response.json() == {"status": False, "message": "Not found."}


def test_schema_documents_every_endpoint_under_the_connect4_tag(settings):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (path, method): operation
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
        if path.startswith("/api/") and not path.startswith(("/api/v1/", "/api/io/"))
    }
    assert {path for path, _ in operations} == {
        "/api/authorize", *(f"/api/{{access_token}}/{name}" for name in list(DOCUMENTED.values())[1:]),
        "/api/{access_token}/attachment/{id}",
    }
    for (path, method), operation in operations.items():
        assert operation["tags"] == ["connect4"], path
        assert operation["operationId"].startswith("connect4_"), path
        assert operation["security"], path
        if path != "/api/{access_token}/attachment/{id}":
            assert "examples" in operation["responses"]["200"]["content"]["application/json"], (path, method)
        assert "401" in operation["responses"], path
    schemes = schema["components"]["securitySchemes"]
    assert schemes["connect4ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "api_key",
        "description": "The client's api_key; the access token goes in the path.",
    }


def test_schema_generation_warns_about_nothing_of_connect4(capsys):
    from django.core.management import call_command
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    call_command("spectacular", "--validate", "--file", "/dev/null")
    output = capsys.readouterr()
    lines = (output.out + output.err).splitlines()
    assert not [line for line in lines if "partners/connect4/" in line or "[Connect4" in line]
