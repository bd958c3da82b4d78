"""Masking of credentials in log lines and audit payloads (#16.2)."""

import logging

from healthdesk.redact import RedactFilter, mask_target, scrub


def test_request_line_masks_connect4_path_token_and_credential_queries():
    line = "GET /api/abc123tok/all_residents?authentication_token=s3cr&api_secret=x&page=2 HTTP/1.1"
    masked = mask_target(line)
    assert "abc123tok" not in masked and "s3cr" not in masked and "=x&" not in masked
    assert "/api/[redacted]/all_residents" in masked
    assert "page=2" in masked
    assert mask_target("POST /api/authorize HTTP/1.1") == "POST /api/authorize HTTP/1.1"
    assert mask_target("/api/v1/get_tickets/7") == "/api/v1/get_tickets/7"


def test_django_not_found_record_is_masked():
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/api/tok9/x",), None)
    RedactFilter().filter(record)
    assert record.getMessage() == "Not Found: /api/[redacted]/x"


def test_audit_payload_scrubbed_of_credentials():
    payload = {"list": {"authentication_token": ["s3cr"], "status": ["open"]}, "password": "p"}
    assert scrub(payload) == {"list": {"authentication_token": "[redacted]", "status": ["open"]},
                              "password": "[redacted]"}
