"""Secrets in logs: after the other families, every log line of every server this session started is searched
for every secret, password and token the suite was issued (harness: issued-secrets.txt). Named last so a
plain run reaches it after the others; the attack_server fixture repeats the search when the session ends."""

from tests.attack.conftest import STARTED, secrets_found

FAMILY = "secrets-in-logs"


def test_no_issued_secret_reaches_a_server_log(attack_server, scorecard):
    assert STARTED, "the suite started no server to read the logs of"
    hits = secrets_found(STARTED)
    scorecard.counts["attempts"] += len(STARTED)
    for hit in hits:
        scorecard.add("secrets_in_logs", finding=hit)
    assert hits == []
