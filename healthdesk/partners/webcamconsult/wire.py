"""Webcamconsult's envelope and errors: `{"user": {…}}` bodies, bare arrays for lists (streamed by
`healthdesk.partners.streaming`, so 100 000 rows cost no more memory than one), and
`{"errors": {"<field>": ["message"]}}` with 422 for anything invalid."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import translation
from rest_framework import exceptions as drf
from rest_framework.response import Response

from healthdesk import exceptions as domain
from healthdesk.partners.base import Partner, classify, register

# Rails-style messages, in the language the request asks for (the document shows Dutch: `is al in gebruik`).
MESSAGES = {
    "required": {"en": "can't be blank", "nl": "moet opgegeven zijn"},
    "email_taken": {"en": "has already been taken", "nl": "is al in gebruik"},
    "unknown_attribute": {"en": "is not a known attribute", "nl": "is geen bekend attribuut"},
    "not_an_object": {"en": "must be a JSON object", "nl": "moet een JSON-object zijn"},
    "malformed": {"en": "is not valid JSON", "nl": "is geen geldige JSON"},
    "not_found": {"en": "not found", "nl": "niet gevonden"},
    "not_authenticated": {"en": "token is missing", "nl": "token ontbreekt"},
    "authentication_failed": {"en": "token is invalid", "nl": "token is ongeldig"},
}
DRF_CODES = {
    "required": "required", "blank": "required", "null": "required", "unknown": "unknown_attribute",
    "not_an_object": "not_an_object",
}
UNPROCESSABLE = 422


def language_of(request):
    if request is None:
        return "en"
    return translation.get_language_from_request(request).split("-")[0]


def message(code, lang):
    return MESSAGES[code].get(lang, MESSAGES[code]["en"])


class WebcamconsultPartner(Partner):
    name = "webcamconsult"
    # The documented paths, with the documented double slash (`//users.json`) as well as a single one.
    path_pattern = r"^/+(?:users|clients?|appointments?)(?:\.json$|/)"
    error_component = "WebcamconsultErrors"

    def problem_body(self, problem, request=None):
        return {"errors": {problem.field or "base": [self.problem_message(problem, language_of(request))]}}

    def problem_message(self, problem, lang):
        if problem.kind in MESSAGES:
            return message(problem.kind, lang)
        return problem.message

    def problem_status(self, problem):
        # Rails answers every validation failure, including a clash with existing data, with 422.
        if problem.kind == "invalid" or (problem.kind == "conflict" and problem.field):
            return UNPROCESSABLE
        return problem.status


WEBCAMCONSULT = register(WebcamconsultPartner())


def _validation_errors(detail, codes, lang, rename):
    """DRF validation detail as `{field: [messages]}`, every field at once as Rails reports them."""
    if not isinstance(detail, dict):
        return {"base": [str(item) for item in _flatten(detail)]}
    errors = {}
    for name, value in detail.items():
        field = rename.get(name, name) if name != "non_field_errors" else "base"
        field_codes = codes.get(name) if isinstance(codes, dict) else None
        texts = []
        for text, code in zip(_flatten(value), _flatten(field_codes), strict=False):
            known = DRF_CODES.get(code)
            texts.append(message(known, lang) if known else str(text))
        errors[field] = texts or [str(item) for item in _flatten(value)]
    return errors


def _flatten(value):
    if isinstance(value, dict):
        return [item for nested in value.values() for item in _flatten(nested)]
    if isinstance(value, list):
        return [item for nested in value for item in _flatten(nested)]
    return [] if value is None else [value]


def exception_handler(exc, context):
    """Render any failure as `{"errors": {…}}`, naming fields as the document does (`user_id`, not the
    column behind it): the view's `wire_fields` maps domain field names back."""
    view = context.get("view")
    request = context.get("request")
    rename = getattr(view, "wire_fields", {})
    lang = language_of(request)
    if isinstance(exc, drf.ValidationError):
        return Response({"errors": _validation_errors(exc.detail, exc.get_codes(), lang, rename)}, status=422)
    if isinstance(exc, DjangoValidationError):
        # A model's full_clean() inside a service caught what the input serializer let through.
        errors = {rename.get(name, name): messages for name, messages in exc.message_dict.items()} if hasattr(
            exc, "error_dict") else {"base": exc.messages}
        return Response({"errors": errors}, status=UNPROCESSABLE)
    if isinstance(exc, domain.DomainError) and exc.code == "email_taken":
        return Response({"errors": {rename.get(exc.field, exc.field): [message("email_taken", lang)]}}, status=422)
    problem = classify(exc, request)
    if isinstance(exc, drf.NotAuthenticated):
        body = {"errors": {"authentication": [message("not_authenticated", lang)]}}
    elif isinstance(exc, drf.AuthenticationFailed):
        body = {"errors": {"authentication": [message("authentication_failed", lang)]}}
    elif isinstance(exc, drf.ParseError):
        body = {"errors": {"body": [message("malformed", lang)]}}
    else:
        field = rename.get(problem.field, problem.field)
        body = {"errors": {field or "base": [WEBCAMCONSULT.problem_message(problem, lang)]}}
    return Response(body, status=WEBCAMCONSULT.problem_status(problem), headers=problem.headers)

