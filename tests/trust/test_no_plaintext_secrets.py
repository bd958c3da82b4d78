"""No secret, token or password is stored in plain text anywhere: every table is scanned for them."""

import pytest
from django.apps import apps
from django.db import connection

from directory import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def every_stored_text():
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 — table names from the app registry
            for row in cursor.fetchall():
                yield model._meta.db_table, " ".join(str(value) for value in row)


def test_secrets_tokens_and_passwords_appear_in_no_table(tenant, client):
    vendor = services.api_client_create(organisation=tenant.organisation, name="Vendor", is_vendor=True)
    rotated = services.api_client_rotate(client=vendor.client)
    token = services.access_token_issue(client=tenant.client)
    UserFactory(organisation=tenant.organisation, username="nurse")  # password set through the factory
    client.post("/admin/login/", {"username": "nurse", "password": PASSWORD})  # a session and axes rows
    plaintexts = {tenant.secret, vendor.secret, rotated.secret, token, PASSWORD}

    scanned, leaks = 0, []
    for table, text in every_stored_text():
        scanned += 1
        leaks += [(table, secret[:6]) for secret in plaintexts if secret in text]
    assert scanned > 20
    assert leaks == []
