"""Whole numbers in partner input: ASCII digits only.

str.isdigit() also accepts "²", Arabic-Indic and fullwidth digits; int() refuses some of them and reads others
(issue #16), so a check with isdigit() either lets a 500 through or accepts what no partner document allows.
"""


def is_ascii_digits(value):
    """True for a non-empty string of the digits 0-9 and nothing else."""
    return isinstance(value, str) and value.isascii() and value.isdigit()
