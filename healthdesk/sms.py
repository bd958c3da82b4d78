"""Sending SMS through a small backend interface, in the manner of Django's email backends.

`SMS_BACKEND` picks the class: the console (default), a file per message, an in-memory outbox for tests, or an
HTTP gateway configured by `SMS_GATEWAY_URL` and `SMS_GATEWAY_KEY`.
"""

import json
import sys
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

outbox = []  # what LocmemBackend sent, for tests


class SmsError(Exception):
    """The message was not accepted; the caller records the error and tries again later."""


@dataclass(frozen=True)
class Sms:
    to: str
    body: str


class BaseBackend:
    """Sends one message or raises SmsError; returns the gateway's message id when there is one."""

    def send(self, sms):
        raise NotImplementedError


class ConsoleBackend(BaseBackend):
    """Writes each message to standard output: development's default."""

    _lock = threading.Lock()

    def send(self, sms):
        with self._lock:
            sys.stdout.write(f"SMS to {sms.to}\n{sms.body}\n{'-' * 40}\n")
            sys.stdout.flush()
        return ""


class FileBackend(BaseBackend):
    """Writes each message to its own file under `SMS_FILE_PATH`."""

    def send(self, sms):
        directory = Path(settings.SMS_FILE_PATH)
        directory.mkdir(parents=True, exist_ok=True)
        message_id = f"{timezone.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}"
        (directory / f"{message_id}.txt").write_text(f"To: {sms.to}\n\n{sms.body}\n", encoding="utf-8")
        return message_id


class LocmemBackend(BaseBackend):
    """Keeps messages in `healthdesk.sms.outbox`."""

    def send(self, sms):
        outbox.append(sms)
        return str(len(outbox))


class HttpGatewayBackend(BaseBackend):
    """POSTs `{"to", "message"}` as JSON to `SMS_GATEWAY_URL` with the key as a bearer token.

    Any answer but 2xx, a timeout or a refused connection is an SmsError.
    """

    def __init__(self, url=None, key=None, timeout=None):
        self.url = url or settings.SMS_GATEWAY_URL
        self.key = key if key is not None else settings.SMS_GATEWAY_KEY
        self.timeout = timeout or settings.SMS_GATEWAY_TIMEOUT
        if not self.url:
            raise SmsError("SMS_GATEWAY_URL is not set.")

    def send(self, sms):
        request = urllib.request.Request(
            self.url,
            data=json.dumps({"to": sms.to, "message": sms.body}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.key}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = response.read(64 * 1024)
        except urllib.error.HTTPError as exc:
            raise SmsError(f"SMS gateway answered {exc.code}.") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsError(f"SMS gateway unreachable: {getattr(exc, 'reason', exc)}.") from exc
        try:
            return str(json.loads(payload or b"{}").get("id", ""))
        except (ValueError, AttributeError):
            return ""


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to, body):
    """Send one SMS through the configured backend; raises SmsError when it is not accepted."""
    return get_backend().send(Sms(to=to, body=body))
