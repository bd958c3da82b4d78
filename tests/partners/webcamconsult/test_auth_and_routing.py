"""The token, the documented paths (double slash and plural aliases included) and the error shape everywhere."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from directory.models import User
from directory.services import api_client_revoke
from healthdesk.partners.webcamconsult.views import WebcamconsultView
from tests.partners.webcamconsult.conftest import Caller, assert_unauthenticated, wid

pytestmark = pytest.mark.django_db


def endpoints(tenant):
    user, client = wid("user", tenant.staff.pk), wid("client", tenant.resident.pk)
    appointment = wid("appointment", 1)
    return [
        ("GET", "//users.json"), ("POST", "//users.json"),
        ("GET", f"//users/{user}.json"), ("PUT", f"//users/{user}.json"), ("DELETE", f"//users/{user}.json"),
        ("GET", "//clients.json"), ("POST", "//clients.json"),
        ("GET", f"//client/{client}.json"), ("PUT", f"//client/{client}.json"),
        ("DELETE", f"//client/{client}.json"),
        ("GET", "//appointments.json"), ("POST", "//appointments.json"),
        ("GET", f"//appointment/{appointment}.json"), ("PUT", f"//appointment/{appointment}.json"),
        ("DELETE", f"//appointment/{appointment}.json"),
    ]


def test_every_endpoint_refuses_a_missing_token_in_the_documents_shape(tenant):
    anonymous = Caller()
    for method, url in endpoints(tenant):
        answer = anonymous.call(method, url, {"user": {"last_name": "X", "email": "x@example.com"}})
        assert_unauthenticated(answer)
        assert answer.body == {"errors": {"authentication": ["token is missing"]}}, (method, url)
    assert User.objects.filter(email="x@example.com").count() == 0


def test_every_endpoint_refuses_a_wrong_token(tenant):
    wrong = Caller("38826f79010b41b5aaeb4710debb09db")
    for method, url in endpoints(tenant):
        answer = wrong.call(method, url.replace("//", "/", 1))
        assert_unauthenticated(answer)
        assert answer.body == {"errors": {"authentication": ["token is invalid"]}}


def test_a_revoked_token_is_refused(api, tenant):
    api_client_revoke(client=tenant.client)
    assert_unauthenticated(api.get("/users.json"))


def test_the_refusal_speaks_dutch_when_asked(tenant):
    answer = Caller(language="nl").get("/users.json")
    assert answer.body == {"errors": {"authentication": ["token ontbreekt"]}}


@pytest.mark.parametrize(
    "header", ["Token token={secret}", 'Token token="{secret}"', "token  token={secret}"],
)
def test_the_header_forms_rails_accepts(tenant, header):
    answer = Caller().get("/users.json", HTTP_AUTHORIZATION=header.format(secret=tenant.secret))
    assert answer.status == 200


def test_a_bare_token_header_is_not_the_documented_form(tenant):
    assert_unauthenticated(Caller().get("/users.json", HTTP_AUTHORIZATION=f"Bearer {tenant.secret}"))


def test_the_token_as_a_query_parameter(tenant):
    answer = Caller().get(f"//users.json?authentication_token={tenant.secret}")
    assert answer.status == 200


def test_the_token_in_the_body(tenant):
    body = {"authentication_token": tenant.secret, "user": {"last_name": "Akkermans", "email": "j@example.com"}}
    answer = Caller().post("/users.json", body)
    assert answer.status == 200, answer.body
    assert User.objects.get(email="j@example.com").organisation == tenant.organisation


def test_the_token_is_one_per_organisation(api, other_api, tenant, other_tenant):
    mine = {row["id"] for row in api.get("/clients.json").body}
    theirs = {row["id"] for row in other_api.get("/clients.json").body}
    assert mine == {wid("client", tenant.resident.pk)}
    assert theirs == {wid("client", other_tenant.resident.pk)}


@pytest.mark.parametrize("url", ["/users/1/extra.json", "//clients/", "/appointment/1/2.json", "//users/.json"])
def test_unknown_paths_under_the_documents_names_answer_in_its_shape(api, url):
    answer = api.get(url)
    assert answer.status == 404
    assert list(answer.body) == ["errors"]


def test_a_wrong_method_answers_in_the_documents_shape(api):
    answer = api.call("PATCH", "/users.json")
    assert answer.status == 405
    assert list(answer.body) == ["errors"]


def test_an_oversize_body_is_413_and_writes_nothing(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    before = User.objects.count()
    answer = api.post("/users.json", {"user": {"last_name": "A" * 300, "email": "big@example.com"}})
    assert answer.status == 413
    assert list(answer.body) == ["errors"]
    assert User.objects.count() == before


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def test_every_webcamconsult_route_stands_on_its_base_view():
    routes = [
        (route, pattern) for route, pattern in _patterns(get_resolver())
        if pattern.callback.__module__.startswith("healthdesk.partners.webcamconsult")
    ]
    assert len(routes) == 12
    for route, pattern in routes:
        assert issubclass(pattern.callback.view_class, WebcamconsultView), route


def test_the_schema_lists_each_documented_path_once_under_the_webcamconsult_tag():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = {path: ops for path, ops in schema["paths"].items() if path.endswith(".json")}
    assert set(paths) == {
        "/users.json", "/users/{user_id}.json", "/clients.json", "/client/{client_id}.json",
        "/appointments.json", "/appointment/{appointment_id}.json",
    }
    for operations in paths.values():
        for operation in operations.values():
            assert operation["tags"] == ["webcamconsult"]
    list_parameters = {p["name"] for p in paths["/appointments.json"]["get"]["parameters"]}
    assert list_parameters == {"page", "per_page", "from", "to"}


@pytest.mark.parametrize("url", ["/users", "/appointments.xml", "/healthz"])
def test_paths_outside_the_document_are_not_claimed(url):
    from healthdesk.partners.webcamconsult.wire import WEBCAMCONSULT

    assert WEBCAMCONSULT.path_regex.search(url) is None


def test_a_model_check_inside_a_service_answers_422_naming_the_documented_field():
    # What full_clean() raises when a service catches something the input serializer let through.
    from django.core.exceptions import ValidationError

    from healthdesk.partners.webcamconsult.views import WebcamconsultAppointment
    from healthdesk.partners.webcamconsult.wire import exception_handler

    context = {"view": WebcamconsultAppointment(), "request": None}
    answer = exception_handler(ValidationError({"duration_minutes": ["Too long."]}), context)
    assert (answer.status_code, answer.data) == (422, {"errors": {"duration": ["Too long."]}})
    answer = exception_handler(ValidationError("Overlaps."), context)
    assert (answer.status_code, answer.data) == (422, {"errors": {"base": ["Overlaps."]}})
