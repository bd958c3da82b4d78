"""OpenAPI additions shared by every partner API."""

from healthdesk.partners.base import Problem, registered_partners

# What the shared plumbing can answer on any operation, whatever the view does (see base.classify).
PLUMBING_RESPONSES = [
    # (status, kind, description, only on operations with a request body)
    (400, "malformed", "Malformed request body (not valid JSON, not an object).", True),
    (401, "unauthenticated", "Missing or wrong credentials.", False),
    (413, "too_large", "Request body too large.", True),
    (414, "too_long", "Request line (path and query) longer than 16 KiB.", False),
    (415, "unsupported_media_type", "Unsupported Content-Type.", True),
    (429, "throttled", "Too many requests for this client: retry after the `Retry-After` seconds.", False),
    (500, "server_error", "Internal error (never expected; reported).", False),
    (503, "unavailable", "Database unreachable: retry after the `Retry-After` seconds.", False),
]


def add_plumbing_responses(result, generator, request, public):
    """Postprocessing hook: document the shared plumbing's answers on each partner operation, in that partner's
    error component and with the status that partner sends for them."""
    partners = {partner.name: partner for partner in registered_partners()}
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            partner = next((partners[t] for t in operation.get("tags", []) if t in partners), None)
            if partner is None or not partner.error_component:
                continue
            schema = {"$ref": f"#/components/schemas/{partner.error_component}"}
            for status, kind, description, body_only in PLUMBING_RESPONSES:
                if body_only and "requestBody" not in operation:
                    continue
                code = str(partner.problem_status(Problem(status, kind, description)))
                operation["responses"].setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": schema}}}
                )
    return result


def json_request_bodies(result, generator, request, public):
    """Postprocessing hook: request bodies documented as JSON only. The views also parse the form encodings some
    documents show, but a body offered in three content types makes client generators write modules that do not
    import (openapi-python-client); the compatibility notes say which endpoints take forms."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "application/json" in content:
                for media_type in [m for m in content if m != "application/json"]:
                    del content[media_type]
    return result
