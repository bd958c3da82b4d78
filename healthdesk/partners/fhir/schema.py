"""The FHIR interactions in the OpenAPI document: shapes of the Bundle, the resources' common members and the
OperationOutcome. The resources themselves are FHIR R4's (hl7.org/fhir/R4), validated by the tests."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import serializers

TAG = "fhir"


class Meta(serializers.Serializer):
    versionId = serializers.CharField()  # noqa: N815 - FHIR's names
    lastUpdated = serializers.CharField()  # noqa: N815


class Resource(serializers.Serializer):
    """Any FHIR resource: its type, id and version; its other members are FHIR R4's for that type."""

    resourceType = serializers.CharField()  # noqa: N815
    id = serializers.CharField()
    meta = Meta()


class BundleLink(serializers.Serializer):
    relation = serializers.ChoiceField(choices=["self", "next"])
    url = serializers.URLField()


class BundleSearch(serializers.Serializer):
    mode = serializers.ChoiceField(choices=["match", "include"])


class BundleEntry(serializers.Serializer):
    fullUrl = serializers.URLField()  # noqa: N815
    resource = Resource()
    search = BundleSearch()


class Bundle(serializers.Serializer):
    resourceType = serializers.ChoiceField(choices=["Bundle"])  # noqa: N815
    type = serializers.ChoiceField(choices=["searchset"])
    timestamp = serializers.CharField()
    link = BundleLink(many=True)
    entry = BundleEntry(many=True)


class Issue(serializers.Serializer):
    severity = serializers.ChoiceField(choices=["fatal", "error", "warning", "information"])
    code = serializers.CharField()
    diagnostics = serializers.CharField()
    expression = serializers.ListField(child=serializers.CharField(), required=False)


@extend_schema_serializer(component_name="OperationOutcome")
class OperationOutcome(serializers.Serializer):
    resourceType = serializers.ChoiceField(choices=["OperationOutcome"])  # noqa: N815
    issue = Issue(many=True)


class CapabilityStatement(serializers.Serializer):
    resourceType = serializers.ChoiceField(choices=["CapabilityStatement"])  # noqa: N815
    status = serializers.CharField()
    fhirVersion = serializers.CharField()  # noqa: N815
    kind = serializers.CharField()
    format = serializers.ListField(child=serializers.CharField())
    rest = serializers.ListField(child=serializers.DictField())


METADATA = extend_schema(
    tags=[TAG],
    summary="CapabilityStatement",
    operation_id="fhir_metadata",
    auth=[],
    responses={200: CapabilityStatement},
)

PAGING = [
    OpenApiParameter("_count", OpenApiTypes.INT, description="Entries per page (default 20, at most 200)."),
    OpenApiParameter("_cursor", OpenApiTypes.STR, description="Opaque: follow the Bundle's `next` link."),
]
PARAMETER_DOCS = {
    "_id": "Resource id(s), comma-separated.",
    "_lastUpdated": "Last change, with a prefix: `ge2026-01-01`, `lt2026-02-01T00:00:00Z`; repeat for a range.",
    "identifier": "`system|value`, or a value in any identifier system.",
    "name": "Start of any part of the name.",
    "family": "Start of the family name (with its prefix: `van Dijk`).",
    "given": "Start of a given name.",
    "birthdate": "Date of birth, with an optional prefix (`ge1930-01-01`).",
    "gender": "male, female, other or unknown.",
    "active": "true for current patients, false for archived ones.",
    "patient": "`Patient/<id>` among the attendees.",
    "practitioner": "`Practitioner/<id>`.",
    "actor": "`Patient/<id>` or `Practitioner/<id>`.",
    "date": "Start, with a prefix: `ge2026-12-01`.",
    "status": "booked, arrived, fulfilled or cancelled.",
}


def search(resource_type, search_class):
    parameters = [
        OpenApiParameter(name, OpenApiTypes.STR, description=PARAMETER_DOCS[name])
        for name in sorted(search_class.parameters)
    ]
    if getattr(search_class, "includes", None):
        parameters.append(
            OpenApiParameter(
                "_include",
                OpenApiTypes.STR,
                enum=sorted(search_class.includes),
                description="Also return the referenced resources (search mode `include`).",
            )
        )
    return extend_schema(
        tags=[TAG],
        summary=f"Search {resource_type}",
        operation_id=f"fhir_{resource_type}_search",
        parameters=[*parameters, *PAGING],
        responses={200: Bundle, 400: OperationOutcome},
    )


def read(resource_type):
    extra = {410: OperationOutcome} if resource_type == "Appointment" else {}
    return extend_schema(
        tags=[TAG],
        summary=f"Read a {resource_type}",
        operation_id=f"fhir_{resource_type}_read",
        responses={200: Resource, 404: OperationOutcome, **extra},
    )


ORGANIZATION_SEARCH = extend_schema(
    tags=[TAG],
    summary="Search Organization (the organisation and its divisions)",
    operation_id="fhir_Organization_search",
    parameters=[
        OpenApiParameter("_id", OpenApiTypes.STR, description=PARAMETER_DOCS["_id"]),
        OpenApiParameter("name", OpenApiTypes.STR, description="Start of the name."),
    ],
    responses={200: Bundle},
)
