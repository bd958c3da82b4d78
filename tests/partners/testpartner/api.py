"""A minimal partner API that exercises the shared plumbing the way a real partner package does."""

from django.db import IntegrityError, OperationalError, ProgrammingError
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response

from directory import selectors as directory_selectors
from directory import services as directory_services
from healthdesk.partners.base import ApiClientAuthentication, Partner, PartnerAPIView, register


class ProbePartner(Partner):
    name = "probe"
    path_pattern = r"^/probe/"

    def problem_body(self, problem, request=None):
        return {"ok": False, "error": {"kind": problem.kind, "field": problem.field, "message": problem.message}}


PROBE = register(ProbePartner())


class ProbeAuthentication(ApiClientAuthentication):
    www_authenticate = 'Token realm="probe"'

    def get_secret(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        return header[len("Token "):] if header.startswith("Token ") else None


class ProbeView(PartnerAPIView):
    partner = PROBE
    authentication_classes = (ProbeAuthentication,)


class ResidentInput(serializers.Serializer):
    first_name = serializers.CharField(max_length=50)
    date_of_birth = serializers.DateField(required=False)


class ResidentDetail(ProbeView):
    def get(self, request, pk):
        resident = directory_selectors.resident_get(organisation=self.organisation, pk=pk, field="id")
        return Response({"ok": True, "id": resident.pk, "first_name": resident.first_name})


class ResidentCreate(ProbeView):
    def post(self, request):
        data = ResidentInput(data=request.data)
        data.is_valid(raise_exception=True)
        resident = directory_services.resident_create(
            organisation=self.organisation, actor=self.actor, **data.validated_data
        )
        return Response({"ok": True, "id": resident.pk}, status=201)


class Failure(ProbeView):
    def get(self, request, kind):
        if kind == "integrity":
            raise IntegrityError("duplicate key value violates unique constraint")
        if kind == "connection":
            raise OperationalError("server closed the connection unexpectedly")
        if kind == "unmigrated":
            raise ProgrammingError('relation "healthdesk_cache" does not exist') from UndefinedTable()
        if kind == "bad_sql":
            raise ProgrammingError('syntax error at or near "SELEKT"') from SyntaxErrorInSQL()
        raise RuntimeError("a bug")


class Unguarded(PartnerAPIView):
    """Forgets its authentication: the fail-closed defaults must refuse it."""

    partner = PROBE

    def get(self, request):
        return Response({"ok": True, "secret": "should never be seen"})


urlpatterns = [
    path("probe/residents", ResidentCreate.as_view()),
    path("probe/residents/<str:pk>", ResidentDetail.as_view()),
    path("probe/fail/<str:kind>", Failure.as_view()),
    path("probe/unguarded", Unguarded.as_view()),
]


class UndefinedTable(Exception):
    """Stands for the driver's error under Django's ProgrammingError: PostgreSQL's undefined_table."""

    sqlstate = "42P01"


class SyntaxErrorInSQL(Exception):
    sqlstate = "42601"
