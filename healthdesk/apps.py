from django.apps import AppConfig


class HealthdeskConfig(AppConfig):
    """The project package as an app: cross-domain commands (demo data) and templates."""

    name = "healthdesk"
