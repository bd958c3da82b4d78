"""Cliniko's words for our codes."""

from scheduling.choices import CancellationReason, InvoiceStatus

# The attendees document's wording ("Feeling better"), not the SPEC's capitalised enum; "" when not cancelled.
CANCELLATION_REASON_DESCRIPTIONS = {
    CancellationReason.FEELING_BETTER: "Feeling better",
    CancellationReason.CONDITION_WORSE: "Condition worse",
    CancellationReason.SICK: "Sick",
    CancellationReason.COVID_19: "COVID-19 related",
    CancellationReason.AWAY: "Away",
    CancellationReason.OTHER: "Other",
    CancellationReason.WORK: "Work",
}

INVOICE_STATUS_DESCRIPTIONS = {
    InvoiceStatus.OPEN: "Open",
    InvoiceStatus.PAID: "Paid",
    InvoiceStatus.CLOSED: "Closed",
    InvoiceStatus.OPEN_CREDIT: "Open credit",
}


def cancellation_reason_description(code):
    return CANCELLATION_REASON_DESCRIPTIONS.get(code, "") if code is not None else ""

# Cliniko's `sex` is free text; the resident holds one of three genders.
SEX = {"male": "Male", "female": "Female", "other": "Other"}
GENDER_FROM_SEX = {"male": "male", "m": "male", "female": "female", "f": "female", "other": "other"}
