"""Schemathesis hooks for .ci/fuzz.

Updox sends its credentials inside the JSON body (`auth`), which generated bodies cannot guess: every body
that is a JSON object gets the demo client's credentials, so the rest of the body is what gets fuzzed.
"""

import os

import schemathesis

UPDOX_AUTH = {
    "applicationId": os.environ.get("HD_FUZZ_KEY", ""),
    "applicationPassword": os.environ.get("HD_FUZZ_SECRET", ""),
    "accountId": os.environ.get("HD_FUZZ_ORGANISATION", ""),
}


@schemathesis.hook
def before_call(context, case, kwargs):
    if "updox" in (case.operation.tags or []) and isinstance(case.body, dict):
        case.body["auth"] = dict(UPDOX_AUTH)
