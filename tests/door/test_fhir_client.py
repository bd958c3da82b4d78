"""FHIR through a FHIR client written by others (SMART on FHIR's `fhirclient`) against gunicorn with production
settings: read every resource type, search with paging to the end, follow `_include`; every body parses as its
FHIR R4 resource with `fhir.resources`."""

import json

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhirclient import client as smart_client
from fhirclient.models.appointment import Appointment
from fhirclient.models.organization import Organization
from fhirclient.models.patient import Patient
from fhirclient.models.practitioner import Practitioner

from tests.door.harness import Gunicorn, provision, request

SEED = """
from datetime import timedelta
from django.utils import timezone
from directory.actors import Actor
from directory import services as directory
from directory.models import Division, Organisation, Resident
from scheduling import services as scheduling
org = Organisation.objects.get(slug="sunny-meadows")
actor = Actor.system(channel="door")
Division.objects.create(organisation=org, name="Riverside wing")
doctor = directory.user_create(organisation=org, actor=actor, username="door-doctor", first_name="Joost",
                               last_name="Akkermans", email="joost@example.org", roles=["consultant"])
residents = [directory.resident_create(organisation=org, actor=actor, first_name=f"P{i}", surname_prefix="van",
                                       last_name="Dijk" if i == 0 else f"Name{i}") for i in range(23)]
start = timezone.now() + timedelta(days=1)
for i, resident in enumerate(residents[:5]):
    scheduling.appointment_create(organisation=org, actor=actor, starts_at=start + timedelta(hours=i),
                                  practitioner=doctor, duration_minutes=30, resident=resident, summary="Consult")
"""


@pytest.fixture(scope="module")
def fhir_site():
    """A site of its own: the seed below must not change what other door tests find."""
    site = provision()
    site.manage("shell", "-c", SEED)
    yield site
    site.close()


@pytest.fixture(scope="module")
def fhir_server(fhir_site):
    # Direct to gunicorn without a TLS proxy: links must stay on plain HTTP for the client to follow them.
    with Gunicorn(fhir_site, name="fhir", env={"SECURE_SSL_REDIRECT": "0"}) as server:
        yield server


@pytest.fixture(scope="module")
def smart(fhir_site, fhir_server):
    fhir = smart_client.FHIRClient(settings={"app_id": "healthdesk-door", "api_base": fhir_server.url + "/fhir/"})
    fhir.server.session.headers["Authorization"] = f"Bearer {fhir_site.clients['sunny-meadows'].secret}"
    return fhir


def parsed(resource):
    body = resource.as_json()
    get_fhir_model_class(body["resourceType"]).model_validate(body)
    return body


def test_capability_statement(smart):
    smart.server.get_capability()
    assert smart.server.capabilityStatement.fhirVersion == "4.0.1"
    parsed(smart.server.capabilityStatement)


def test_search_with_paging_to_the_end_and_read_each_type(smart):
    patients = list(Patient.where(struct={"_count": "10"}).perform_resources_iter(smart.server))
    assert len(patients) == 23 and len({p.id for p in patients}) == 23
    for patient in patients:
        parsed(patient)
    dijk = Patient.where(struct={"family": "van Dijk"}).perform_resources_iter(smart.server)
    dijk = list(dijk)
    assert [p.name[0].family for p in dijk] == ["van Dijk"]
    assert parsed(Patient.read(dijk[0].id, smart.server))["id"] == dijk[0].id

    practitioner = next(Practitioner.where(struct={"family": "Akkermans"}).perform_resources_iter(smart.server))
    parsed(Practitioner.read(practitioner.id, smart.server))
    organizations = list(Organization.where(struct={}).perform_resources_iter(smart.server))
    assert {o.name for o in organizations} == {"Sunny Meadows", "Riverside wing"}
    for organization in organizations:
        parsed(Organization.read(organization.id, smart.server))


def test_appointments_include_their_patients(smart):
    doctor = next(Practitioner.where(struct={"family": "Akkermans"}).perform_resources_iter(smart.server))
    # fhirclient's include() knows only reference elements; Appointment's patients are participants' actors, which
    # FHIR searches as `patient`, so the parameter is spelled out as FHIR defines it.
    search = Appointment.where(struct={"actor": f"Practitioner/{doctor.id}", "_include": "Appointment:patient"})
    bundles = list(search.perform_iter(smart.server))
    entries = [entry for bundle in bundles for entry in bundle.entry or []]
    matches = [e.resource for e in entries if e.search.mode == "match"]
    included = {e.resource.id for e in entries if e.search.mode == "include"}
    assert len(matches) == 5
    for appointment in matches:
        parsed(appointment)
        patients = {
            p.actor.reference.split("/")[1] for p in appointment.participant if p.actor.reference.startswith("Patient/")
        }
        assert patients <= included
        assert parsed(Appointment.read(appointment.id, smart.server))["status"] == "booked"


def test_another_organisations_client_finds_nothing(fhir_site, fhir_server, smart):
    patient = next(Patient.where(struct={"family": "van Dijk"}).perform_resources_iter(smart.server))
    other = fhir_site.clients["oak-lodge"].secret
    answer = request(
        "GET", f"{fhir_server.url}/fhir/Patient/{patient.id}", headers={"Authorization": f"Bearer {other}"}
    )
    assert answer.status == 404
    assert json.loads(answer.body)["resourceType"] == "OperationOutcome"
    assert answer.headers["content-type"].startswith("application/fhir+json")
