"""Cliniko's wire conventions: its error bodies, 422 for validation, the rate-limit headers and list pages."""

import time

from django.urls import get_script_prefix
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from healthdesk.partners.base import Partner, register
from healthdesk.partners.cliniko import filters

VALIDATION_KINDS = {"invalid", "conflict"}


class ClinikoPartner(Partner):
    """Errors are `{"message": …}`; validation failures are 422 `{"message": "Validation Failed", "errors": …}`."""

    name = "cliniko"
    path_pattern = r"^/v1/"
    error_component = "ClinikoMessage"

    def problem_status(self, problem):
        # Cliniko answers every rejected create/update with 422, whether a value is wrong or the state forbids it.
        if problem.kind in VALIDATION_KINDS and problem.status in (400, 409):
            return 422
        return problem.status

    def problem_body(self, problem, request=None):
        if self.problem_status(problem) == 422 and problem.field:
            message = problem.message.removeprefix(f"{problem.field}: ")
            return {"message": "Validation Failed", "errors": {problem.field: message}}
        return {"message": problem.message}

    def problem_response(self, problem, request=None):
        response = super().problem_response(problem, request)
        if problem.kind == "throttled":
            wait = int(problem.headers.get("Retry-After", "1"))
            response["X-RateLimit-Reset"] = str(int(time.time()) + wait)
        return response


CLINIKO = register(ClinikoPartner())


class UserAgentRequired(APIException):
    status_code = 400
    default_detail = "Requires a user agent: send User-Agent: APP_VENDOR_NAME (APP_VENDOR_EMAIL)."
    default_code = "user_agent_required"


def api_root(request):
    """Absolute `…/v1/` on the host the partner called, so every link it follows comes back to us."""
    return request.build_absolute_uri(f"{get_script_prefix()}v1/")


def page_url(request, page, after=None):
    params = request.GET.copy()
    params["page"] = str(page)
    params.pop("after", None)
    if after is not None:
        params["after"] = after
    # Brackets are percent-encoded (q%5B%5D=…): RFC 3986 allows them only in a host, and clients follow these
    # links verbatim; `:`, `,` and `*` are valid in a query and stay readable.
    return f"{request.build_absolute_uri(request.path)}?{params.urlencode(safe=':,*')}"


def offset_window(queryset, offset, per_page, total):
    """(rows, read backwards?) of the OFFSET page at `offset`, read from the nearer end of the `total` rows.

    The ordering always ends with a unique column, so reversed it is exactly the list backwards: a page 90 %
    deep skips the last 10 % of the rows in reverse instead of the first 90 %, as cheap as a page near the top.
    """
    if offset >= total:
        return queryset.none(), False
    from_end = total - offset - per_page
    if from_end >= offset:
        return queryset[offset:offset + per_page], False
    return queryset.reverse()[max(from_end, 0):total - offset], True


def paginated_response(request, queryset, key, serializer_class, context, order, total=None):
    """The list envelope: `{key: [...], "total_entries": n, "links": {self, next?, previous?}}`.

    A fixed number of queries whatever the length: an exact COUNT (or the `total` the view already knows), then
    the page's rows (with the queryset's
    prefetches). A page past the first reads its ids first, so the OFFSET walks an index alone, never the table,
    and from the nearer end; a `next` link carries the last row's sort values (`after`) so following it seeks
    straight to its rows instead of counting past an OFFSET.
    """
    params = request.query_params
    page, per_page = filters.page_params(params)
    seek = filters.seek_fields(queryset.model, order)
    after = params.get("after")
    if after and seek is None:
        raise filters.BadQuery("Invalid after: this sort cannot be continued; use page instead.")
    if total is None:
        total = queryset.count()
    offset = (page - 1) * per_page
    if after or offset == 0:
        # A seek, or the first page, starts where the sort's index starts: its rows are read at once.
        window = queryset.filter(filters.seek_condition(seek, after)) if after else queryset
        rows = list(dict.fromkeys(window[:per_page]))
    else:
        window, backwards = offset_window(queryset, offset, per_page, total)
        ids = list(window.values_list("pk", flat=True))
        if backwards:
            ids.reverse()
        by_pk = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
        rows = [by_pk[pk] for pk in dict.fromkeys(ids)]
    links = {"self": page_url(request, page, after)}
    if len(rows) == per_page and page * per_page < total:
        after_last = filters.encode_after([getattr(rows[-1], field.attname) for field, _ in seek]) if seek else None
        links["next"] = page_url(request, page + 1, after_last)
    if page > 1:
        links["previous"] = page_url(request, page - 1)
    data = serializer_class(rows, many=True, context=context).data
    return Response({key: data, "total_entries": total, "links": links})
