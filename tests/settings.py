"""Test settings: the real settings with the testing switch on, fast password hashing and throwaway files."""

import os
import tempfile

os.environ.setdefault("HEALTHDESK_TESTING", "1")

from healthdesk.settings import *  # noqa: E402, F403
from healthdesk.settings import MIDDLEWARE, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="healthdesk-test-media-")},
    },
}

# Every partner response the suite produces is checked against the OpenAPI document (tests/contract.py).
MIDDLEWARE = [*MIDDLEWARE, "tests.contract.ContractMiddleware"]

# Test SMS go to healthdesk.sms.outbox, like Django's locmem mail backend does for email.
SMS_BACKEND = "healthdesk.sms.LocmemBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The suite tries every endpoint with wrong credentials from one address; the failure limits have their own
# tests (tests/trust/test_rate_limits.py), which set the limits they exercise.
HEALTHDESK_AUTH_FAILURES_PER_ADDRESS = "100000/min"
HEALTHDESK_AUTH_FAILURES_PER_KEY = "100000/min"
