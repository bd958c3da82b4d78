"""The deployment kit in deploy/: systemd units that systemd accepts, an environment file the settings accept."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_every_unit(tmp_path):
    # verify checks that each ExecStart program exists, so the units point at this checkout for the check.
    for unit in UNITS:
        text = unit.read_text().replace("/srv/healthdesk/.venv/bin/python", sys.executable)
        (tmp_path / unit.name).write_text(text.replace("/srv/healthdesk", str(BASE_DIR)))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


def test_a_web_server_a_worker_and_a_timer_for_each_periodic_command():
    names = {unit.name for unit in UNITS}
    assert {"healthdesk.service", "healthdesk-worker.service", "healthdesk-command@.service"} <= names
    timers = {unit.name: unit.read_text() for unit in UNITS if unit.suffix == ".timer"}
    commands = {re.search(r"^Unit=healthdesk-command@(\w+)\.service$", text, re.M).group(1) for text in timers.values()}
    assert commands == {"send_reminders", "escalate_overdue", "retry_deliveries"}
    for command in commands:
        found = list(BASE_DIR.glob(f"*/management/commands/{command}.py"))
        assert found, f"timer runs {command}, which is not a command"


def test_the_web_server_uses_the_projects_gunicorn_configuration():
    service = (DEPLOY / "systemd" / "healthdesk.service").read_text()
    assert "-c python:healthdesk.gunicorn healthdesk.wsgi" in service
    assert "ExecStartPre=/srv/healthdesk/.venv/bin/python manage.py check --deploy" in service
    assert not (DEPLOY / "gunicorn.conf.py").exists(), "one gunicorn configuration: healthdesk/gunicorn.py"


def test_the_environment_file_example_loads_production_settings():
    values = {}
    for line in (DEPLOY / "healthdesk.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip().strip('"')
    # The example's placeholders are replaced by the deployer; the file's own settings must load as they stand.
    env = {**values, "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "healthdesk.settings",
           "DATABASE_URL": "sqlite:///:memory:", "HEALTHDESK_VAR_DIR": "/tmp/healthdesk-env-example"}
    script = "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=BASE_DIR, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "HEALTHDESK_SECRET_PEPPER",
            "HEALTHDESK_VAR_DIR", "GUNICORN_BIND", "GUNICORN_WORKERS"} <= set(values)


def test_deploy_manage_runs_commands_with_the_environment_file(tmp_path):
    env_file = tmp_path / "healthdesk.env"
    env_file.write_text(
        "DEBUG=0\nSECRET_KEY=" + "s" * 50 + "\nALLOWED_HOSTS=healthdesk.example.org\n"
        f"DATABASE_URL=sqlite:///{tmp_path / 'site.sqlite3'}\nHEALTHDESK_VAR_DIR={tmp_path}\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HEALTHDESK_ENV_FILE": str(env_file), "HEALTHDESK_PYTHON": sys.executable}
    result = subprocess.run([str(DEPLOY / "manage"), "diffsettings"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "ALLOWED_HOSTS = ['healthdesk.example.org']" in result.stdout
    assert "SECURE_SSL_REDIRECT = True" in result.stdout  # production settings, not DEBUG's


def test_deploy_manage_without_the_environment_file_stops(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HEALTHDESK_ENV_FILE": str(tmp_path / "missing.env"),
           "HEALTHDESK_PYTHON": sys.executable}
    result = subprocess.run([str(DEPLOY / "manage"), "check"], capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "missing.env" in result.stderr
