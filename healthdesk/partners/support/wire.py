"""The support API's envelope: `{"status": "success"|"error", "errorCode": <int>, …}`, HTTP status = errorCode."""

from rest_framework.response import Response

from healthdesk.partners.base import Partner, register
from healthdesk.partners.streaming import stream_json
from healthdesk.partners.support.vocab import wire_field


class SupportPartner(Partner):
    """Errors as `{"status": "error", "errorCode": <http status>, "message": "<field>: <why>", "field": …}`."""

    name = "support"
    path_pattern = r"^/api/v1/"
    error_component = "SupportError"

    def problem_body(self, problem, request=None):
        message = problem.message
        field = wire_field(problem.field) if problem.field else None
        if problem.field and message.startswith(f"{problem.field}: "):
            message = message[len(problem.field) + 2:]
        # A conflict is about the ticket's state, not about an input the caller could correct.
        if field and problem.kind != "conflict":
            return {"status": "error", "errorCode": problem.status, "message": f"{field}: {message}", "field": field}
        return {"status": "error", "errorCode": problem.status, "message": message}


SUPPORT = register(SupportPartner())


def success(**body):
    """A success envelope; the document writes `"errorCode" = 200`, healthdesk sends valid JSON."""
    return Response({"status": "success", "errorCode": 200, **body})


def stream_success(rows, *, key, **members):
    """A success envelope whose list `key` is written as the rows come, after the other members."""
    return stream_json(rows, envelope={"status": "success", "errorCode": 200, **members}, key=key)
