"""Contract checking: every partner response the test suite produces must match the OpenAPI document.

A test-only middleware (tests/settings.py) validates each JSON response on a partner path against the
operation's documented response for that status; an autouse fixture fails the test on any violation. So the
document cannot drift from the code without a test going red.
"""

import json
import re
import threading
from functools import cache

from jsonschema import Draft202012Validator

from healthdesk.partners.base import partner_for_path

violations: list[str] = []
_building = threading.Lock()


def _document():
    # Live-server tests answer from several threads; drf-spectacular's generator is not thread-safe.
    with _building:
        return _build_document()


@cache
def _build_document():
    from drf_spectacular.generators import SchemaGenerator

    schema = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    operations = []
    for path, item in schema["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in item.items():
            if isinstance(operation, dict) and "responses" in operation:
                operations.append((method.upper(), pattern, path, operation))
    # Literal paths before templated ones, so /attendees/deleted wins over /attendees/{id}.
    operations.sort(key=lambda op: op[2].count("{"))
    return schema.get("components", {}), operations


def _operation(method, path):
    for op_method, pattern, template, operation in _document()[1]:
        if op_method == method and pattern.match(path):
            return template, operation
    return None, None


def check(request, response, body=None):
    """Violations of the document by one response (empty when it conforms or is not a partner JSON body);
    `body` is a streamed response's content, read by the caller."""
    if partner_for_path(request.path) is None or request.path.startswith("/probe/"):
        return []
    if request.method in ("HEAD", "OPTIONS"):
        return []
    template, operation = _operation(request.method, re.sub(r"^/+", "/", request.path))
    if operation is None:
        # Unknown URLs and wrong methods are answered by the partner's 404/405 shape, outside any operation.
        return []
    where = f"{request.method} {template} -> {response.status_code}"
    documented = operation["responses"]
    spec = documented.get(str(response.status_code)) or documented.get("default")
    if spec is None:
        return [f"{where}: status not documented"]
    content_type = response.get("Content-Type", "").split(";")[0]
    if content_type != "application/json" or (body is None and getattr(response, "streaming", False)):
        return []
    content = response.content if body is None else body
    body_schema = spec.get("content", {}).get("application/json", {}).get("schema")
    if body_schema is None:
        return [f"{where}: JSON body not documented"] if content else []
    # "#/components/…" references resolve against this root, which carries the document's components.
    validator = Draft202012Validator({**body_schema, "components": _document()[0]})
    body = json.loads(content or b"null")
    return [f"{where}: {error.json_path}: {error.message}" for error in validator.iter_errors(body)][:3]


class ContractMiddleware:
    """Records contract violations of every partner response (test settings only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        body = None
        if getattr(response, "streaming", False) and response.get("Content-Type", "").startswith("application/json"):
            # A streamed list is checked like any other body: read it here and hand the same bytes on.
            body = b"".join(response.streaming_content)
            response.streaming_content = [body]
        violations.extend(check(request, response, body))
        return response
