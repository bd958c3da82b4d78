"""Updox's envelope: `{"successful", "responseMessage", "responseCode", …}`; a response code is the HTTP status
times ten, as the documented success `2000` is 200 OK."""

from healthdesk.partners.base import Partner, register


def response_code(status):
    return status * 10


class UpdoxPartner(Partner):
    name = "updox"
    path_pattern = r"^/(?:api/)?io/"
    error_component = "UpdoxErrorOutput"  # the error body's OpenAPI component, for the shared plumbing statuses

    def problem_body(self, problem, request=None):
        return {"successful": False, "responseMessage": problem.message, "responseCode": response_code(problem.status)}


UPDOX = register(UpdoxPartner())


def success_body(statuses):
    return {"successful": True, "responseMessage": "OK", "responseCode": response_code(200), "statuses": statuses}
