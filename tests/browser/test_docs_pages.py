"""The API docs render in a real browser and nothing leaves this host: every request that is sent is answered
here, and what a bundled UI would fetch elsewhere (Redoc's attribution logo) is blocked by our CSP."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed; .ci/run installs it"),
    pytest.mark.django_db(transaction=True),
]
LOCAL = {"localhost", "127.0.0.1"}


def render(page, path, ready_selector):
    """Load a page; return (hosts that answered, hosts whose requests the browser blocked by CSP)."""
    answered, blocked = set(), set()
    page.on("response", lambda response: answered.add(urlsplit(response.url).hostname))
    page.on("requestfailed", lambda request: blocked.add(urlsplit(request.url).hostname)
            if "BLOCKED_BY_CSP" in (request.failure or "") else None)
    response = page.goto(path)
    page.wait_for_selector(ready_selector, timeout=30_000)
    page.wait_for_timeout(500)  # late requests (images, workers) after the first render
    assert "default-src 'self'" in response.headers.get("content-security-policy", "")
    return answered - {None}, blocked


def test_swagger_ui_renders_every_partner_from_this_host_only(page):
    answered, blocked = render(page, "/docs/", ".opblock-tag")
    tags = {t.strip().lower() for t in page.locator(".opblock-tag").all_inner_texts()}
    assert any("support" in t for t in tags) and any("webcamconsult" in t for t in tags)
    assert answered <= LOCAL, answered
    assert blocked == set()


def test_redoc_renders_and_its_external_logo_is_blocked(page):
    answered, blocked = render(page, "/redoc/", "h1")
    assert "healthdesk partner APIs" in page.inner_text("h1")
    assert answered <= LOCAL, answered
    assert blocked <= {"cdn.redoc.ly"}
