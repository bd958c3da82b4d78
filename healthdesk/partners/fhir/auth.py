"""FHIR authentication: the organisation's API client secret as an OAuth-style bearer token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from healthdesk.partners.base import ApiClientAuthentication


class FhirAuthentication(ApiClientAuthentication):
    """`Authorization: Bearer <secret>`."""

    www_authenticate = 'Bearer realm="fhir"'
    missing_message = "Authentication required: Authorization: Bearer <API client secret>."
    invalid_message = "Invalid bearer token."

    def get_secret(self, request):
        scheme, _, secret = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if scheme.lower() != "bearer":
            return None
        return secret.strip() or None


class FhirAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes FhirAuthentication in the OpenAPI schema."""

    target_class = FhirAuthentication
    name = "fhirBearer"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "The organisation's API client secret."}
