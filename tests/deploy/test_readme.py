"""The README's configuration tables name every setting the code reads from the environment."""

import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
READ_FROM_ENV = re.compile(r"""(?:os\.environ(?:\.get)?[\[(]|env_(?:bool|int|list)\()\s*["']([A-Z][A-Z0-9_]+)["']""")
# Read by the test settings and the test harness only, never by a deployed site.
NOT_FOR_DEPLOYERS = {"HEALTHDESK_TESTING", "DJANGO_SETTINGS_MODULE"}


def names_read(path):
    return set(READ_FROM_ENV.findall(path.read_text())) - NOT_FOR_DEPLOYERS

def table_names():
    names = set()
    for line in (BASE_DIR / "README.md").read_text().splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_every_setting_read_from_the_environment_is_in_a_configuration_table():
    read = names_read(BASE_DIR / "healthdesk" / "settings.py") | names_read(BASE_DIR / "healthdesk" / "gunicorn.py")
    assert {"SECRET_KEY", "REDIS_URL", "GUNICORN_BIND"} <= read  # the pattern finds them at all
    assert sorted(read - table_names()) == []


def test_the_readme_links_the_deployment_guide():
    readme = (BASE_DIR / "README.md").read_text()
    assert "## Deploying" in readme
    assert "(deploy/README.md)" in readme
