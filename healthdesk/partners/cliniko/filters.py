"""Cliniko's list query language: `q[]=field:OPvalue` filters, `sort=`/`order=` and `page`/`per_page`.

Each list view declares its filterable fields as `{api_name: Filter(orm_path, type)}`; this module turns the
query string into ORM conditions and answers anything it cannot understand with a 400, never a 500.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from rest_framework.exceptions import APIException

INTEGER = "integer"
DATETIME = "date-time"
DATE = "date"
STRING = "string"
BOOLEAN = "boolean"

# Cliniko's operator table (conventions §3); DateTime has no `=`. `*` means "any value": it keeps nothing out.
OPERATORS = {
    INTEGER: ("=", "!=", ">", ">=", "<", "<=", "?", "!?"),
    DATETIME: (">", ">=", "<", "<=", "?", "!?", "*"),
    DATE: ("=", ">", ">=", "<", "<=", "?", "!?"),
    STRING: ("=", "!=", "~", "~~", "?", "!?"),
    BOOLEAN: ("=", "!="),
}
# Longest first, so `>=` is not read as `>` followed by the value `=…`.
TOKENS = ("!?", "!=", ">=", "<=", "~~", "=", ">", "<", "?", "~", "*")
VALUELESS = {"?", "!?", "*"}
RANGE = {">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
MAX_BIGINT = 2**63 - 1
DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
DATE_RE = re.compile(r"^(\d{4}|\*{4})-(\d{2}|\*{2})-(\d{2}|\*{2})$")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


class BadQuery(APIException):
    """A filter, sort or page parameter we cannot apply: Cliniko answers 400 with a JSON message."""

    status_code = 400
    default_detail = "Invalid query."
    default_code = "bad_query"


@dataclass(frozen=True)
class Filter:
    """One filterable API field: the ORM path it reads and its Cliniko type."""

    path: str
    type: str


def _integer(value, raw):
    if not re.fullmatch(r"[0-9]{1,19}", value) or int(value) > MAX_BIGINT:
        raise BadQuery(f"Invalid filter {raw!r}: {value!r} is not an integer.")
    return int(value)


def _datetime(value, raw):
    if not DATETIME_RE.match(value):
        raise BadQuery(f"Invalid filter {raw!r}: date-times are UTC, as YYYY-MM-DDTHH:MM:SSZ.")
    try:
        return datetime.fromisoformat(value[:-1]).replace(tzinfo=UTC)
    except ValueError:
        raise BadQuery(f"Invalid filter {raw!r}: {value!r} is not a date-time.") from None


def _date_parts(value, raw):
    match = DATE_RE.match(value)
    if not match:
        raise BadQuery(f"Invalid filter {raw!r}: dates are YYYY-MM-DD.")
    return match.groups()


def _date(value, raw):
    _date_parts(value, raw)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadQuery(f"Invalid filter {raw!r}: {value!r} is not a date.") from None


def _boolean(value, raw):
    if value not in ("true", "false"):
        raise BadQuery(f"Invalid filter {raw!r}: use true or false.")
    return value == "true"


def parse(raw, fields):
    """`field:OPvalue` as (Filter, operator, value string); BadQuery naming what is wrong."""
    if "\x00" in raw:
        raise BadQuery("Invalid filter: it contains a NUL character.")
    name, colon, rest = raw.partition(":")
    if not colon:
        raise BadQuery(f"Invalid filter {raw!r}: write it as field:OPERATORvalue, e.g. id:=7.")
    if name not in fields:
        allowed = ", ".join(sorted(fields))
        raise BadQuery(f"Invalid filter {raw!r}: {name!r} is not filterable here (filterable: {allowed}).")
    spec = fields[name]
    operator = next((token for token in TOKENS if rest.startswith(token)), None)
    if operator is None or operator not in OPERATORS[spec.type]:
        allowed = " ".join(OPERATORS[spec.type])
        raise BadQuery(f"Invalid filter {raw!r}: {spec.type} field {name!r} takes the operators {allowed}.")
    value = rest[len(operator):]
    if operator in VALUELESS and value:
        raise BadQuery(f"Invalid filter {raw!r}: {operator!r} takes no value.")
    if operator not in VALUELESS and not value:
        raise BadQuery(f"Invalid filter {raw!r}: a value is required after {operator!r}.")
    return spec, operator, value


def condition(spec, operator, value, raw):
    """The Q object for one parsed filter (None for `*`, which keeps everything)."""
    path = spec.path
    if operator == "*":
        return None
    if operator == "?":
        return ~Q(**{path: ""}) & Q(**{f"{path}__isnull": False}) if spec.type == STRING else Q(
            **{f"{path}__isnull": False}
        )
    if operator == "!?":
        empty = Q(**{f"{path}__isnull": True})
        return empty | Q(**{path: ""}) if spec.type == STRING else empty
    if spec.type == INTEGER:
        if operator == "=" and "," in value:
            return Q(**{f"{path}__in": [_integer(part, raw) for part in value.split(",")]})
        number = _integer(value, raw)
        if operator == "=":
            return Q(**{path: number})
        if operator == "!=":
            return ~Q(**{path: number})
        return Q(**{f"{path}__{RANGE[operator]}": number})
    if spec.type == DATETIME:
        return Q(**{f"{path}__{RANGE[operator]}": _datetime(value, raw)})
    if spec.type == DATE:
        if operator == "=" and "*" in value:
            year, month, day = _date_parts(value, raw)
            parts = {"year": year, "month": month, "day": day}
            return Q(**{f"{path}__{part}": int(v) for part, v in parts.items() if "*" not in v})
        when = _date(value, raw)
        return Q(**{path: when}) if operator == "=" else Q(**{f"{path}__{RANGE[operator]}": when})
    if spec.type == BOOLEAN:
        flag = _boolean(value, raw)
        return Q(**{path: flag}) if operator == "=" else ~Q(**{path: flag})
    # STRING
    if operator == "=":
        return Q(**{path: value})
    if operator == "!=":
        return ~Q(**{path: value})
    if operator == "~":
        return Q(**{f"{path}__icontains": value})
    # `~~` is a LIKE pattern with `%` as the wildcard; translate it to an anchored regular expression.
    pattern = "^" + ".*".join(re.escape(part) for part in value.split("%")) + "$"
    return Q(**{f"{path}__iregex": pattern})


def raw_filters(params):
    """Every `q[]` filter plus the last bare `q` (Cliniko applies only the last `q=`); blanks are ignored."""
    raws = list(params.getlist("q[]"))
    bare = params.getlist("q")
    if bare:
        raws.append(bare[-1])
    return [raw for raw in raws if raw]


def filter_queryset(queryset, params, fields):
    """Apply every filter of the query string, ANDed."""
    for raw in raw_filters(params):
        q = condition(*parse(raw, fields), raw)
        if q is not None:
            queryset = queryset.filter(q)
    return queryset


def ordering(params, fields, default="created_at"):
    """The ORM ordering for `sort=a,b:desc` (and the legacy global `order=asc|desc`), ended by id."""
    order = params.get("order", "asc").lower()
    if order not in ("asc", "desc"):
        raise BadQuery(f"Invalid order {order!r}: use asc or desc.")
    columns = []
    for item in (params.get("sort") or default).split(","):
        name, _, direction = item.strip().partition(":")
        direction = (direction or order).lower()
        if name not in fields:
            allowed = ", ".join(sorted(fields))
            raise BadQuery(f"Invalid sort {name!r}: sortable fields are {allowed}.")
        if direction not in ("asc", "desc"):
            raise BadQuery(f"Invalid sort direction {direction!r}: use asc or desc.")
        columns.append(("-" if direction == "desc" else "") + fields[name].path)
    if not any(column.lstrip("-") in ("id", "pk") for column in columns):
        # A unique last column makes pages stable; following the first column's direction lets the
        # database walk the (organisation, created_at, id) style indexes in one direction.
        columns.append("-id" if columns[0].startswith("-") else "id")
    return columns


def positive_int(params, name, default):
    raw = params.get(name)
    if raw in (None, ""):
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1:
        raise BadQuery(f"Invalid {name} {raw!r}: use a whole number from 1.")
    return int(raw)


def page_params(params):
    """(page, per_page): 50 a page by default, at most 100 (a larger per_page is capped, as Cliniko's SPEC)."""
    page = positive_int(params, "page", 1)
    per_page = min(positive_int(params, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    return page, per_page


# Keyset continuation --------------------------------------------------------------------------------------
# A `next` link carries `after=<token>`: the sort values of the page's last row. Following it seeks straight to
# the next rows through the sort's index instead of counting past an OFFSET, so page 10 000 costs what page 1
# does. `page` stays in the link for display and for `previous`; a hand-built `page=N` still works by offset.


def seek_fields(model, columns):
    """[(field, descending)] for an ordering whose every column is a non-null column of `model`, else None."""
    fields = []
    for column in columns:
        path = column.lstrip("-")
        if "__" in path:
            return None
        try:
            field = model._meta.pk if path in ("pk", "id") else model._meta.get_field(path)
        except FieldDoesNotExist:
            return None  # an annotation (such as business_id): sorted by OFFSET, never continued by seek
        if field.null:
            return None
        fields.append((field, column.startswith("-")))
    return fields


def encode_after(values):
    raw = json.dumps([value.isoformat() if hasattr(value, "isoformat") else value for value in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def seek_condition(fields, token):
    """The rows after the one whose sort values `token` holds, in the ordering `fields` describes."""
    try:
        raw = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(raw, list) or len(raw) != len(fields):
            raise ValueError
        if any(isinstance(value, int) and abs(value) > MAX_BIGINT for value in raw):
            raise ValueError
        values = [field.to_python(value) for (field, _), value in zip(fields, raw, strict=True)]
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, DjangoValidationError):
        raise BadQuery("Invalid after: follow the links of a list rather than building this value.") from None
    first, first_desc = fields[0]
    # The bound on the first column lets the database start its index scan at the right place; the disjunction
    # then orders ties exactly: (a > x) or (a = x and b > y) or …
    condition = Q(**{f"{first.attname}__{'lte' if first_desc else 'gte'}": values[0]})
    later, equal = None, Q()
    for (field, desc), value in zip(fields, values, strict=True):
        step = equal & Q(**{f"{field.attname}__{'lt' if desc else 'gt'}": value})
        later = step if later is None else later | step
        equal &= Q(**{field.attname: value})
    return condition & later
