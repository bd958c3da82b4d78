"""Request-line limit (#16.7): gunicorn's own cap is off so a too-long line answers 414 in the partner's shape."""

from django.conf import settings
from django.http import HttpResponse

from healthdesk.partners.base import RequestLineTooLong, classify, problem_view_response


class RequestLineLimit:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        target = request.META.get("RAW_URI") or request.get_full_path()
        line = f"{request.method} {target} {request.META.get('SERVER_PROTOCOL', 'HTTP/1.1')}"
        if len(line.encode()) > settings.HEALTHDESK_MAX_REQUEST_LINE_BYTES:
            problem = classify(RequestLineTooLong())
            return problem_view_response(request, problem) or HttpResponse("Request line too long.", status=414)
        return self.get_response(request)
