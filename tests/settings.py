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
