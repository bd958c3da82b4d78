"""The SMS backends: the HTTP gateway against a local server, the file backend, the failure cases."""

import pytest

from healthdesk import sms


def test_gateway_posts_the_message_with_the_key(gateway):
    message_id = sms.send_sms(to="+31600000001", body="Hello")
    assert message_id == "msg-1"
    [request] = gateway.requests
    assert request["json"] == {"to": "+31600000001", "message": "Hello"}
    assert request["headers"]["Authorization"] == "Bearer test-gateway-key"


def test_gateway_error_status_raises(gateway):
    gateway.status = 503
    with pytest.raises(sms.SmsError, match="503"):
        sms.send_sms(to="+31600000001", body="Hello")


def test_unreachable_gateway_raises(settings, closed_port):
    settings.SMS_BACKEND = "healthdesk.sms.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{closed_port}/messages"
    with pytest.raises(sms.SmsError, match="unreachable"):
        sms.send_sms(to="+31600000001", body="Hello")


def test_file_backend_writes_one_file_per_message(settings, tmp_path):
    settings.SMS_BACKEND = "healthdesk.sms.FileBackend"
    settings.SMS_FILE_PATH = str(tmp_path)
    sms.send_sms(to="+31600000001", body="Hello")
    [written] = tmp_path.iterdir()
    assert written.read_text() == "To: +31600000001\n\nHello\n"
