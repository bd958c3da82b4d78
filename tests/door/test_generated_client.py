"""The OpenAPI document as client generators read it: valid by a standard validator, and a Python client
generated from it by openapi-python-client imports whole and works for every partner against gunicorn with
production settings. The tools are third-party code, installed at test time in a virtualenv of their own."""

import hashlib
import json
import subprocess
import sys

import pytest

from tests.door.harness import BASE_DIR

TOOLS = BASE_DIR / "var" / "openapi-tools"
REQUIREMENTS = BASE_DIR / "tests" / "door" / "openapi-tools.txt"
DRIVER = BASE_DIR / "tests" / "door" / "generated_client_driver.py"
PARTNERS = {"cliniko", "connect4", "webcamconsult", "updox", "support", "fhir"}


@pytest.fixture(scope="module")
def tools():
    stamp = TOOLS / f".installed-{hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:12]}"
    if not stamp.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(TOOLS)], check=True)
        subprocess.run([TOOLS / "bin" / "pip", "install", "--quiet", "-r", REQUIREMENTS], check=True)
        stamp.touch()
    return TOOLS / "bin"


@pytest.fixture(scope="module")
def document(door_site, tmp_path_factory):
    path = tmp_path_factory.mktemp("openapi") / "healthdesk.json"
    door_site.manage("spectacular", "--format", "openapi-json", "--file", str(path))
    return path


def test_the_document_is_valid_openapi(tools, document):
    result = subprocess.run([tools / "openapi-spec-validator", str(document)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_generated_client_imports_whole_and_works_for_every_partner(tools, document, door_site, door_server,
                                                                       tmp_path):
    output = tmp_path / "healthdesk_client"
    generated = subprocess.run(
        [tools / "openapi-python-client", "generate", "--path", str(document), "--output-path", str(output),
         "--meta", "none"],
        capture_output=True, text=True,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "will not be generated" not in generated.stdout + generated.stderr, generated.stdout
    credentials = door_site.clients["sunny-meadows"]
    run = subprocess.run(
        [tools / "python", DRIVER, str(output), door_server.url,
         json.dumps({"key": credentials.key, "secret": credentials.secret, "organisation": "sunny-meadows"})],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    print(f"generated client: {report['modules']} modules, {len(report['import_failures'])} failed to import; "
          f"{sum(c['ok'] for c in report['calls'])}/{len(report['calls'])} calls passed")
    assert report["modules"] > 200 and report["import_failures"] == []
    failed = [c for c in report["calls"] if not c["ok"]]
    assert failed == []
    worked = {}
    for call in report["calls"]:
        worked[call["partner"]] = worked.get(call["partner"], 0) + 1
    assert set(worked) == PARTNERS and min(worked.values()) >= 2, worked
