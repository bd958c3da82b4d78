"""Support API authentication: the document names none, so healthdesk requires `Authorization: Token <secret>`."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from healthdesk.partners.base import ApiClientAuthentication


class SupportAuthentication(ApiClientAuthentication):
    """The organisation's API client secret as `Authorization: Token <secret>`."""

    www_authenticate = 'Token realm="support"'
    keyword = "Token"

    def get_secret(self, request):
        scheme, _, secret = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        return secret.strip() or None


class SupportAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes SupportAuthentication in the OpenAPI schema."""

    target_class = SupportAuthentication
    name = "supportToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <secret>`: the organisation's API client secret.",
        }
