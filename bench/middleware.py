"""X-Queries and X-Server-Ms response headers: SQL statements run and wall time spent inside Django."""

import time

from django.db import connection


class QueryCountMiddleware:
    """Counts with `connection.execute_wrapper`, so it works with DEBUG off and costs a counter increment.

    A streamed response runs its later queries after this returns; its figure is a lower bound (the README says so).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response["X-Server-Ms"] = f"{(time.perf_counter() - started) * 1000:.2f}"
        response["X-Queries"] = str(count)
        return response
