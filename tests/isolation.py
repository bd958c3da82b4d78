"""What the isolation matrix (test client) and the attack suite (real HTTP) share: organisation A's marker, the
id-like fields a body may carry, how each partner writes an id and how organisation B authenticates, and the
attempts generated from the URL configuration, so a new endpoint is attacked by both without anyone adding it."""

import base64

from tests.partners.test_conformance import concrete_path, partner_routes, route_params

MARK = "ZZLEAKZZ"
ID_FIELDS = (
    "id", "ticketId", "ticket_id", "userId", "user_id", "client_id", "created_by_user_id", "resident_id",
    "booking_id", "patient_id", "appointment_id", "attendee_id", "category_id", "division_id", "updoxId",
)
METHODS = ("get", "post", "put", "patch", "delete")
WEBCAMCONSULT_KINDS = {"resident": "client", "user": "user", "appointment": "appointment"}
PARTNERS = ("connect4", "webcamconsult", "updox", "support", "cliniko")


def encode(partner, kind, pk):
    """An id as the partner writes it (Webcamconsult's 24-hex ids carry their kind)."""
    if partner == "webcamconsult" and kind in WEBCAMCONSULT_KINDS:
        from healthdesk.partners.webcamconsult.fields import encode_id

        return encode_id(WEBCAMCONSULT_KINDS[kind], pk)
    return str(pk)


def credentials(partner, *, key, secret, organisation):
    """How a client authenticates to a partner, as (headers named as on the wire, members of the JSON body)."""
    if partner == "support":
        return {"Authorization": f"Token {secret}"}, {}
    if partner == "webcamconsult":
        return {"Authorization": f"Token token={secret}"}, {}
    if partner == "cliniko":
        basic = base64.b64encode(f"{secret}:".encode()).decode()
        return {"Authorization": f"Basic {basic}", "User-Agent": "isolation matrix (security@example.com)"}, {}
    if partner == "connect4":
        return {"api_key": key, "api_secret": secret}, {}
    if partner == "fhir":
        return {"Authorization": f"Bearer {secret}"}, {}
    if partner == "updox":
        return {}, {"auth": {"applicationId": key, "applicationPassword": secret, "accountId": organisation}}
    raise AssertionError(f"teach the isolation matrix how {partner} authenticates")


def fill(param, value, *, access_token, admin):
    """A route parameter: A's id, except the parameters that are not ids (B's own token, a status, a name)."""
    if param == "access_token":
        return access_token
    if param == "status":
        return "unresolved"
    if param in ("assigned_admin", "admin"):
        return admin
    if param == "dontShowToUser":
        return "0"
    return value


def attempts(ids, *, access_token, admin, every_body=True):
    """(partner, method, path, body) for every partner route, with each of A's ids in every route parameter and
    id-like body field. `ids` maps a kind (ticket, resident, …) to A's primary keys. With every_body=False a path
    holding one id gets only the body naming that same id, which keeps an over-the-wire run short."""
    a_ids = [(kind, pk) for kind, pks in ids.items() for pk in pks]
    for route, callback in partner_routes():
        view = callback.view_class
        partner = view.partner.name
        methods = [m for m in METHODS if hasattr(view, m)]
        if route_params(route):
            paths = [
                (concrete_path(route, lambda name, kind=kind, pk=pk, partner=partner: fill(
                    name, encode(partner, kind, pk), access_token=access_token, admin=admin)), (kind, pk))
                for kind, pk in a_ids
            ]
        else:
            paths = [(concrete_path(route), None)]
        for path, named in paths:
            for method in methods:
                if method == "delete":
                    bodies = [{}]
                elif every_body or named is None:
                    bodies = [{field: encode(partner, kind, pk) for field in ID_FIELDS} for kind, pk in a_ids]
                else:
                    bodies = [{field: encode(partner, *named) for field in ID_FIELDS}]
                for body in bodies:
                    yield route, partner, method, path, body


def every_route_parameter_is_known():
    """Route parameters `fill` cannot fill: a new one must be taught here before the matrices can use it."""
    known = {"access_token", "status", "assigned_admin", "admin", "dontShowToUser"}
    return [
        (route, name) for route, _callback in partner_routes() for name in route_params(route)
        if name not in known and not name.endswith(("id", "Id", "pk"))
    ]


def admin_urls():
    """(model, URL name prefix) of every model the admin site registers."""
    from django.contrib import admin

    for model in admin.site._registry:
        yield model, f"admin:{model._meta.app_label}_{model._meta.model_name}"
