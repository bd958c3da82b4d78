"""Staff login: lockout after repeated failures, and a TOTP code for staff who enrolled an authenticator."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def log_in(client, username, password, **extra):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password, **extra})


def test_a_username_is_locked_after_five_failures_even_with_the_right_password(client, tenant):
    for _ in range(4):
        assert log_in(client, tenant.staff.username, "wrong password").status_code == 200
    assert log_in(client, tenant.staff.username, "wrong password").status_code == 429  # the fifth locks
    response = log_in(client, tenant.staff.username, PASSWORD)
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_fewer_failures_still_let_the_right_password_in(client, tenant):
    for _ in range(4):
        log_in(client, tenant.staff.username, "wrong password")
    assert log_in(client, tenant.staff.username, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_without_an_authenticator_log_in_with_a_password(client, tenant):
    assert log_in(client, tenant.staff.username, PASSWORD)["Location"] == "/admin/"


def test_staff_with_an_authenticator_need_its_current_code(client, tenant):
    device = TOTPDevice.objects.create(user=tenant.staff, name="phone", confirmed=True)
    assert log_in(client, tenant.staff.username, PASSWORD).status_code == 200  # asked for the code
    assert client.get("/admin/").status_code == 302
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert log_in(client, tenant.staff.username, PASSWORD, otp_token=code).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_is_refused(client, tenant):
    TOTPDevice.objects.create(user=tenant.staff, name="phone", confirmed=True)
    response = log_in(client, tenant.staff.username, PASSWORD, otp_token="000000")
    assert response.status_code == 200 and response.context["form"].errors
    assert client.get("/admin/").status_code == 302


def test_a_session_without_the_second_factor_is_refused_once_a_device_exists(client, tenant):
    client.force_login(tenant.staff)
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.create(user=tenant.staff, name="phone", confirmed=True)
    assert client.get("/admin/").status_code == 302


def test_superusers_are_held_to_the_same_rules(client):
    UserFactory(username="root", is_superuser=True, organisation=None)
    for _ in range(5):
        log_in(client, "root", "nope")
    assert log_in(client, "root", PASSWORD).status_code == 429


def test_the_lockout_page_says_for_how_long(client, tenant, settings):
    for _ in range(5):
        response = log_in(client, tenant.staff.username, "wrong password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Try again in 15 minutes." in page
    assert "5 in a row" in page


def test_the_back_office_offers_no_view_site_link_to_a_404(client, tenant):
    client.force_login(tenant.staff)
    assert "View site" not in client.get("/admin/").content.decode()


def test_the_back_office_has_a_favicon(client, tenant):
    page = client.get("/admin/login/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    assert client.get("/favicon.ico")["Location"].endswith("healthdesk/favicon.svg")
