"""Issue #16 finding 6: the API secret shown once after creating or rotating a client never travels in a cookie."""

import base64
import contextlib
import zlib

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from directory.models import ApiClient

pytestmark = pytest.mark.django_db


def _readable_forms(value):
    """The cookie value as sent, and as Django's cookie message storage would encode it (base64, maybe zlib)."""
    forms = [value]
    for part in value.split(":"):
        raw = part.lstrip(".")
        try:
            decoded = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
        except ValueError:
            continue
        forms.append(decoded.decode("latin-1"))
        with contextlib.suppress(zlib.error):
            forms.append(zlib.decompress(decoded).decode("latin-1"))
    return forms


def _set_cookies(response):
    return {name: morsel.value for name, morsel in response.cookies.items()}


@pytest.fixture
def admin_client(client, tenant):
    tenant.staff.user_permissions.set(Permission.objects.filter(content_type__app_label="directory"))
    client.force_login(tenant.staff)
    return client


def test_creating_a_client_sets_no_cookie_carrying_its_secret(admin_client, tenant):
    response = admin_client.post(reverse("admin:directory_apiclient_add"),
                                 {"name": "Pharmacy app", "organisation": tenant.organisation.pk})
    assert response.status_code == 302
    cookies = _set_cookies(response)
    shown = admin_client.get(response["Location"])
    secret = next(str(m) for m in shown.context["messages"] if "secret" in str(m)).split("secret ")[1].split(" ")[0]
    cookies.update(_set_cookies(shown))
    assert "messages" not in cookies
    for name, value in cookies.items():
        assert not any(secret in form for form in _readable_forms(value)), name


def test_rotating_a_secret_sets_no_cookie_carrying_it(admin_client, tenant):
    response = admin_client.post(reverse("admin:directory_apiclient_changelist"),
                                 {"action": "rotate", "_selected_action": [tenant.client.pk]})
    assert response.status_code == 302
    assert "messages" not in _set_cookies(response)
    shown = admin_client.get(response["Location"])
    text = next(str(m) for m in shown.context["messages"] if "new secret" in str(m))
    secret = text.split("new secret ")[1].split(" ")[0]
    assert ApiClient.objects.filter(pk=tenant.client.pk).exists()
    for name, value in {**_set_cookies(response), **_set_cookies(shown)}.items():
        assert not any(secret in form for form in _readable_forms(value)), name
