"""Connect4 authentication: api_key + api_secret get an access token; then token in the path and both headers."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions as drf
from rest_framework.authentication import BaseAuthentication

from directory import services as directory_services
from healthdesk.partners.base import ApiPrincipal

INVALID_CREDENTIALS = "Invalid Credentials"
INVALID_PAIR = "Invalid API key or API secret"
WWW_AUTHENTICATE = 'api_key realm="connect4"'


def _header(request, name):
    # `api_key: …` arrives as HTTP_API_KEY, as does `Api-Key: …`.
    return request.META.get(f"HTTP_{name.upper()}", "").strip()


class Connect4KeyPairAuthentication(BaseAuthentication):
    """`POST /api/authorize`: the client's api_key and api_secret, in headers or (as the document's parameter
    table lists them) as form or query parameters."""

    def authenticate(self, request):
        key = _header(request, "api_key") or self._param(request, "api_key")
        secret = _header(request, "api_secret") or self._param(request, "api_secret")
        client = directory_services.api_client_authenticate_pair(key=key, secret=secret)
        if client is None:
            raise drf.AuthenticationFailed(INVALID_PAIR)
        principal = ApiPrincipal(client=client, organisation=client.organisation)
        return principal, principal

    @staticmethod
    def _param(request, name):
        value = request.query_params.get(name)
        if not value and hasattr(request.data, "get"):
            value = request.data.get(name)
        return str(value).strip() if value else ""

    def presented_key(self, request):
        return _header(request, "api_key") or self._param(request, "api_key")

    def authenticate_header(self, request):
        return WWW_AUTHENTICATE


class Connect4Authentication(BaseAuthentication):
    """Every other endpoint: the access token in the path and the api_key/api_secret headers must all belong
    to the same live client, and the token must be unexpired."""

    def authenticate(self, request):
        token = request.parser_context.get("kwargs", {}).get("access_token", "")
        client = directory_services.access_token_authenticate(
            token=token, key=_header(request, "api_key"), secret=_header(request, "api_secret")
        )
        if client is None:
            raise drf.AuthenticationFailed(INVALID_CREDENTIALS)
        principal = ApiPrincipal(client=client, organisation=client.organisation)
        return principal, principal

    def presented_key(self, request):
        return _header(request, "api_key")

    def authenticate_header(self, request):
        return WWW_AUTHENTICATE


def _header_scheme(name, description):
    return {"type": "apiKey", "in": "header", "name": name, "description": description}


class Connect4KeyPairScheme(OpenApiAuthenticationExtension):
    """OpenAPI: `authorize` takes the two headers."""

    target_class = Connect4KeyPairAuthentication
    name = ["connect4AuthorizeApiKey", "connect4AuthorizeApiSecret"]

    def get_security_definition(self, auto_schema):
        return [
            _header_scheme("api_key", "The client's api_key (also accepted as a form or query parameter)."),
            _header_scheme("api_secret", "The client's api_secret (also accepted as a form or query parameter)."),
        ]


class Connect4TokenScheme(OpenApiAuthenticationExtension):
    """OpenAPI: every other endpoint takes the two headers beside the token in its path."""

    target_class = Connect4Authentication
    name = ["connect4ApiKey", "connect4ApiSecret"]

    def get_security_definition(self, auto_schema):
        return [
            _header_scheme("api_key", "The client's api_key; the access token goes in the path."),
            _header_scheme("api_secret", "The client's api_secret; the access token goes in the path."),
        ]
