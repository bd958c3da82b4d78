"""Whole numbers in partner input: ASCII digits only.

str.isdigit() also accepts "²", Arabic-Indic and fullwidth digits; int() refuses some of them and reads others
(issue #16), so a check with isdigit() either lets a 500 through or accepts what no partner document allows.
"""


def is_ascii_digits(value):
    """True for a non-empty string of the digits 0-9 and nothing else."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def ascii_int(value):
    """`int(value)` for an id from a path or a body, refusing what only Unicode calls digits (ValueError)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if not (text.isascii() and text.lstrip("+-").isdigit()):
        raise ValueError(f"not a whole number in ASCII digits: {value!r}")
    return int(text)


def ascii_only_integer_fields():
    """DRF's IntegerField reads "٣" and "３" as 3 (it calls int()): no partner document allows them, so every
    integer field of every partner refuses them as it refuses any other non-number, with the field's own error."""
    from rest_framework import fields

    original = fields.IntegerField.to_internal_value
    if getattr(original, "ascii_only", False):
        return

    def to_internal_value(self, data):
        if isinstance(data, str) and not data.isascii():
            self.fail("invalid")
        return original(self, data)

    to_internal_value.ascii_only = True
    fields.IntegerField.to_internal_value = to_internal_value
