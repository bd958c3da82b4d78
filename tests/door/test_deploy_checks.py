"""`manage.py check --deploy` says in one line each what a production site is missing, against a real database.

And a partner request that meets the missing piece answers 503 with its cause in the server log, in one line.
"""

import pytest

from tests.door.harness import FORWARDED_HTTPS, Gunicorn, free_port, provision, request


def check_deploy(site, **env):
    result = site.manage("check", "--deploy", "--fail-level", "WARNING", check=False, env=env)
    return result.returncode, result.stdout + result.stderr


def line_with(output, *words):
    """The one output line that holds every word (a check's message is its whole finding: no HINT line)."""
    lines = [line for line in output.splitlines() if all(word in line for word in words)]
    assert len(lines) == 1, output
    return lines[0]


@pytest.fixture(scope="module")
def broken_site():
    """A site whose cache table was dropped after migrate and whose static files were never collected."""
    site = provision(organisations=("sunny-meadows",), redis=False)
    drop = "from django.db import connection; connection.cursor().execute('DROP TABLE healthdesk_cache')"
    site.manage("shell", "-c", drop)
    (site.var_dir / "static" / "staticfiles.json").unlink()
    yield site
    site.close()


def test_a_complete_site_passes(door_site):
    status, output = check_deploy(door_site)
    assert status == 0, output
    assert "healthdesk." not in output


def test_the_missing_cache_table_is_one_line(broken_site):
    status, output = check_deploy(broken_site)
    assert status != 0
    line = line_with(output, "healthdesk_cache")
    assert "manage.py migrate" in line


def test_static_files_not_collected_is_one_line(broken_site):
    status, output = check_deploy(broken_site)
    assert status != 0
    line = line_with(output, "staticfiles.json")
    assert "manage.py collectstatic" in line


def test_unreachable_redis_is_one_line_without_its_password(door_site):
    url = f"redis://:door-redis-password@127.0.0.1:{free_port()}/7"
    status, output = check_deploy(door_site, REDIS_URL=url)
    assert status != 0
    line = line_with(output, "REDIS_URL", "unreachable")
    assert f"127.0.0.1:{url.rsplit(':', 1)[1]}" in line
    assert "door-redis-password" not in output


def test_a_missing_secret_key_is_refused_in_one_line(door_site):
    status, output = check_deploy(door_site, SECRET_KEY="")
    assert status != 0
    [line] = output.strip().splitlines()
    assert line.startswith("SECRET_KEY must be set when DEBUG is off."), output


def test_a_partner_call_that_meets_the_missing_table_logs_why(broken_site):
    client = broken_site.clients["sunny-meadows"]
    with Gunicorn(broken_site, name="missing-cache-table", workers=1) as server:
        answer = request("GET", server.url + "/api/v1/get_tickets/0",
                         headers={**FORWARDED_HTTPS, "Authorization": f"Token {client.secret}"})
    assert answer.status == 503
    line = line_with(server.log(), "Service unavailable (503)")
    assert "/api/v1/get_tickets/0" in line
    assert "healthdesk_cache" in line
