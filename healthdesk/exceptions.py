"""Domain errors raised by services and selectors.

They carry what went wrong in the product's terms; each partner API renders them in its own error shape
(see healthdesk.partners.base.classify).
"""


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    default_message = "The request could not be completed."

    def __init__(self, message=None, *, field=None, code=None):
        self.message = message or self.default_message
        self.field = field
        self.code = code
        super().__init__(self.message)

    def __str__(self):
        return self.message


class NotFound(DomainError):
    """The object does not exist, or belongs to another organisation: never tell which."""

    default_message = "Not found."


class Gone(NotFound):
    """The object was this organisation's and has been deleted (kept, soft-deleted): an API that distinguishes
    deleted from unknown answers 410, any other treats it as not found."""

    default_message = "Deleted."


class Invalid(DomainError):
    """A value breaks a rule; `field` names the offending input."""

    default_message = "Invalid value."


class Conflict(DomainError):
    """The request is well formed but the object's state does not allow it (reopen an open ticket, …)."""

    default_message = "The object's current state does not allow this."


class PermissionDenied(DomainError):
    """The actor is known but may not do this (for example a revoked client)."""

    default_message = "Not allowed."
