#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthdesk.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 — load settings now: Django would hide why they refuse to load
    except ImproperlyConfigured as exc:
        sys.exit(f"{exc} For development, run with DEBUG=1 (the make targets set it).")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
