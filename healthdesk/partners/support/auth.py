"""Support API authentication: the document names none, so healthdesk takes `Authorization: Token <secret>`, and
HTTP Basic `key:secret` as support-API clients in the field send it."""

import base64
import binascii

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions as drf

from directory import services as directory_services
from healthdesk.partners.base import ApiClientAuthentication, ApiPrincipal


class SupportAuthentication(ApiClientAuthentication):
    """The organisation's API client secret as `Authorization: Token <secret>`, or its key and secret as HTTP
    Basic credentials."""

    www_authenticate = 'Token realm="support"'
    keyword = "Token"

    def authenticate(self, request):
        scheme, _, encoded = request.META.get("HTTP_AUTHORIZATION", "").strip().partition(" ")
        if scheme.lower() != "basic":
            return super().authenticate(request)
        try:
            key, _, secret = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise drf.AuthenticationFailed("Malformed HTTP Basic credentials.") from None
        client = directory_services.api_client_authenticate_pair(key=key.strip(), secret=secret.strip())
        if client is None:
            raise drf.AuthenticationFailed(self.invalid_message)
        principal = ApiPrincipal(client=client, organisation=client.organisation)
        return principal, principal

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
