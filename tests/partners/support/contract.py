"""The contract every support endpoint keeps; each endpoint's test class inherits it and says how to call it."""

import pytest


class SupportContract:
    """401 in the support shape, another organisation's ticket not found, bad input named with nothing written.

    Subclasses set `method`, `url(ticket)`, `body(tenant, ticket)` and `bad_inputs`: (field, value, status)
    triples; endpoints whose input is in the path override `bad_request`.
    """

    method = "post"
    bad_inputs = ()

    def url(self, ticket):
        raise NotImplementedError

    def body(self, tenant, ticket):
        return {}

    def assert_error(self, response, status, field=None):
        assert response.status_code == status, response.content
        body = response.json()
        assert body["status"] == "error"
        assert body["errorCode"] == status
        assert isinstance(body["message"], str) and body["message"]
        if field:
            assert body["field"] == field
            assert body["message"].startswith(f"{field}: ")
        return body

    def test_missing_token_is_a_401_in_the_support_shape(self, anonymous, tenant, ticket, snapshot):
        before = snapshot()
        response = anonymous.call(self.method, self.url(ticket), self.body(tenant, ticket))
        body = self.assert_error(response, 401)
        assert set(body) == {"status", "errorCode", "message"}
        assert response["WWW-Authenticate"] == 'Token realm="support"'
        assert snapshot() == before

    def test_wrong_token_is_a_401(self, wrong_token, tenant, ticket, snapshot):
        before = snapshot()
        self.assert_error(wrong_token.call(self.method, self.url(ticket), self.body(tenant, ticket)), 401)
        assert snapshot() == before

    def test_another_organisations_token_finds_nothing_and_changes_nothing(self, other_api, tenant, ticket,
                                                                          snapshot):
        before = snapshot()
        response = other_api.call(self.method, self.url(ticket), self.body(tenant, ticket))
        self.assert_error(response, 404)
        assert snapshot() == before

    def test_bad_input_is_named_and_writes_nothing(self, api, tenant, ticket, snapshot):
        assert self.bad_inputs, "every endpoint names at least one bad input"
        for field, value, status in self.bad_inputs:
            before = snapshot()
            url, body = self.bad_request(tenant, ticket, field, value)
            self.assert_error(api.call(self.method, url, body), status, field)
            assert snapshot() == before, field

    def bad_request(self, tenant, ticket, field, value):
        """The valid request with `field` set to `value` (None: left out)."""
        body = {key: val for key, val in self.body(tenant, ticket).items() if key != field}
        if value is not None:
            body[field] = value
        return self.url(ticket), body


class SupportPostContract(SupportContract):
    """The contract of an endpoint that takes its input as a POST body."""

    @pytest.mark.parametrize("raw", ['{"ticketId": ', "[1, 2]", '"text"'], ids=["truncated", "array", "string"])
    def test_a_body_that_is_not_a_json_object_is_a_400_and_writes_nothing(self, api, tenant, ticket, snapshot, raw):
        before = snapshot()
        body = self.assert_error(api.post_raw(self.url(ticket), raw), 400)
        assert set(body) == {"status", "errorCode", "message"}
        assert snapshot() == before
