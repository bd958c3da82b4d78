"""Webcamconsult authentication: the organisation's token, as documented, in a header or a parameter."""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from healthdesk.partners.base import ApiClientAuthentication

# Rails' `authenticate_with_http_token` format: `Token token=abc` or `Token token="abc"`.
TOKEN_HEADER = re.compile(r'^Token\s+token="?([^",\s]+)"?', re.IGNORECASE)
PARAMETER = "authentication_token"


class WebcamconsultAuthentication(ApiClientAuthentication):
    """`Authorization: Token token=<token>`, else `authentication_token` in the query string or the body."""

    www_authenticate = 'Token realm="Application"'

    def get_secret(self, request):
        match = TOKEN_HEADER.match(request.META.get("HTTP_AUTHORIZATION", ""))
        if match:
            return match.group(1)
        token = request.query_params.get(PARAMETER)
        if token:
            return token
        if not request.content_type or request.method in ("GET", "HEAD"):
            return None
        data = request.data
        token = data.get(PARAMETER) if hasattr(data, "get") else None
        return token if isinstance(token, str) else None


class WebcamconsultAuthenticationScheme(OpenApiAuthenticationExtension):
    """The two documented ways to send the token, for the OpenAPI schema."""

    target_class = WebcamconsultAuthentication
    name = ["webcamconsultToken", "webcamconsultTokenParameter"]

    def get_security_requirement(self, auto_schema):
        # Either one, not both.
        return [{name: []} for name in self.name]

    def get_security_definition(self, auto_schema):
        return [
            {"type": "apiKey", "in": "header", "name": "Authorization",
             "description": "`Token token=<token>`: the organisation's token."},
            {"type": "apiKey", "in": "query", "name": PARAMETER},
        ]
