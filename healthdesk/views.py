"""Root views: health check and the 404/500 handlers that answer in the asking partner's shape."""

from django.db import connection
from django.http import JsonResponse
from django.views import defaults

from healthdesk.partners.base import Problem, problem_view_response


def health(request):
    """Liveness and database reachability for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503, headers={"Retry-After": "5"})
    return JsonResponse({"status": "ok"})


def handler404(request, exception=None):
    response = problem_view_response(request, Problem(404, "not_found", "Not found."))
    return response or defaults.page_not_found(request, exception)


def handler500(request):
    response = problem_view_response(request, Problem(500, "server_error", "Internal server error."))
    return response or defaults.server_error(request)
