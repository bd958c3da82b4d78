"""FHIR R4's wire: `application/fhir+json`, errors as an `OperationOutcome`, lists as a `searchset` Bundle."""

from rest_framework.response import Response

from healthdesk.partners.base import Partner, register
from healthdesk.partners.renderers import FastJSONRenderer

FHIR_JSON = "application/fhir+json"

# Problem kinds (healthdesk.partners.base.classify) to FHIR's IssueType codes.
ISSUE_CODES = {
    "not_found": "not-found",
    "gone": "deleted",
    "invalid": "invalid",
    "malformed": "structure",
    "unauthenticated": "login",
    "forbidden": "forbidden",
    "conflict": "conflict",
    "throttled": "throttled",
    "too_large": "too-costly",
    "unsupported_media_type": "not-supported",
    "not_acceptable": "not-supported",
    "method_not_allowed": "not-supported",
    "unavailable": "transient",
}


class FhirPartner(Partner):
    """Every failure as an OperationOutcome naming the search parameter at fault in `expression`."""

    name = "fhir"
    path_pattern = r"^/fhir(/|$)"
    error_component = "OperationOutcome"

    def problem_body(self, problem, request=None):
        issue = {
            "severity": "error" if problem.status < 500 else "fatal",
            "code": ISSUE_CODES.get(problem.kind, "exception"),
            "diagnostics": problem.message,
        }
        if problem.field:
            issue["expression"] = [problem.field]
        return {"resourceType": "OperationOutcome", "issue": [issue]}

    def problem_json_response(self, problem, request=None):
        response = super().problem_json_response(problem, request)
        response["Content-Type"] = FHIR_JSON
        return response


FHIR = register(FhirPartner())


class FhirJSONRenderer(FastJSONRenderer):
    """FHIR's own media type, chosen when a client asks for it or for anything."""

    media_type = FHIR_JSON
    format = "fhir"


class PlainJSONRenderer(FastJSONRenderer):
    """Plain `application/json`, which FHIR servers also answer."""


def resource(body, *, version=None):
    """One resource; its version is also the ETag, as FHIR's read answers it."""
    headers = {"ETag": f'W/"{version}"'} if version else None
    return Response(body, headers=headers)
