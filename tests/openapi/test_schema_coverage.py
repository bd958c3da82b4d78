"""Every URL a partner API routes is in the OpenAPI document, tagged with its partner, with its error shapes."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.partners.test_conformance import partner_routes


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield path, method, operation


def test_every_partner_view_has_operations_in_the_schema(schema):
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    documented = {callback.cls for _, _, _, callback in generator.endpoints}
    routed = {callback.view_class for _, callback in partner_routes()}
    assert routed - documented == set()


def test_every_operation_carries_exactly_one_partner_tag(schema):
    partners = {"connect4", "webcamconsult", "updox", "support", "cliniko", "fhir"}
    for path, method, operation in operations(schema):
        assert len(set(operation.get("tags", [])) & partners) == 1, (method, path)


def test_every_operation_documents_an_error_response(schema):
    for path, method, operation in operations(schema):
        assert any(code.startswith(("4", "5")) for code in operation["responses"]), (method, path)
