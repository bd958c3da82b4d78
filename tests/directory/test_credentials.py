"""API client credentials: shown once, stored only as digests, revocable, last-used written sparingly."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from directory import services
from directory.models import AccessToken, ApiClient
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def raw_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 — fixed table names
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]


def test_no_secret_or_token_is_stored_in_plain_text(tenant):
    token = services.access_token_issue(client=tenant.client)
    client_rows = raw_rows(ApiClient._meta.db_table)
    token_rows = raw_rows(AccessToken._meta.db_table)
    assert client_rows and token_rows
    assert not any(tenant.secret in row for row in client_rows + token_rows)
    assert not any(token in row for row in client_rows + token_rows)
    assert not any(tenant.secret[8:20] in row for row in client_rows)  # not even a long fragment


def test_authenticate_by_secret_and_by_key_pair(tenant, other_tenant):
    assert services.api_client_authenticate(secret=tenant.secret) == tenant.client
    assert services.api_client_authenticate(secret=tenant.secret[:-1] + "x") is None
    assert services.api_client_authenticate(secret="") is None
    assert services.api_client_authenticate_pair(key=tenant.key, secret=tenant.secret) == tenant.client
    assert services.api_client_authenticate_pair(key=tenant.key, secret=other_tenant.secret) is None
    assert services.api_client_authenticate_pair(key=other_tenant.key, secret=tenant.secret) is None


def test_revoked_and_rotated_secrets_stop_working(tenant):
    token = services.access_token_issue(client=tenant.client)
    rotated = services.api_client_rotate(client=tenant.client)
    assert services.api_client_authenticate(secret=tenant.secret) is None
    assert services.api_client_authenticate(secret=rotated.secret) == tenant.client
    assert services.access_token_authenticate(token=token, key=tenant.key, secret=rotated.secret) is None
    services.api_client_revoke(client=tenant.client)
    assert services.api_client_authenticate(secret=rotated.secret) is None


def test_access_tokens_expire_and_belong_to_one_client(tenant, other_tenant, settings):
    token = services.access_token_issue(client=tenant.client)
    assert services.access_token_authenticate(token=token, key=tenant.key, secret=tenant.secret) == tenant.client
    assert services.access_token_authenticate(token=token, key=other_tenant.key, secret=other_tenant.secret) is None
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.access_token_authenticate(token=token, key=tenant.key, secret=tenant.secret) is None


def test_last_used_is_written_at_most_once_a_minute(tenant, django_assert_num_queries):
    services.api_client_authenticate(secret=tenant.secret)
    first = ApiClient.objects.get(pk=tenant.client.pk).last_used_at
    assert first is not None
    with django_assert_num_queries(1):  # the lookup only: no write within the minute
        services.api_client_authenticate(secret=tenant.secret)
    ApiClient.objects.filter(pk=tenant.client.pk).update(last_used_at=first - timedelta(minutes=2))
    services.api_client_authenticate(secret=tenant.secret)
    assert ApiClient.objects.get(pk=tenant.client.pk).last_used_at > first


def test_a_vendor_acts_only_for_granted_organisations(tenant, other_tenant):
    vendor = services.api_client_create(organisation=tenant.organisation, name="Vendor", is_vendor=True).client
    third = OrganisationFactory(slug="third-home")
    assert services.api_client_organisation_for(client=vendor, slug=tenant.organisation.slug) == tenant.organisation
    assert services.api_client_organisation_for(client=vendor, slug=third.slug) is None
    services.api_client_grant(client=vendor, organisation=third)
    assert services.api_client_organisation_for(client=vendor, slug=third.slug) == third
    assert services.api_client_organisation_for(client=tenant.client, slug=other_tenant.organisation.slug) is None
