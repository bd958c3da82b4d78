"""The CapabilityStatement: exactly the resources, interactions and search parameters this server supports."""

from django.utils import timezone

from healthdesk.partners.fhir import search
from healthdesk.partners.fhir.fields import instant

SEARCH_TYPES = {
    "_id": "token",
    "_lastUpdated": "date",
    "identifier": "token",
    "name": "string",
    "family": "string",
    "given": "string",
    "birthdate": "date",
    "gender": "token",
    "active": "token",
    "patient": "reference",
    "practitioner": "reference",
    "actor": "reference",
    "date": "date",
    "status": "token",
}
RESOURCES = [
    ("Patient", search.PatientSearch.parameters, []),
    ("Practitioner", search.PractitionerSearch.parameters, []),
    ("Organization", {"_id", "name"}, []),
    ("Appointment", search.AppointmentSearch.parameters, sorted(search.AppointmentSearch.includes)),
]


def statement(base_url):
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": instant(timezone.now()),
        "kind": "instance",
        "software": {"name": "healthdesk"},
        "implementation": {"description": "healthdesk FHIR R4 read API", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": False,
                    "description": "Authorization: Bearer <API client secret>; each client reads its own "
                    "organisation only.",
                },
                "resource": [
                    {
                        "type": name,
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "versioning": "versioned",
                        "readHistory": False,
                        "searchInclude": includes,
                        "searchParam": [
                            {"name": parameter, "type": SEARCH_TYPES[parameter]} for parameter in sorted(parameters)
                        ]
                        + [{"name": "_count", "type": "number"}],
                    }
                    for name, parameters, includes in RESOURCES
                ],
            }
        ],
    }
