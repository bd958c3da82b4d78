"""Runs inside the tools' virtualenv, never the project's: imports every module of a client that
openapi-python-client generated from healthdesk's /openapi.json and calls two operations of each partner through
it. Prints one JSON report on stdout. Usage: driver.py <package dir> <base url> <credentials json>."""

import base64
import importlib
import json
import pkgutil
import sys
import traceback
from pathlib import Path

package_dir, base_url, credentials = Path(sys.argv[1]), sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, str(package_dir.parent))
package = importlib.import_module(package_dir.name)
report = {"modules": 0, "import_failures": [], "calls": []}
for module in pkgutil.walk_packages(package.__path__, f"{package_dir.name}."):
    report["modules"] += 1
    try:
        importlib.import_module(module.name)
    except Exception as exc:  # noqa: BLE001 - any failure is reported
        report["import_failures"].append(f"{module.name}: {exc!r}")


def api(partner, name):
    return importlib.import_module(f"{package_dir.name}.api.{partner}.{name}")


def models():
    return importlib.import_module(f"{package_dir.name}.models")


client_module = importlib.import_module(f"{package_dir.name}.client")
forwarded = {"X-Forwarded-Proto": "https"}  # what the TLS proxy adds in front of gunicorn


def authenticated(prefix, token, **headers):
    return client_module.AuthenticatedClient(base_url=base_url, token=token, prefix=prefix,
                                             headers={**forwarded, **headers})


key, secret, slug = credentials["key"], credentials["secret"], credentials["organisation"]
basic = base64.b64encode(f"{secret}:".encode()).decode()
clients = {
    "cliniko": authenticated("Basic", basic, **{"User-Agent": "generated client (ops@example.org)"}),
    "webcamconsult": authenticated("Token", f"token={secret}"),
    "support": authenticated("Token", secret),
    "fhir": authenticated("Bearer", secret),
    "connect4": authenticated("", "", api_key=key, api_secret=secret),
    "updox": client_module.Client(base_url=base_url, headers=forwarded),
}


def call(partner, operation, expect, **kwargs):
    entry = {"partner": partner, "operation": operation}
    try:
        response = api(partner, operation).sync_detailed(client=clients[partner], **kwargs)
        entry.update(status=response.status_code, parsed=type(response.parsed).__name__)
        entry["ok"] = 200 <= response.status_code < 300 and entry["parsed"] in expect
        report["calls"].append(entry)
        return response.parsed
    except Exception:  # noqa: BLE001
        entry.update(ok=False, error=traceback.format_exc(limit=3))
        report["calls"].append(entry)
        return None


m = models()
patient = call("cliniko", "cliniko_patients_create", {"PatientOutput"},
               body=m.PatientInput.from_dict({"first_name": "Maria", "last_name": "Dijk"}))
call("cliniko", "cliniko_patients_list", {"ClinikoPatientList"}, q=["last_name:=Dijk"])
call("cliniko", "cliniko_attendees_list", {"ClinikoAttendeeList"})
call("webcamconsult", "webcamconsult_users_list", {"list"})
call("webcamconsult", "webcamconsult_clients_list", {"list"})
if patient is not None:
    call("support", "api_v1_raise_ticket_create", {"RaiseTicketOutput"}, body=m.RaiseTicketInput.from_dict(
        {"type": "question", "subject": "Hearing aid lost", "userId": int(patient.id), "comments": "Since Monday."}))
call("support", "get_tickets_by_user_id_list", {"GetTicketsOutput"}, user_id=0)
authorized = call("connect4", "connect4_authorize", {"Connect4AuthorizeEnvelope"})
if authorized is not None:
    token = authorized.access_token
    call("connect4", "connect4_all_residents", {"Connect4ResidentsEnvelope"}, access_token=token)
    call("connect4", "connect4_provider_categories", {"Connect4CategoriesEnvelope"}, access_token=token)
batch = {"auth": {"applicationId": key, "applicationPassword": secret, "accountId": slug}, "appointments": [
    {"id": "gen-1", "patientId": "p1", "date": "2026-12-30T09:00:00", "duration": 30}]}
for operation in ("updox_appointments_sync", "updox_appointments_sync_api_io"):
    call("updox", operation, {"AppointmentsSyncOutput"}, body=m.AppointmentsSyncRequest.from_dict(batch))
call("fhir", "fhir_metadata", {"CapabilityStatement"})
call("fhir", "fhir_patient_search", {"Bundle"}, family="Dijk")
print(json.dumps(report))
