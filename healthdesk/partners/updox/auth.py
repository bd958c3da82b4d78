"""Updox authenticates in the JSON body: vendor `applicationId`/`applicationPassword` (an API client's key and
secret) and the practice `accountId` (the slug of an organisation granted to that client)."""

from rest_framework import exceptions as drf
from rest_framework.authentication import BaseAuthentication

from directory import services as directory_services
from healthdesk.exceptions import PermissionDenied
from healthdesk.partners.base import ApiPrincipal


class UpdoxAuthentication(BaseAuthentication):
    """Reads the body's `auth` block; bad credentials are 401, an account the client was not granted is 403."""

    www_authenticate = 'Body realm="updox", fields="auth.applicationId auth.applicationPassword"'

    def presented_key(self, request):
        auth = request.data.get("auth") if isinstance(request.data, dict) else None
        key = auth.get("applicationId") if isinstance(auth, dict) else None
        return key if isinstance(key, str) else ""

    def authenticate(self, request):
        body = request.data  # a malformed body raises ParseError here: a 400, before any credential check
        if not isinstance(body, dict):
            raise drf.ParseError("The request body must be a JSON object.")
        auth = body.get("auth")
        if auth is None:
            raise drf.NotAuthenticated("auth: applicationId and applicationPassword are required.")
        if not isinstance(auth, dict):
            raise drf.ValidationError({"auth": ["Must be an object."]})
        key, secret = auth.get("applicationId"), auth.get("applicationPassword")
        if not key or not secret:
            raise drf.NotAuthenticated("auth: applicationId and applicationPassword are required.")
        if not isinstance(key, str) or not isinstance(secret, str):
            raise drf.AuthenticationFailed("auth: invalid applicationId or applicationPassword.")
        client = directory_services.api_client_authenticate_pair(key=key, secret=secret)
        if client is None:
            raise drf.AuthenticationFailed("auth: invalid applicationId or applicationPassword.")
        slug = auth.get("accountId")
        if not slug or not isinstance(slug, str):
            raise drf.ValidationError({"auth": {"accountId": ["This field is required."]}})
        organisation = directory_services.api_client_organisation_for(client=client, slug=slug)
        if organisation is None:
            # Unknown and not granted read the same: an account's existence is not revealed.
            raise PermissionDenied(
                f"auth.accountId: this application is not granted account {slug!r}.", field="auth.accountId"
            )
        principal = ApiPrincipal(client=client, organisation=organisation)
        return principal, principal

    def authenticate_header(self, request):
        return self.www_authenticate
