"""HTTP Basic with the API key as the user name and an empty password; a per-client rate limit."""

import base64
import binascii
import re

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions as drf

from directory import services as directory_services
from healthdesk.partners.base import ApiClientAuthentication, ApiPrincipal, SharedWindowThrottle

# Cliniko keys end in a shard (`-au1`, `-uk2`); clients may send it or not. Our secrets are URL-safe base64 and
# may themselves contain `-`, so the full value is tried first and only a trailing shard is ever stripped.
SHARD_SUFFIX = re.compile(r"-[a-z]{2}\d{1,2}$", re.IGNORECASE)


class ClinikoAuthentication(ApiClientAuthentication):
    """`Authorization: Basic base64(API_KEY:)`; the password is ignored, the key is the API client's secret."""

    www_authenticate = 'Basic realm="Cliniko API"'
    missing_message = "Authentication required: HTTP Basic with your API key as the user name."
    invalid_message = "Invalid API key."

    def get_secret(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic" or not encoded.strip():
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise drf.AuthenticationFailed("Malformed HTTP Basic credentials.") from None
        return decoded.partition(":")[0].strip()

    def authenticate(self, request):
        key = self.get_secret(request)
        if not key:
            raise drf.NotAuthenticated(self.missing_message)
        client = directory_services.api_client_authenticate(secret=key)
        if client is None and SHARD_SUFFIX.search(key):
            client = directory_services.api_client_authenticate(secret=SHARD_SUFFIX.sub("", key))
        if client is None:
            raise drf.AuthenticationFailed(self.invalid_message)
        principal = ApiPrincipal(client=client, organisation=client.organisation)
        return principal, principal


class ClinikoThrottle(SharedWindowThrottle):
    """200 requests a minute per API client (HEALTHDESK_CLINIKO_RATE_LIMIT), counted in the shared cache so
    every worker process sees the same count."""

    scope = "cliniko"

    def get_rate(self):
        return settings.HEALTHDESK_CLINIKO_RATE_LIMIT

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.client.pk}


class ClinikoAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the Basic scheme in the OpenAPI schema."""

    target_class = "healthdesk.partners.cliniko.auth.ClinikoAuthentication"
    name = "clinikoBasic"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "basic", "description": "API key as the user name, empty password."}
